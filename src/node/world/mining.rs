//! Miners: when the next block is found, what it holds, and who it pays.

use super::{BlockRecord, Event, Seen, World, GENESIS_TIME};
use crate::ledger::pow::{RetargetRule, Target};
use crate::ledger::{builder, Amount, BlockId, ConsensusParams, OutPoint, Transaction, Txid};
use crate::scenario::{PowMode, Scenario};
use crate::sim::rng::exponential;
use crate::sim::{SimTime, NS_PER_S};
use rand::Rng;
use std::collections::HashSet;

/// The miner that found a (non-genesis) block: miners put their id, then an extra
/// nonce, in the push that follows the BIP 34 height in their coinbase.
pub fn miner_of(block: &crate::ledger::Block) -> Option<u32> {
    let script = &block.txdata.first()?.inputs.first()?.script_sig;
    let (_height, rest) = crate::ledger::script::read_leading_int(script)?;
    let pushes = crate::ledger::script::parse_pushes(rest)?;
    miner_from_tag(pushes.first()?)
}

fn miner_from_tag(tag: &[u8]) -> Option<u32> {
    Some(u32::from_le_bytes(tag.get(..4)?.try_into().ok()?))
}

pub fn consensus_params(sc: &Scenario) -> ConsensusParams {
    let c = &sc.consensus;
    ConsensusParams {
        max_block_bytes: c.max_block_bytes.0 as usize,
        coinbase_maturity: c.coinbase_maturity,
        initial_reward: Amount::from_coins(c.reward),
        halving_interval: c.halving_interval,
        retarget: RetargetRule {
            interval: c.retarget_interval,
            timespan_s: (c.block_interval.secs() * f64::from(c.retarget_interval)).round() as u64,
            clamp_factor: c.retarget_clamp,
            // Room for the difficulty to fall 64-fold below the starting point.
            pow_limit: Target::from_expected_hashes((c.hashes_per_block / 64).max(1)),
        },
        median_time_span: 11,
        max_future_block_time_s: 7200,
    }
}

impl World {
    /// Draws the miner's time to its next block on its current tip. Block discovery is
    /// memoryless, so redrawing whenever the tip changes is exact, not an approximation.
    pub(super) fn schedule_mining(&mut self, m: u32) {
        if self.faults.is_down(self.miners[m as usize].node) {
            // A crashed miner finds nothing; its pending discovery is void.
            self.miners[m as usize].epoch += 1;
            return;
        }
        if self.sc.mining.pow == PowMode::Grind {
            return self.schedule_grinding(m);
        }
        let tip = self.mining_tip(m);
        let bits = self.tree.child_context(tip, u32::MAX).expected_bits;
        let work = bits.work().expect("valid bits").to_f64();
        let miner = &mut self.miners[m as usize];
        miner.epoch += 1;
        let mean_s = work / (self.network_hashrate * miner.share);
        let delay = (exponential(&mut miner.rng, mean_s) * NS_PER_S as f64) as SimTime;
        let epoch = miner.epoch;
        self.queue
            .schedule_in(delay.max(1), Event::Mine { miner: m, epoch });
    }

    /// `pow: grind`: build the block now, grind it from a random nonce, and let the
    /// tries at this miner's hashrate decide when it is found.
    fn schedule_grinding(&mut self, m: u32) {
        let now = self.queue.now();
        let (mut block, time) = self.build_block(now, m);
        let miner = &mut self.miners[m as usize];
        let start: u32 = miner.rng.random();
        let tries = builder::solve_from(&mut block, start);
        miner.epoch += 1;
        let delay_s = tries as f64 / (self.network_hashrate * miner.share);
        let delay = (delay_s * NS_PER_S as f64) as SimTime;
        miner.pending = Some((block, time));
        let epoch = miner.epoch;
        self.queue
            .schedule_in(delay.max(1), Event::Mine { miner: m, epoch });
    }

    /// The block a miner builds on: its node's tip, or an attacker's private tip.
    fn mining_tip(&self, m: u32) -> BlockId {
        let miner = &self.miners[m as usize];
        match miner.attacker {
            Some(a) => self.attackers[a as usize].private_tip,
            None => self.tips[miner.node as usize],
        }
    }

