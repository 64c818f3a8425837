//! chainlab: a deterministic discrete-event simulator of proof-of-work UTXO
//! blockchains. Layers, each using only those above it (docs/DESIGN.md):
//! `ledger` → `sim` → `net` → `node` → `scenario` → `results` → `report` → `app` → `cli`.
//!
//! No unsafe code but one block, the cache hint in `sim::prefetch`, which says why.
#![deny(unsafe_code)]

pub mod app;
pub mod cli;
pub mod files;
pub mod ledger;
pub mod net;
pub mod node;
pub mod report;
pub mod results;
pub mod scenario;
pub mod sim;
