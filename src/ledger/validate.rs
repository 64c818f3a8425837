//! Consensus rules. Each rule a block or transaction can break has its own error
//! variant, so callers (and tests) can tell exactly which rule failed.

use super::block::{Block, Header};
use super::hash::Hash256;
use super::keys::{ScriptError, SigCache};
use super::params::ConsensusParams;
use super::pow::{CompactError, CompactTarget};
use super::script::{self};
use super::tx::{Amount, OutPoint, Transaction, Txid, MAX_MONEY};
use super::utxo::{Coin, FastMap, UtxoSet};
use std::collections::HashSet;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValidationError {
    // --- transaction, context-free ---
    #[error("transaction {txid} has no inputs")]
    NoInputs { txid: Txid },
    #[error("transaction {txid} has no outputs")]
    NoOutputs { txid: Txid },
    #[error("transaction {txid} pays more than 21 million coins in its outputs")]
    OutputValueOutOfRange { txid: Txid },
    #[error("transaction {txid} spends {outpoint} twice")]
    DuplicateInput { txid: Txid, outpoint: OutPoint },
    #[error("coinbase {txid} has a {len}-byte input script; 2 to 100 bytes are allowed")]
    BadCoinbaseScriptLength { txid: Txid, len: usize },
    #[error("transaction {txid} input {index} spends the null outpoint but is not a coinbase")]
    NullInput { txid: Txid, index: usize },

    // --- transaction, against the chain state ---
    #[error(
        "transaction {txid} input {index} spends {outpoint}, which is missing or already spent"
    )]
    MissingOrSpentInput {
        txid: Txid,
        index: usize,
        outpoint: OutPoint,
    },
    #[error("transaction {txid} spends {outpoint}, already spent earlier in the same block")]
    DoubleSpendInBlock { txid: Txid, outpoint: OutPoint },
    #[error("transaction {txid} creates value: outputs {outputs} sat exceed inputs {inputs} sat")]
    ValueCreated {
        txid: Txid,
        inputs: Amount,
        outputs: Amount,
    },
    #[error("transaction {txid} input {index}: {reason}")]
    BadSignature {
        txid: Txid,
        index: usize,
        reason: ScriptError,
    },
    #[error("transaction {txid} spends coinbase output {outpoint} after {confirmations} of the {required} confirmations it needs")]
    ImmatureCoinbaseSpend {
        txid: Txid,
        outpoint: OutPoint,
        confirmations: u32,
        required: u32,
    },
    #[error("transaction {txid} is not final at height {height} (lock_time {lock_time})")]
    NonFinal {
        txid: Txid,
        height: u32,
        lock_time: u32,
    },

    // --- block ---
    #[error("block {hash} is {size} bytes; the limit is {max}")]
    BlockTooLarge {
        hash: Hash256,
        size: usize,
        max: usize,
    },
    #[error("block {hash} has no transactions")]
    EmptyBlock { hash: Hash256 },
    #[error("block {hash}'s first transaction is not a coinbase")]
    FirstNotCoinbase { hash: Hash256 },
    #[error("block {hash} has a second coinbase at position {index}")]
    ExtraCoinbase { hash: Hash256, index: usize },
    #[error("block {hash} has Merkle root {claimed} but its transactions give {computed}")]
    BadMerkleRoot {
        hash: Hash256,
        claimed: Hash256,
        computed: Hash256,
    },
    #[error("block {hash} contains transaction {txid} twice, or a transaction whose outputs are still unspent")]
    DuplicateTransaction { hash: Hash256, txid: Txid },
    #[error("block {hash}'s hash is above the target its bits {bits} encode")]
    HighHash { hash: Hash256, bits: CompactTarget },
    #[error("block {hash} has invalid bits: {reason}")]
    InvalidBits { hash: Hash256, reason: CompactError },
    #[error(
        "block {hash} at height {height} has bits {found}; the retarget rule requires {expected}"
    )]
    WrongBits {
        hash: Hash256,
        height: u32,
        found: CompactTarget,
        expected: CompactTarget,
    },
    #[error("block {hash} has time {time}, not after the median time past {median_time_past}")]
    TimeTooOld {
        hash: Hash256,
        time: u32,
        median_time_past: u32,
    },
    #[error("block {hash} has time {time}, more than the allowed {max_future_s} s after the validator's clock {now}")]
    TimeTooNew {
        hash: Hash256,
        time: u32,
        now: u32,
        max_future_s: u32,
    },
    #[error("block {hash}'s coinbase claims {claimed} sat; subsidy plus fees allow {allowed} sat")]
    CoinbaseTooLarge {
        hash: Hash256,
        claimed: Amount,
        allowed: Amount,
    },
    #[error("block {hash}'s coinbase does not start with its height {height} (BIP 34)")]
    CoinbaseHeightMissing { hash: Hash256, height: u32 },
    #[error("block {hash}'s parent {parent} is unknown")]
    UnknownParent { hash: Hash256, parent: Hash256 },
    #[error("block {hash} builds on invalid block {parent}")]
    InvalidParent { hash: Hash256, parent: Hash256 },
}

