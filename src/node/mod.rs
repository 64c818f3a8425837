//! Node behaviours on the real ledger: full and light nodes that validate and relay
//! blocks, miners, attackers, and the wallets of the transaction workload, composed
//! into a [`Network`] the engine (`sim::engine`) runs. The layer reads a [`RunPlan`]
//! (compiled from a scenario by `scenario::compile`) and writes a [`RunOutput`].

pub mod attack;
mod chain_view;
mod connect;
mod core;
pub mod event;
mod healing;
pub mod history;
mod honest;
pub mod ids;
pub mod join;
mod light;
pub mod mining;
mod network;
pub mod output;
mod paybook;
pub mod payments;
pub mod plan;
pub mod recorder;
mod relay;
pub mod replay;
pub mod routing;
mod schedule;
mod setup;
mod table;
mod template;
mod txrelay;
mod workload;

pub use attack::{AttackOutput, AttemptRecord, Outcome};
pub use ids::{AttackerId, MinerId, PaymentId};
pub use mining::miner_of;
pub use network::{Network, LENGTH_CAP};
pub use output::{BlockRecord, RunOutput, TxRecord};
pub use plan::RunPlan;
pub use table::miner_node;
pub(crate) use table::NodeTable;
