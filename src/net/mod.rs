//! The network: who is connected to whom, how long messages take, and shortest paths.

pub mod link;
pub mod regions;
pub mod topology;

pub use link::Uplinks;
pub use topology::{EdgeSpec, Link, Topology};