/// Where a block sits and what the validator knows: everything the contextual rules
/// need besides the UTXO set.
#[derive(Clone, Copy, Debug)]
pub struct BlockContext {
    pub height: u32,
    pub expected_bits: CompactTarget,
    /// Median time of the parent and its ancestors (`median_time_span` blocks).
    pub median_time_past: u32,
    /// The validator's clock, in seconds since the epoch.
    pub now: u32,
}

/// Rules a transaction must meet whatever the chain state.
pub fn check_transaction(tx: &Transaction, txid: Txid) -> Result<(), ValidationError> {
    if tx.inputs.is_empty() {
        return Err(ValidationError::NoInputs { txid });
    }
    if tx.outputs.is_empty() {
        return Err(ValidationError::NoOutputs { txid });
    }
    let mut total: Amount = 0;
    for out in &tx.outputs {
        total = total.saturating_add(out.value);
        if out.value > MAX_MONEY || total > MAX_MONEY {
            return Err(ValidationError::OutputValueOutOfRange { txid });
        }
    }
    if tx.is_coinbase() {
        let len = tx.inputs[0].script_sig.len();
        if !(2..=100).contains(&len) {
            return Err(ValidationError::BadCoinbaseScriptLength { txid, len });
        }
        return Ok(());
    }
    let mut seen = HashSet::with_capacity(tx.inputs.len());
    for (index, input) in tx.inputs.iter().enumerate() {
        if input.previous_output.is_null() {
            return Err(ValidationError::NullInput { txid, index });
        }
        if !seen.insert(input.previous_output) {
            return Err(ValidationError::DuplicateInput {
                txid,
                outpoint: input.previous_output,
            });
        }
    }
    Ok(())
}

/// Where a transaction's inputs are looked up.
pub trait CoinView {
    fn coin(&self, outpoint: &OutPoint) -> Option<&Coin>;
}

impl CoinView for UtxoSet {
    fn coin(&self, outpoint: &OutPoint) -> Option<&Coin> {
        self.get(outpoint)
    }
}

/// Checks a non-coinbase transaction's inputs against `view` for inclusion at
/// `spend_height`: they exist, coinbases are mature, signatures verify, and no value is
/// created. Returns the fee.
pub fn check_tx_inputs(
    tx: &Transaction,
    txid: Txid,
    view: &impl CoinView,
    spend_height: u32,
    params: &ConsensusParams,
    sigcache: &SigCache,
) -> Result<Amount, ValidationError> {
    check_inputs_with(tx, txid, view, spend_height, params, |index, script| {
        sigcache
            .verify(tx, txid, index, script)
            .map_err(|reason| ValidationError::BadSignature {
                txid,
                index,
                reason,
            })
    })
    .map_err(|(_, e)| e)
}

/// The input rules in Bitcoin's order, input by input, with the signature check left
/// to `check_signature` so that a block can defer its signatures and verify them in
/// parallel. Errors carry the input they arose at (`usize::MAX` for the value rule,
/// which comes after every input).
fn check_inputs_with(
    tx: &Transaction,
    txid: Txid,
    view: &impl CoinView,
    spend_height: u32,
    params: &ConsensusParams,
    mut check_signature: impl FnMut(usize, &[u8]) -> Result<(), ValidationError>,
) -> Result<Amount, (usize, ValidationError)> {
    let mut inputs: Amount = 0;
    for (index, input) in tx.inputs.iter().enumerate() {
        let outpoint = input.previous_output;
        let coin = view.coin(&outpoint).ok_or((
            index,
            ValidationError::MissingOrSpentInput {
                txid,
                index,
                outpoint,
            },
        ))?;
        if coin.is_coinbase {
            let confirmations = spend_height.saturating_sub(coin.height);
            if confirmations < params.coinbase_maturity {
                return Err((
                    index,
                    ValidationError::ImmatureCoinbaseSpend {
                        txid,
                        outpoint,
                        confirmations,
                        required: params.coinbase_maturity,
                    },
                ));
            }
        }
        inputs += coin.output.value;
        check_signature(index, &coin.output.script_pubkey).map_err(|e| (index, e))?;
    }
    let outputs = tx.total_output().unwrap_or(Amount::MAX);
    if outputs > inputs {
        return Err((
            usize::MAX,
            ValidationError::ValueCreated {
                txid,
                inputs,
                outputs,
            },
        ));
    }
    Ok(inputs - outputs)
}

