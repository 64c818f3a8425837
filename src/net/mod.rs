//! The network: who is connected to whom (`topology`, `build`), how long messages take
//! (`link`, `transport`), how big they are (`wire`), and what goes wrong (`faults`).
//! The node layer sends through the [`Transport`] only.

pub mod build;
pub mod eclipse;
pub mod faults;
pub mod gervais2016;
pub mod hubs;
pub mod ids;
pub mod latency;
pub mod link;
pub mod plan;
pub mod regions;
mod regular;
pub mod topology;
pub mod transport;
pub mod wire;

pub use ids::NodeId;
pub use link::{Traffic, Uplinks};
pub use topology::{EdgeSpec, Link, Topology};
pub use transport::{Arrival, Transport};
