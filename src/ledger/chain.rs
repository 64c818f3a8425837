//! The block tree: every valid block seen, main chain and forks, with fork choice by
//! most cumulative work (first seen wins ties) and one UTXO set that moves between
//! tips by undo and redo, as Bitcoin Core's chainstate does on a reorg.
//!
//! A simulator shares one tree among all its nodes: a block is validated once, when it
//! first arrives, and its verdict (accepted, or the error) is remembered by hash.

use super::block::{Block, BlockHash};
use super::keys::SigCache;
use super::mempool::{Mempool, MempoolError};
use super::params::ConsensusParams;
use super::pow::Work;
use super::tx::{Amount, Transaction, Txid};
use super::utxo::{BlockUndo, FastMap, UtxoSet};
use super::validate::{self, BlockContext, ValidationError};
use std::sync::Arc;

/// Dense index of a block in its tree: cheap to store per node and per message, and
/// a type of its own so that a height or a node id is never taken for one.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Debug)]
pub struct BlockId(pub u32);

impl BlockId {
    pub const GENESIS: BlockId = BlockId(0);

    /// Its position in the tree's and in per-block vectors.
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

impl std::fmt::Display for BlockId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[derive(Debug)]
pub struct BlockEntry {
    pub hash: BlockHash,
    pub block: Arc<Block>,
    pub txids: Vec<Txid>,
    pub parent: Option<BlockId>,
    pub height: u32,
    pub chain_work: Work,
    /// Median time past of this block and its ancestors: what a child must exceed.
    pub median_time_past: u32,
    pub size: usize,
    pub fees: Amount,
    /// The coins this block spent, present while the UTXO set includes the block.
    undo: Option<BlockUndo>,
}

/// How the best tip moved when a block was accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TipChange {
    pub old_tip: BlockId,
    pub new_tip: BlockId,
    pub fork_point: BlockId,
    /// Blocks that left the main chain (0 when the new tip simply extends the old).
    pub disconnected: u32,
    pub connected: u32,
}

