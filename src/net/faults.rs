//! Faults as a filter of the transport: partitions, crashed nodes and message loss,
//! each between two times, decide whether a message that arrives was delivered, and
//! count what they cost (messages lost, reorgs once they heal). What a node does when
//! it crashes or a partition heals is the node layer's business.

use super::plan::{FaultKind, FaultPlan, NodeSet};
use super::NodeId;
use crate::sim::rng::{stream, SimRng};
use crate::sim::SimTime;
use rand::seq::index::sample;
use rand::Rng;

pub struct Faults {
    plans: Vec<FaultPlan>,
    /// Per fault, whether each node is in its set (empty for loss).
    members: Vec<Vec<bool>>,
    active: Vec<bool>,
    active_count: usize,
    /// Per node, how many crashes hold it down.
    down: Vec<u16>,
    loss_rng: SimRng,
    stats: Vec<FaultStats>,
    /// The partition or crash that healed last: reorgs from then on are its aftermath.
    last_healed: Option<usize>,
    /// Nodes that have not joined yet (`node::join`): down, and every message to or
    /// from them goes nowhere (uncounted: it is no fault). How many there are.
    absent: Vec<bool>,
    absent_count: usize,
    /// Faults from the scenario (the first ones); those after are partitions an
    /// attacker makes (an eclipse), not reported as faults.
    scheduled: usize,
}

#[derive(Clone, Copy, Default)]
struct FaultStats {
    messages_lost: u64,
    reorgs_after: u64,
    reorg_depth_max_after: u32,
}

/// What one fault did, for summary.json.
pub struct FaultOutput {
    pub kind: &'static str,
    pub start: SimTime,
    /// `None` when it lasted to the end of the run.
    pub end: Option<SimTime>,
    pub nodes: usize,
    pub messages_lost: u64,
    /// Node-level reorgs from its healing until the next fault heals (or the run ends).
    pub reorgs_after: u64,
    pub reorg_depth_max_after: u32,
}

/// The nodes of a fault's set, drawn from the seed when given as a fraction.
fn members(set: &NodeSet, nodes: usize, seed: u64, fault: usize) -> Vec<bool> {
    let mut member = vec![false; nodes];
    match set {
        NodeSet::Ids(ids) => ids.iter().for_each(|id| member[id.index()] = true),
        NodeSet::Fraction(f) => {
            let count = ((f * nodes as f64).round() as usize).clamp(1, nodes - 1);
            let mut rng = stream(seed, "fault-nodes", fault as u64);
            sample(&mut rng, nodes, count)
                .into_iter()
                .for_each(|id| member[id] = true);
        }
    }
    member
}

impl Faults {
    pub fn new(plans: Vec<FaultPlan>, nodes: u32, seed: u64) -> Self {
        let n = nodes as usize;
        let members = plans
            .iter()
            .enumerate()
            .map(|(i, f)| match &f.kind {
                FaultKind::Partition { nodes } | FaultKind::Crash { nodes } => {
                    members(nodes, n, seed, i)
                }
                FaultKind::Loss { .. } => Vec::new(),
            })
            .collect();
        Faults {
            scheduled: plans.len(),
            active: vec![false; plans.len()],
            stats: vec![FaultStats::default(); plans.len()],
            plans,
            members,
            active_count: 0,
            down: vec![0; n],
            loss_rng: stream(seed, "loss", 0),
            last_healed: None,
            absent: vec![false; n],
            absent_count: 0,
        }
    }

    /// A partition of `nodes` from the rest that an attacker starts and ends
    /// ([`Faults::start`], [`Faults::end`]); returns its index.
    pub fn add_partition(&mut self, nodes: &[NodeId]) -> usize {
        let mut member = vec![false; self.down.len()];
        nodes.iter().for_each(|n| member[n.index()] = true);
        self.plans.push(FaultPlan {
            kind: FaultKind::Partition {
                nodes: NodeSet::Ids(nodes.to_vec()),
            },
            start: SimTime::MAX,
            end: None,
        });
        self.members.push(member);
        self.active.push(false);
        self.stats.push(FaultStats::default());
        self.plans.len() - 1
    }

    /// `node` is not in the network until [`Faults::join`].
    pub fn set_absent(&mut self, node: NodeId) {
        if !self.absent[node.index()] {
            self.absent[node.index()] = true;
            self.absent_count += 1;
            self.down[node.index()] += 1;
        }
    }

    /// An absent node joins: it can talk from now on.
    pub fn join(&mut self, node: NodeId) {
        if self.absent[node.index()] {
            self.absent[node.index()] = false;
            self.absent_count -= 1;
            self.down[node.index()] -= 1;
        }
    }

