//! The blockchain itself, with no notion of simulated time or network: hashes,
//! consensus encoding, transactions, blocks, proof of work, the UTXO set, validation,
//! the block tree with fork choice, coin provenance and wallets.

pub mod amount;
pub mod block;
pub mod builder;
pub mod chain;
pub mod encode;
pub mod grind;
pub mod hash;
pub mod keys;
pub mod mempool;
pub mod merkle;
pub mod params;
pub mod pow;
pub mod provenance;
pub mod script;
mod tree_walk;
pub mod tx;
pub mod utxo;
pub mod validate;
pub mod wallet;

pub use amount::{Amount, FeeRate, COIN};
pub use block::{Block, BlockHash, Header};
pub use chain::{Accepted, BlockId, BlockTree, TipChange};
pub use hash::{sha256d, Hash256};
pub use params::ConsensusParams;
pub use pow::{CompactTarget, RetargetRule, Target, Work};
pub use tx::{OutPoint, Transaction, TxIn, TxOut, Txid};
pub use utxo::UtxoSet;
pub use validate::ValidationError;
pub use wallet::Wallet;