impl TipChange {
    pub fn is_reorg(&self) -> bool {
        self.disconnected > 0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accepted {
    /// A block new to the tree; `tip` says whether it became the best tip.
    New {
        id: BlockId,
        tip: Option<TipChange>,
    },
    AlreadyKnown {
        id: BlockId,
    },
}

impl Accepted {
    pub fn id(&self) -> BlockId {
        match *self {
            Accepted::New { id, .. } | Accepted::AlreadyKnown { id } => id,
        }
    }
}

pub struct BlockTree {
    params: ConsensusParams,
    entries: Vec<BlockEntry>,
    by_hash: FastMap<BlockHash, BlockId>,
    invalid: FastMap<BlockHash, ValidationError>,
    best: BlockId,
    main_chain: Vec<BlockId>,
    utxo: UtxoSet,
    /// The block whose state `utxo` holds.
    cursor: BlockId,
    sigcache: Arc<SigCache>,
    tx_index: FastMap<Txid, (BlockId, u32)>,
}

impl BlockTree {
    /// A tree rooted at `genesis`, which must meet the genesis rules
    /// ([`validate::check_genesis`]): a chain read back from a file is not trusted.
    /// Unlike Bitcoin, genesis outputs are spendable at once: they are the scenario's
    /// initial coin distribution (docs/ledger.md).
    pub fn new(genesis: Block, params: ConsensusParams) -> Result<Self, ValidationError> {
        let txids = validate::check_genesis(&genesis)?;
        let hash = genesis.block_hash();
        let work = genesis.header.bits.work().unwrap_or_default();
        let mut utxo = UtxoSet::new();
        let undo = apply_premine(&mut utxo, &genesis, &txids);
        let mut tree = BlockTree {
            params,
            entries: Vec::new(),
            by_hash: FastMap::default(),
            invalid: FastMap::default(),
            best: BlockId::GENESIS,
            main_chain: vec![BlockId::GENESIS],
            utxo,
            cursor: BlockId::GENESIS,
            sigcache: Arc::new(SigCache::new()),
            tx_index: FastMap::default(),
        };
        tree.insert_entry(
            Arc::new(genesis),
            txids,
            hash,
            None,
            work,
            Amount::ZERO,
            Some(undo),
        );
        Ok(tree)
    }

    pub fn params(&self) -> &ConsensusParams {
        &self.params
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entry(&self, id: BlockId) -> &BlockEntry {
        &self.entries[id.index()]
    }

    pub fn entries(&self) -> &[BlockEntry] {
        &self.entries
    }

    pub fn id_of(&self, hash: &BlockHash) -> Option<BlockId> {
        self.by_hash.get(hash).copied()
    }

    pub fn genesis(&self) -> BlockId {
        BlockId::GENESIS
    }

    pub fn best(&self) -> BlockId {
        self.best
    }

    pub fn best_height(&self) -> u32 {
        self.entry(self.best).height
    }

    /// The main-chain block at `height`, if the chain is that long.
    pub fn at_height(&self, height: u32) -> Option<BlockId> {
        self.main_chain.get(height as usize).copied()
    }

    pub fn main_chain(&self) -> &[BlockId] {
        &self.main_chain
    }

    pub fn is_on_main_chain(&self, id: BlockId) -> bool {
        self.at_height(self.entry(id).height) == Some(id)
    }

    /// Where a transaction was first seen in a block (main chain or not).
    pub fn locate_tx(&self, txid: &Txid) -> Option<(BlockId, &Transaction)> {
        let &(id, index) = self.tx_index.get(txid)?;
        Some((id, &self.entry(id).block.txdata[index as usize]))
    }

    pub fn sigcache(&self) -> &SigCache {
        &self.sigcache
    }

    /// The signature cache, for a thread that verifies payments before they reach the
    /// tree (only successes are cached, so this changes no verdict, only its cost).
    pub fn shared_sigcache(&self) -> Arc<SigCache> {
        Arc::clone(&self.sigcache)
    }

    /// The context a child of `parent` is validated in, for a validator whose clock
    /// reads `now`: miners call this to build templates.
    pub fn child_context(&self, parent: BlockId, now: u32) -> BlockContext {
        let p = self.entry(parent);
        let height = p.height + 1;
        let rule = &self.params.retarget;
        let expected_bits = if rule.is_retarget_height(height) {
            let first = self
                .ancestor_at(parent, height - rule.interval)
                .expect("retarget height is at least one interval");
            rule.next_bits(
                p.block.header.bits,
                self.entry(first).block.header.time,
                p.block.header.time,
            )
        } else {
            p.block.header.bits
        };
        BlockContext {
            height,
            expected_bits,
            median_time_past: p.median_time_past,
            now,
        }
    }

    /// Validates `block` against its parent's state and, if valid, adds it to the tree
    /// and applies fork choice. A block seen before returns its remembered verdict.
    pub fn add_block(&mut self, block: Block, now: u32) -> Result<Accepted, ValidationError> {
        self.add_shared_block(Arc::new(block), now)
    }

    pub fn add_shared_block(
        &mut self,
        block: Arc<Block>,
        now: u32,
    ) -> Result<Accepted, ValidationError> {
        let hash = block.block_hash();
        if let Some(&id) = self.by_hash.get(&hash) {
            return Ok(Accepted::AlreadyKnown { id });
        }
        if let Some(err) = self.invalid.get(&hash) {
            return Err(err.clone());
        }
        match self.validate_and_connect(&block, hash, now) {
            Ok((parent, txids, undo, fees)) => {
                let work = self.entry(parent).chain_work
                    + block
                        .header
                        .bits
                        .work()
                        .expect("bits checked by validation");
                let id =
                    self.insert_entry(block, txids, hash, Some(parent), work, fees, Some(undo));
                Ok(Accepted::New {
                    id,
                    tip: self.update_best(id),
                })
            }
            Err(err) => {
                self.invalid.insert(hash, err.clone());
                Err(err)
            }
        }
    }

    fn validate_and_connect(
        &mut self,
        block: &Block,
        hash: BlockHash,
        now: u32,
    ) -> Result<(BlockId, Vec<Txid>, BlockUndo, Amount), ValidationError> {
        let prev = block.header.prev_blockhash;
        let parent = match self.by_hash.get(&prev) {
            Some(&id) => id,
            None if self.invalid.contains_key(&prev) => {
                return Err(ValidationError::InvalidParent { hash, parent: prev })
            }
            None => return Err(ValidationError::UnknownParent { hash, parent: prev }),
        };
        let txids = validate::check_block(block, &self.params)?;
        let ctx = self.child_context(parent, now);
        validate::check_header_context(&block.header, hash, &ctx, &self.params)?;
        self.move_cursor(parent);
        let fees = validate::check_block_against_state(
            block,
            &txids,
            &ctx,
            &self.utxo,
            &self.params,
            &self.sigcache,
        )?;
        let undo = self.utxo.apply_block(block, &txids, ctx.height);
        Ok((parent, txids, undo, fees))
    }

    #[allow(clippy::too_many_arguments)]
    fn insert_entry(
        &mut self,
        block: Arc<Block>,
        txids: Vec<Txid>,
        hash: BlockHash,
        parent: Option<BlockId>,
        chain_work: Work,
        fees: Amount,
        undo: Option<BlockUndo>,
    ) -> BlockId {
        let id = BlockId(self.entries.len() as u32);
        let height = parent.map_or(0, |p| self.entry(p).height + 1);
        let median_time_past = self.median_time_past(parent, block.header.time);
        for (index, txid) in txids.iter().enumerate() {
            self.tx_index.entry(*txid).or_insert((id, index as u32));
        }
        self.entries.push(BlockEntry {
            hash,
            size: block.size(),
            block,
            txids,
            parent,
            height,
            chain_work,
            median_time_past,
            fees,
            undo,
        });
        self.by_hash.insert(hash, id);
        self.cursor = id;
        id
    }

    /// Median of this block's time and its ancestors' (`median_time_span` in all).
    fn median_time_past(&self, parent: Option<BlockId>, time: u32) -> u32 {
        let mut times = vec![time];
        let mut at = parent;
        while let Some(id) = at {
            if times.len() == self.params.median_time_span {
                break;
            }
            times.push(self.entry(id).block.header.time);
            at = self.entry(id).parent;
        }
        times.sort_unstable();
        times[times.len() / 2]
    }

    /// Bitcoin's fork choice, the one rule for the tree's best chain and every node's
    /// view of it: `candidate` replaces `tip` only with strictly more cumulative work, so
    /// on equal work the tip seen first stays.
    pub fn displaces(&self, candidate: BlockId, tip: BlockId) -> bool {
        self.entry(candidate).chain_work > self.entry(tip).chain_work
    }

    fn update_best(&mut self, candidate: BlockId) -> Option<TipChange> {
        if !self.displaces(candidate, self.best) {
            return None;
        }
        let old_tip = self.best;
        let (disconnected, connected) = self.paths_to_fork(old_tip, candidate);
        // The candidate differs from the old tip, so its path is never empty.
        let lowest_new = *connected.last().expect("a new tip has a path to the fork");
        let fork_point = self.entry(lowest_new).parent.expect("above genesis");
        let fork_height = self.entry(fork_point).height as usize;
        self.main_chain.truncate(fork_height + 1);
        self.main_chain.extend(connected.iter().rev());
        self.best = candidate;
        Some(TipChange {
            old_tip,
            new_tip: candidate,
            fork_point,
            disconnected: disconnected.len() as u32,
            connected: connected.len() as u32,
        })
    }

    /// Moves the UTXO set to the state after `target`: undo down to the fork point,
    /// then redo up the other branch. Redone blocks were validated when first added.
    fn move_cursor(&mut self, target: BlockId) {
        let (undo_path, redo_path) = self.paths_to_fork(self.cursor, target);
        for id in undo_path {
            let entry = &mut self.entries[id.index()];
            let undo = entry
                .undo
                .take()
                .expect("blocks under the cursor carry undo data");
            self.utxo.undo_block(&entry.block, &entry.txids, undo);
        }
        for id in redo_path.into_iter().rev() {
            let entry = &mut self.entries[id.index()];
            entry.undo = Some(
                self.utxo
                    .apply_block(&entry.block, &entry.txids, entry.height),
            );
        }
        self.cursor = target;
    }

    /// The UTXO set after the best tip.
    pub fn utxo_at_best(&mut self) -> &UtxoSet {
        self.move_cursor(self.best);
        &self.utxo
    }

    /// The UTXO set after any block in the tree.
    pub fn utxo_at(&mut self, id: BlockId) -> &UtxoSet {
        self.move_cursor(id);
        &self.utxo
    }

    /// Admits `tx` to `pool` as a node whose tip is `tip` would: against the coins
    /// after `tip`, with this tree's rules and signature cache (so the block that later
    /// carries it finds its signatures verified, as Core's cache does). Returns the fee.
    pub fn admit_to_mempool(
        &mut self,
        pool: &mut Mempool,
        tx: &Transaction,
        tip: BlockId,
    ) -> Result<Amount, MempoolError> {
        self.move_cursor(tip);
        let height = self.entries[tip.index()].height;
        pool.accept(tx, &self.utxo, height, &self.params, &self.sigcache)
    }
}

/// Genesis outputs enter the set as ordinary (immediately spendable) coins.
fn apply_premine(utxo: &mut UtxoSet, genesis: &Block, txids: &[Txid]) -> BlockUndo {
    let undo = utxo.apply_block(genesis, txids, 0);
    let premine: Vec<_> = genesis
        .txdata
        .iter()
        .zip(txids)
        .flat_map(|(tx, txid)| {
            (0..tx.outputs.len() as u32).map(move |v| super::tx::OutPoint::new(*txid, v))
        })
        .collect();
    utxo.mark_spendable_now(&premine);
    undo
}
