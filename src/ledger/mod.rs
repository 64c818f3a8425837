//! The blockchain itself, with no notion of simulated time or network: hashes,
//! consensus encoding, transactions, blocks, proof of work, the UTXO set, validation,
//! the block tree with fork choice, coin provenance and wallets.

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
pub mod tx;
pub mod utxo;
pub mod validate;
pub mod wallet;

pub use block::{Block, BlockHash, Header};
pub use chain::{Accepted, BlockId, BlockTree, TipChange};
pub use hash::{sha256d, Hash256};
pub use params::ConsensusParams;
pub use pow::{CompactTarget, RetargetRule, Target, Work};
pub use tx::{Amount, OutPoint, Transaction, TxIn, TxOut, Txid, COIN};
pub use utxo::UtxoSet;
pub use validate::ValidationError;
pub use wallet::Wallet;
