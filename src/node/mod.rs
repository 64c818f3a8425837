//! Node behaviours on the real ledger: full nodes that validate and relay blocks,
//! miners, and the wallets of the transaction workload. `world` runs them together.

pub mod payments;
pub mod world;

pub use world::{BlockRecord, RunOutput, TxRecord, World};
