//! Consensus rules. Each rule a block or transaction can break has its own error
//! variant, so callers (and tests) can tell exactly which rule failed.

//!
//! The rules live by what they need: `tx` (a transaction alone, then its inputs
//! against a coin view), `block` (a block alone, its header in context, genesis, the
//! BIP 34 height) and `state` (a block against its parent's UTXO set, with signatures
//! verified on all cores by `sigs`).

mod block;
mod sigs;
mod state;
mod tx;

pub use block::{
    check_block, check_genesis, check_header_context, check_proof_of_work, coinbase_height_prefix,
};
pub use state::check_block_against_state;
pub use tx::{check_transaction, check_tx_inputs};

use super::hash::{BlockHash, Hash256};
use super::keys::ScriptError;
use super::pow::{CompactError, CompactTarget};
use super::tx::{Amount, OutPoint, Txid};
use super::utxo::{Coin, UtxoSet};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValidationError {
    // --- transaction, context-free ---
    #[error("transaction {txid} has no inputs")]
    NoInputs { txid: Txid },
    #[error("transaction {txid} has no outputs")]
    NoOutputs { txid: Txid },
    #[error("transaction {txid} output {index} pays {value} sat; at most 21 million coins (2100000000000000 sat) are allowed")]
    OutputTooLarge {
        txid: Txid,
        index: usize,
        value: Amount,
    },
    #[error("transaction {txid}'s outputs total more than 21 million coins")]
    OutputTotalTooLarge { txid: Txid },
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
    #[error("transaction {txid} input {index} brings the inputs' value above 21 million coins")]
    InputValueOutOfRange { txid: Txid, index: usize },
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
        hash: BlockHash,
        size: usize,
        max: usize,
    },
    #[error("block {hash} has no transactions")]
    EmptyBlock { hash: BlockHash },
    #[error("block {hash}'s first transaction is not a coinbase")]
    FirstNotCoinbase { hash: BlockHash },
    #[error("block {hash} has a second coinbase at position {index}")]
    ExtraCoinbase { hash: BlockHash, index: usize },
    #[error("block {hash} has Merkle root {claimed} but its transactions give {computed}")]
    BadMerkleRoot {
        hash: BlockHash,
        claimed: Hash256,
        computed: Hash256,
    },
    #[error("block {hash} contains transaction {txid} twice, or a transaction whose outputs are still unspent")]
    DuplicateTransaction { hash: BlockHash, txid: Txid },
    #[error("block {hash}'s hash is above the target its bits {bits} encode")]
    HighHash {
        hash: BlockHash,
        bits: CompactTarget,
    },
    #[error("block {hash} has invalid bits: {reason}")]
    InvalidBits {
        hash: BlockHash,
        reason: CompactError,
    },
    #[error(
        "block {hash} at height {height} has bits {found}; the retarget rule requires {expected}"
    )]
    WrongBits {
        hash: BlockHash,
        height: u32,
        found: CompactTarget,
        expected: CompactTarget,
    },
    #[error("block {hash} has time {time}, not after the median time past {median_time_past}")]
    TimeTooOld {
        hash: BlockHash,
        time: u32,
        median_time_past: u32,
    },
    #[error("block {hash} has time {time}, more than the allowed {max_future_s} s after the validator's clock {now}")]
    TimeTooNew {
        hash: BlockHash,
        time: u32,
        now: u32,
        max_future_s: u32,
    },
    #[error("block {hash}'s coinbase claims {claimed} sat; subsidy plus fees allow {allowed} sat")]
    CoinbaseTooLarge {
        hash: BlockHash,
        claimed: Amount,
        allowed: Amount,
    },
    #[error("block {hash}'s coinbase does not start with its height {height} (BIP 34)")]
    CoinbaseHeightMissing { hash: BlockHash, height: u32 },
    #[error("block {hash}'s parent {parent} is unknown")]
    UnknownParent { hash: BlockHash, parent: BlockHash },
    #[error("block {hash} builds on invalid block {parent}")]
    InvalidParent { hash: BlockHash, parent: BlockHash },
    #[error("genesis block {hash} names a parent {parent}; a genesis block's parent is all zeros")]
    GenesisWithParent { hash: BlockHash, parent: BlockHash },
    #[error("genesis block {hash} holds {count} transactions; it may hold only its coinbase")]
    GenesisWithTransactions { hash: BlockHash, count: usize },
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

/// Where a transaction's inputs are looked up.
pub trait CoinView {
    fn coin(&self, outpoint: &OutPoint) -> Option<&Coin>;
}

impl CoinView for UtxoSet {
    fn coin(&self, outpoint: &OutPoint) -> Option<&Coin> {
        self.get(outpoint)
    }
}