/// Where in a block a rule was checked: (transaction, input, step), step 0 for the
/// coin rules and 1 for the signature, so that the error a sequential validator would
/// report first is the one reported, however the signatures were scheduled.
type Position = (usize, usize, u8);

struct SigJob<'a> {
    position: Position,
    tx: &'a Transaction,
    txid: Txid,
    index: usize,
    script: Vec<u8>,
}

/// Verifies `jobs` on all cores; returns the failure at the earliest position.
fn verify_signatures(
    jobs: &[SigJob<'_>],
    sigcache: &SigCache,
) -> Option<(Position, ValidationError)> {
    let verify = |chunk: &[SigJob<'_>]| {
        chunk.iter().find_map(|job| {
            sigcache
                .verify(job.tx, job.txid, job.index, &job.script)
                .err()
                .map(|reason| {
                    let err = ValidationError::BadSignature {
                        txid: job.txid,
                        index: job.index,
                        reason,
                    };
                    (job.position, err)
                })
        })
    };
    if jobs.len() < 64 {
        return verify(jobs);
    }
    // Asked once: the answer comes from reading cgroup files, a system call per block.
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let threads =
        *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if threads < 2 {
        return verify(jobs);
    }
    let chunk = jobs.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|c| scope.spawn(move || verify(c)))
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().expect("signature threads do not panic"))
            .min_by_key(|(position, _)| *position)
    })
}

/// Rules a block must meet whatever its place in the chain: proof of work against its
/// own bits, size, coinbase placement, Merkle root, and each transaction's own rules.
/// Returns the txids, which every later step needs.
pub fn check_block(block: &Block, params: &ConsensusParams) -> Result<Vec<Txid>, ValidationError> {
    let hash = block.block_hash();
    check_proof_of_work(&block.header, hash)?;
    let size = block.size();
    if size > params.max_block_bytes {
        return Err(ValidationError::BlockTooLarge {
            hash,
            size,
            max: params.max_block_bytes,
        });
    }
    let first = block
        .txdata
        .first()
        .ok_or(ValidationError::EmptyBlock { hash })?;
    if !first.is_coinbase() {
        return Err(ValidationError::FirstNotCoinbase { hash });
    }
    if let Some(index) = block
        .txdata
        .iter()
        .skip(1)
        .position(Transaction::is_coinbase)
    {
        return Err(ValidationError::ExtraCoinbase {
            hash,
            index: index + 1,
        });
    }
    let txids = block.txids();
    let (computed, mutated) = super::merkle::merkle_root_checked(&txids);
    if computed != block.header.merkle_root {
        return Err(ValidationError::BadMerkleRoot {
            hash,
            claimed: block.header.merkle_root,
            computed,
        });
    }
    if mutated {
        let mut seen = HashSet::new();
        let txid = *txids
            .iter()
            .find(|t| !seen.insert(**t))
            .unwrap_or(&txids[0]);
        return Err(ValidationError::DuplicateTransaction { hash, txid });
    }
    for (tx, txid) in block.txdata.iter().zip(&txids) {
        check_transaction(tx, *txid)?;
    }
    Ok(txids)
}

pub fn check_proof_of_work(header: &Header, hash: Hash256) -> Result<(), ValidationError> {
    let target = header
        .bits
        .to_target()
        .map_err(|reason| ValidationError::InvalidBits { hash, reason })?;
    if !target.is_met_by(&hash) {
        return Err(ValidationError::HighHash {
            hash,
            bits: header.bits,
        });
    }
    Ok(())
}

/// Header rules that depend on the chain: the difficulty the retarget rule demands and
/// the timestamp window (after the median time past, not too far in the future).
pub fn check_header_context(
    header: &Header,
    hash: Hash256,
    ctx: &BlockContext,
    params: &ConsensusParams,
) -> Result<(), ValidationError> {
    if header.bits != ctx.expected_bits {
        return Err(ValidationError::WrongBits {
            hash,
            height: ctx.height,
            found: header.bits,
            expected: ctx.expected_bits,
        });
    }
    if header.time <= ctx.median_time_past {
        return Err(ValidationError::TimeTooOld {
            hash,
            time: header.time,
            median_time_past: ctx.median_time_past,
        });
    }
    if header.time > ctx.now.saturating_add(params.max_future_block_time_s) {
        return Err(ValidationError::TimeTooNew {
            hash,
            time: header.time,
            now: ctx.now,
            max_future_s: params.max_future_block_time_s,
        });
    }
    Ok(())
}

