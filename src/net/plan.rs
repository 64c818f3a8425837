//! What a network is to be: plain data, compiled from a scenario once
//! (`scenario::compile`); the network layer never reads the scenario file's schema.

use super::regions::RegionPreset;
use super::{EdgeSpec, NodeId};
use crate::sim::SimTime;

#[derive(Clone, Debug, PartialEq)]
pub struct NetworkPlan {
    pub nodes: u32,
    pub outbound: u32,
    pub shape: Shape,
    pub links: LinkModel,
}

/// Who connects to whom.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// Each node opens `outbound` links to random peers (Bitcoin-like).
    Random,
    /// Every node has exactly 2 × `outbound` random peers.
    Regular,
    /// Watts–Strogatz with this rewiring probability.
    SmallWorld { rewire: f64 },
    /// Exactly these links (a topology file, read once when the scenario compiled).
    Edges(Vec<EdgeSpec>),
}

/// Delays and capacities of the links.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkModel {
    /// Every link's latency uniform in `latency ± jitter` (links a topology file gives
    /// keep their own); every node `bandwidth_bps` up and down.
    Uniform {
        latency: SimTime,
        jitter: SimTime,
        bandwidth_bps: f64,
    },
    /// A measured region model: each node placed in a region; a link's latency is its
    /// regions' mean × uniform [0.8, 1.2]; bandwidth per region.
    Regions(&'static RegionPreset),
}

/// Something that goes wrong between `start` and `end` (`None`: to the end).
#[derive(Clone, Debug, PartialEq)]
pub struct FaultPlan {
    pub kind: FaultKind,
    pub start: SimTime,
    pub end: Option<SimTime>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FaultKind {
    /// `nodes` are cut off from the rest.
    Partition { nodes: NodeSet },
    /// `nodes` stop, and restart with the chain they had.
    Crash { nodes: NodeSet },
    /// Every message is lost with probability `rate`; a request that got nothing is
    /// asked again after `retry`.
    Loss { rate: f64, retry: SimTime },
}

/// Which nodes a fault hits.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeSet {
    Ids(Vec<NodeId>),
    /// A fraction of all nodes, drawn from the seed.
    Fraction(f64),
}

impl FaultPlan {
    pub fn name(&self) -> &'static str {
        match self.kind {
            FaultKind::Partition { .. } => "partition",
            FaultKind::Crash { .. } => "crash",
            FaultKind::Loss { .. } => "loss",
        }
    }
}