    /// A block for miner `m` on its tip: template, coinbase (with padding), header.
    fn build_block(&mut self, now: SimTime, m: u32) -> (crate::ledger::Block, u32) {
        let node = self.miners[m as usize].node;
        let attacker = self.miners[m as usize].attacker;
        let tip = match attacker {
            Some(_) => self.mining_tip(m),
            None => self.parent_in_race(m, self.tips[node as usize]),
        };
        let time = GENESIS_TIME + (now / NS_PER_S) as u32;
        let ctx = self.tree.child_context(tip, time);
        let (txs, fees) = match attacker {
            Some(a) => self.attacker_template(a, tip),
            None => self.build_template(m, tip),
        };
        // A coinbase may claim less than it is owed, never more than 21 million coins
        // (a subsidy near that limit plus fees would make the block invalid).
        let owed = self.tree.params().block_subsidy(ctx.height) + fees;
        let value = owed.min(crate::ledger::tx::MAX_MONEY);
        let miner = &mut self.miners[m as usize];
        let extra_nonce: u64 = miner.rng.random();
        let tag = [&m.to_le_bytes()[..], &extra_nonce.to_le_bytes()].concat();
        debug_assert_eq!(miner_from_tag(&tag), Some(m));
        let mut coinbase = builder::coinbase(ctx.height, miner.payout.clone(), value, &tag);
        let padding = self.sc.mining.block_padding.0 as usize;
        if padding > 0 {
            // Header, transaction count and the coinbase as built so far.
            let count = crate::ledger::encode::compact_size_len(txs.len() as u64 + 1);
            let used =
                80 + count + coinbase.size() + txs.iter().map(Transaction::size).sum::<usize>();
            builder::pad_coinbase(&mut coinbase, padding.saturating_sub(used));
        }
        let block = builder::assemble(self.tree.entry(tip).hash, &ctx, time, coinbase, txs);
        (block, time)
    }

    pub(super) fn mine_block(&mut self, now: SimTime, m: u32) {
        let node = self.miners[m as usize].node;
        let attacker = self.miners[m as usize].attacker;
        let (block, time) = match self.miners[m as usize].pending.take() {
            Some(solved) => solved,
            None => {
                let (mut block, time) = self.build_block(now, m);
                builder::solve(&mut block);
                (block, time)
            }
        };
        let id = match self.tree.add_block(block, time) {
            Ok(accepted) => accepted.id(),
            Err(e) => panic!("a miner built an invalid block; this is a chainlab bug: {e}"),
        };
        self.seen.push(vec![Seen::Unknown; self.tips.len()]);
        self.note_young_payments(id, now);
        self.gossip_note_block(id);
        self.blocks.push(BlockRecord {
            miner: Some(m),
            mined_at: now,
            arrivals: Vec::new(),
        });
        let (height, n_tx) = (self.tree.entry(id).height, self.tree.entry(id).txids.len());
        self.trace(now, Some(node), "mined", Some(id), || {
            format!("miner {m}, height {height}, {n_tx} transactions")
        });
        self.end_race_below(height);
        match attacker {
            Some(a) => self.attacker_found(now, a, id),
            None => self.connect(now, node, node, id),
        }
    }

    /// Highest fee rate first (ties by arrival), each transaction only if its inputs are
    /// unspent at `tip` or created earlier in the template. Transactions already in
    /// the chain of `tip` leave the mempool.
    pub(super) fn build_template(&mut self, m: u32, tip: BlockId) -> (Vec<Transaction>, Amount) {
        let budget = self.tree.params().max_block_bytes.saturating_sub(1_000);
        let mut pool = std::mem::take(&mut self.miners[m as usize].mempool);
        pool.retain(|&t| match self.tree.locate_tx(&self.txs[t as usize].txid) {
            Some((block, _)) => !self.tree.is_ancestor(block, tip),
            None => true,
        });
        pool.sort_by_key(|&t| {
            let r = &self.txs[t as usize];
            (std::cmp::Reverse(r.fee * 1000 / r.size as u64), t)
        });
        let utxo = self.tree.utxo_at(tip);
        // A payment whose coins are gone at the tip, and not made by another waiting
        // payment, lost to a conflicting spend (a double spend that won): it can never
        // be mined on this chain, so it leaves the mempool.
        let (txs, bodies) = (&self.txs, &self.tx_bodies);
        let waiting: HashSet<Txid> = pool.iter().map(|&t| txs[t as usize].txid).collect();
        pool.retain(|&t| {
            bodies[t as usize].inputs.iter().all(|i| {
                utxo.contains(&i.previous_output) || waiting.contains(&i.previous_output.txid)
            })
        });
        let mut created: HashSet<OutPoint> = HashSet::new();
        let mut spent: HashSet<OutPoint> = HashSet::new();
        let mut chosen = Vec::new();
        let mut included = vec![false; pool.len()];
        let (mut size, mut fees) = (0usize, Amount::ZERO);
        // A child can sort before its parent; a few passes pick it up once the parent is in.
        for _ in 0..3 {
            let mut progressed = false;
            for (i, &t) in pool.iter().enumerate() {
                let (r, body) = (&self.txs[t as usize], &self.tx_bodies[t as usize]);
                if included[i] || size + r.size > budget {
                    continue;
                }
                let ok = body.inputs.iter().all(|inp| {
                    let o = inp.previous_output;
                    !spent.contains(&o) && (utxo.contains(&o) || created.contains(&o))
                });
                if ok {
                    spent.extend(body.inputs.iter().map(|i| i.previous_output));
                    created
                        .extend((0..body.outputs.len() as u32).map(|v| OutPoint::new(r.txid, v)));
                    chosen.push((**body).clone());
                    included[i] = true;
                    size += r.size;
                    fees += r.fee;
                    progressed = true;
                }
            }
            if !progressed {
                break;
            }
        }
        self.miners[m as usize].mempool = pool;
        (chosen, fees)
    }
}
