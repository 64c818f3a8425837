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
    pub transfer: Transfer,
}

/// How a message's bytes occupy the two ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transfer {
    /// Payloads (blocks, payments) also queue on the receiver's downlink: the sender's
    /// uplink is held for the bytes at its own upload rate, the receiver's downlink at
    /// its download rate, and the bytes move at the slower end (Gervais et al.'s
    /// model). Without it every message queues on the sender's uplink only, moving at
    /// the slowest of the sender's upload, the link and the receiver's download.
    pub download_queue: bool,
    /// Control messages (announcements, requests) wait behind the payloads on the
    /// sender's uplink; without it they queue behind nothing.
    pub control_queued: bool,
}

impl Transfer {
    /// Every message on the sender's uplink, downloads not queued.
    pub const UPLINK: Transfer = Transfer {
        download_queue: false,
        control_queued: true,
    };
}

/// Who connects to whom.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// Each node opens `outbound` links to random peers (Bitcoin-like), none taking
    /// more than `max_inbound` (routing's limit; `u32::MAX` without routing).
    Random { max_inbound: u32 },
    /// Every node has exactly 2 × `outbound` random peers.
    Regular,
    /// Watts–Strogatz with this rewiring probability.
    SmallWorld { rewire: f64 },
    /// Exactly these links (a topology file, read once when the scenario compiled).
    Edges(Vec<EdgeSpec>),
    /// Connection counts from Gervais et al.'s measured table; `hubs` (the mining
    /// nodes) linked to each other with (fewest, most) `hub_peers` peers each, or drawn
    /// like the rest when `None` (`net::hubs`).
    Hubs {
        hubs: Vec<NodeId>,
        hub_peers: Option<(u32, u32)>,
    },
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
    /// Gervais et al.'s 2015–16 network (`net::gervais2016`): regions drawn by node
    /// share (the hubs' given), latency per link Pareto around the regions' mean (or
    /// the mean), bandwidth per node drawn from its region's measured table (or the
    /// table's mean), and the hubs at `hub_bps` up and down when set.
    Measured2016 {
        hub_regions: Vec<(NodeId, usize)>,
        pareto_latency: bool,
        speed_tables: bool,
        hub_bps: Option<f64>,
    },
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