/// The coinbase script prefix BIP 34 requires: the height as a minimal script number.
pub fn coinbase_height_prefix(height: u32) -> Vec<u8> {
    let mut num = Vec::new();
    let mut n = height;
    while n > 0 {
        num.push((n & 0xff) as u8);
        n >>= 8;
    }
    if num.last().is_some_and(|b| b & 0x80 != 0) {
        num.push(0);
    }
    let mut script = Vec::with_capacity(num.len() + 1);
    if num.is_empty() {
        script.push(0x00); // OP_0
    } else {
        script::push_data(&mut script, &num);
    }
    script
}

/// The UTXO set as a block sees it while being validated: the parent's coins, plus the
/// outputs of earlier transactions in the block, minus what earlier ones spent.
struct BlockView<'a> {
    base: &'a UtxoSet,
    created: FastMap<OutPoint, Coin>,
    spent: HashSet<OutPoint>,
}

impl CoinView for BlockView<'_> {
    fn coin(&self, outpoint: &OutPoint) -> Option<&Coin> {
        if self.spent.contains(outpoint) {
            return None;
        }
        self.created
            .get(outpoint)
            .or_else(|| self.base.get(outpoint))
    }
}

/// Every rule that needs the parent's UTXO set: BIP 34 height, finality, BIP 30 (no
/// transaction may overwrite unspent outputs), inputs, signatures, and the coinbase
/// limit. Returns the total fees.
// The positioned error is large, but there is at most one per invalid block: boxing it
// would cost an allocation on a path that is never hot.
#[allow(clippy::result_large_err)]
pub fn check_block_against_state(
    block: &Block,
    txids: &[Txid],
    ctx: &BlockContext,
    utxo: &UtxoSet,
    params: &ConsensusParams,
    sigcache: &SigCache,
) -> Result<Amount, ValidationError> {
    let hash = block.block_hash();
    let coinbase = &block.txdata[0];
    if ctx.height > 0
        && !coinbase.inputs[0]
            .script_sig
            .starts_with(&coinbase_height_prefix(ctx.height))
    {
        return Err(ValidationError::CoinbaseHeightMissing {
            hash,
            height: ctx.height,
        });
    }
    let mut view = BlockView {
        base: utxo,
        created: FastMap::default(),
        spent: HashSet::new(),
    };
    let mut fees: Amount = 0;
    let mut jobs = Vec::new();
    let sequential = (|| {
        for (position, (tx, &txid)) in block.txdata.iter().zip(txids).enumerate() {
            let fail = |e| Err(((position, 0, 0), e));
            if !tx.is_final(ctx.height, ctx.median_time_past) {
                return fail(ValidationError::NonFinal {
                    txid,
                    height: ctx.height,
                    lock_time: tx.lock_time,
                });
            }
            if (0..tx.outputs.len() as u32).any(|vout| utxo.contains(&OutPoint::new(txid, vout))) {
                return fail(ValidationError::DuplicateTransaction { hash, txid });
            }
            if !tx.is_coinbase() {
                if let Some(input) = tx
                    .inputs
                    .iter()
                    .find(|i| view.spent.contains(&i.previous_output))
                {
                    return fail(ValidationError::DoubleSpendInBlock {
                        txid,
                        outpoint: input.previous_output,
                    });
                }
                fees += check_inputs_with(tx, txid, &view, ctx.height, params, |index, script| {
                    jobs.push(SigJob {
                        position: (position, index, 1),
                        tx,
                        txid,
                        index,
                        script: script.to_vec(),
                    });
                    Ok(())
                })
                .map_err(|(input, e)| ((position, input, 0), e))?;
                view.spent
                    .extend(tx.inputs.iter().map(|i| i.previous_output));
            }
            for (vout, output) in tx.outputs.iter().enumerate() {
                view.created.insert(
                    OutPoint::new(txid, vout as u32),
                    Coin {
                        output: output.clone(),
                        height: ctx.height,
                        is_coinbase: tx.is_coinbase(),
                    },
                );
            }
        }
        Ok(())
    })();
    let signature_failure = verify_signatures(&jobs, sigcache);
    match (sequential, signature_failure) {
        (Err((at, e)), Some((sig_at, sig_e))) => return Err(if sig_at < at { sig_e } else { e }),
        (Err((_, e)), None) | (Ok(()), Some((_, e))) => return Err(e),
        (Ok(()), None) => {}
    }
    let claimed = coinbase.total_output().unwrap_or(Amount::MAX);
    let allowed = params.block_subsidy(ctx.height) + fees;
    if claimed > allowed {
        return Err(ValidationError::CoinbaseTooLarge {
            hash,
            claimed,
            allowed,
        });
    }
    Ok(fees)
}