    /// Nodes not in the network now.
    pub fn absent_count(&self) -> u32 {
        self.absent_count as u32
    }

    pub fn is_absent(&self, node: NodeId) -> bool {
        self.absent_count > 0 && self.absent[node.index()]
    }

    /// Whether any fault is active or any node absent: else everything is delivered.
    fn quiet(&self) -> bool {
        self.active_count == 0 && self.absent_count == 0
    }

    pub fn plans(&self) -> &[FaultPlan] {
        &self.plans
    }

    pub fn is_down(&self, node: NodeId) -> bool {
        !self.quiet() && self.down[node.index()] > 0
    }

    pub fn is_member(&self, fault: usize, node: NodeId) -> bool {
        self.members[fault][node.index()]
    }

    /// Whether a message from `from` to `to`, arriving now, was lost to an active
    /// fault (counted there). Loss draws from its own stream only while a loss fault
    /// is active, in the order messages arrive.
    pub fn lost(&mut self, from: NodeId, to: NodeId) -> bool {
        if self.quiet() {
            return false;
        }
        if self.is_absent(from) || self.is_absent(to) {
            return true;
        }
        for (i, fault) in self.plans.iter().enumerate() {
            if !self.active[i] {
                continue;
            }
            let set = &self.members[i];
            let lost = match fault.kind {
                FaultKind::Partition { .. } => set[from.index()] != set[to.index()],
                FaultKind::Crash { .. } => set[to.index()],
                FaultKind::Loss { rate, .. } => self.loss_rng.random::<f64>() < rate,
            };
            if lost {
                self.stats[i].messages_lost += 1;
                return true;
            }
        }
        false
    }

    /// Whether `a` and `b` can talk at all now (neither down, no partition between).
    pub fn usable(&self, a: NodeId, b: NodeId) -> bool {
        if self.quiet() {
            return true;
        }
        if self.is_down(a) || self.is_down(b) {
            return false;
        }
        self.plans.iter().enumerate().all(|(i, f)| {
            !(self.active[i] && matches!(f.kind, FaultKind::Partition { .. }))
                || self.members[i][a.index()] == self.members[i][b.index()]
        })
    }

    /// How long a node waits before asking again for what did not come: the loss
    /// fault's `retry`, or 2 s.
    pub fn retry_delay(&self) -> SimTime {
        self.plans
            .iter()
            .find_map(|f| match f.kind {
                FaultKind::Loss { retry, .. } => Some(retry),
                _ => None,
            })
            .unwrap_or(SimTime::from_secs(2))
    }

    /// The fault begins; returns the nodes it brings down (a crash).
    pub fn start(&mut self, fault: usize) -> Vec<NodeId> {
        self.active[fault] = true;
        self.active_count += 1;
        if !matches!(self.plans[fault].kind, FaultKind::Crash { .. }) {
            return Vec::new();
        }
        let crashed = self.member_list(fault);
        for node in &crashed {
            self.down[node.index()] += 1;
        }
        crashed
    }

    /// The fault ends; returns the nodes it held (none for loss), which the node layer
    /// reconnects. A crashed node is up again from here.
    pub fn end(&mut self, fault: usize) -> Vec<NodeId> {
        self.active[fault] = false;
        self.active_count -= 1;
        if matches!(self.plans[fault].kind, FaultKind::Loss { .. }) {
            return Vec::new();
        }
        if fault < self.scheduled {
            self.last_healed = Some(fault);
        }
        self.member_list(fault)
    }

    /// A crashed node restarts (called by the node layer as it reconnects it).
    pub fn restart(&mut self, node: NodeId) {
        self.down[node.index()] -= 1;
    }

    fn member_list(&self, fault: usize) -> Vec<NodeId> {
        (0..self.down.len() as u32)
            .map(NodeId)
            .filter(|n| self.members[fault][n.index()])
            .collect()
    }

    pub fn count_reorg(&mut self, depth: u32) {
        if let Some(f) = self.last_healed {
            let s = &mut self.stats[f];
            s.reorgs_after += 1;
            s.reorg_depth_max_after = s.reorg_depth_max_after.max(depth);
        }
    }

    pub fn output(&self) -> Vec<FaultOutput> {
        self.plans[..self.scheduled]
            .iter()
            .zip(&self.stats)
            .zip(&self.members)
            .map(|((f, s), set)| FaultOutput {
                kind: f.name(),
                start: f.start,
                end: f.end,
                nodes: set.iter().filter(|&&m| m).count(),
                messages_lost: s.messages_lost,
                reorgs_after: s.reorgs_after,
                reorg_depth_max_after: s.reorg_depth_max_after,
            })
            .collect()
    }
}
