//! Faults: partitions, crashed nodes and message loss, each between two times, and
//! what they cost (messages lost, reorgs once they heal).

use super::{Event, Seen, World};
use crate::ledger::BlockId;
use crate::scenario::{Fault, NodeSet, Scenario};
use crate::sim::rng::{stream, SimRng};
use crate::sim::SimTime;
use rand::seq::index::sample;
use rand::Rng;

pub(super) struct FaultState {
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

impl FaultState {
    pub(super) fn new(sc: &Scenario) -> Self {
        let n = sc.network.nodes as usize;
        let members = sc
            .faults
            .iter()
            .enumerate()
            .map(|(i, f)| match f {
                Fault::Partition { nodes, .. } | Fault::Crash { nodes, .. } => {
                    let mut set = vec![false; n];
                    match nodes {
                        NodeSet::Ids(ids) => ids.iter().for_each(|&id| set[id as usize] = true),
                        NodeSet::Fraction(f) => {
                            let count = ((f * n as f64).round() as usize).clamp(1, n - 1);
                            let mut rng = stream(sc.seed, "fault-nodes", i as u64);
                            sample(&mut rng, n, count)
                                .into_iter()
                                .for_each(|id| set[id] = true);
                        }
                    }
                    set
                }
                Fault::Loss { .. } => Vec::new(),
            })
            .collect();
        FaultState {
            members,
            active: vec![false; sc.faults.len()],
            active_count: 0,
            down: vec![0; n],
            loss_rng: stream(sc.seed, "loss", 0),
            stats: vec![FaultStats::default(); sc.faults.len()],
            last_healed: None,
        }
    }

    pub(super) fn is_down(&self, node: u32) -> bool {
        self.active_count > 0 && self.down[node as usize] > 0
    }

    pub(super) fn count_reorg(&mut self, depth: u32) {
        if let Some(f) = self.last_healed {
            let s = &mut self.stats[f];
            s.reorgs_after += 1;
            s.reorg_depth_max_after = s.reorg_depth_max_after.max(depth);
        }
    }

    pub(super) fn output(&self, sc: &Scenario) -> Vec<FaultOutput> {
        sc.faults
            .iter()
            .zip(&self.stats)
            .zip(&self.members)
            .map(|((f, s), set)| {
                let (start, end) = f.window();
                FaultOutput {
                    kind: f.kind(),
                    start,
                    end: (end != u64::MAX).then_some(end),
                    nodes: set.iter().filter(|&&m| m).count(),
                    messages_lost: s.messages_lost,
                    reorgs_after: s.reorgs_after,
                    reorg_depth_max_after: s.reorg_depth_max_after,
                }
            })
            .collect()
    }
}

impl World {
    pub(super) fn schedule_faults(&mut self) {
        for (i, f) in self.sc.faults.iter().enumerate() {
            let (start, end) = f.window();
            self.queue
                .schedule(start, Event::FaultStarts { fault: i as u32 });
            if end != u64::MAX {
                self.queue
                    .schedule(end, Event::FaultEnds { fault: i as u32 });
            }
        }
    }

    /// Whether a message from `from` to `to` is lost to an active fault (counted there).
    pub(super) fn lost(&mut self, from: u32, to: u32) -> bool {
        let state = &mut self.faults;
        if state.active_count == 0 {
            return false;
        }
        for (i, fault) in self.sc.faults.iter().enumerate() {
            if !state.active[i] {
                continue;
            }
            let set = &state.members[i];
            let lost = match fault {
                Fault::Partition { .. } => set[from as usize] != set[to as usize],
                Fault::Crash { .. } => set[to as usize],
                Fault::Loss { rate, .. } => state.loss_rng.random::<f64>() < *rate,
            };
            if lost {
                state.stats[i].messages_lost += 1;
                return true;
            }
        }
        false
    }

    pub(super) fn link_usable(&self, a: u32, b: u32) -> bool {
        if self.faults.active_count == 0 {
            return true;
        }
        if self.faults.is_down(a) || self.faults.is_down(b) {
            return false;
        }
        self.sc.faults.iter().enumerate().all(|(i, f)| {
            !(self.faults.active[i] && matches!(f, Fault::Partition { .. }))
                || self.faults.members[i][a as usize] == self.faults.members[i][b as usize]
        })
    }

    /// A request or its answer was lost: `node` asks `peer` again after the retry time
    /// of the loss fault (or 2 s).
    pub(super) fn retry_later(&mut self, now: SimTime, node: u32, peer: u32, block: BlockId) {
        let retry = self.retry_delay();
        self.queue
            .schedule(now + retry, Event::Retry { node, peer, block });
    }

    pub(super) fn retry_delay(&self) -> SimTime {
        self.sc
            .faults
            .iter()
            .find_map(|f| match f {
                Fault::Loss { retry, .. } => Some(retry.0),
                _ => None,
            })
            .unwrap_or(2_000_000_000)
    }

    pub(super) fn on_retry(&mut self, now: SimTime, node: u32, peer: u32, block: BlockId) {
        if self.seen[block as usize][node as usize] != Seen::Requested {
            return;
        }
        if self.link_usable(node, peer) {
            self.request(now, node, peer, block);
        } else {
            // Cut off: forget the request; the tips exchanged on healing bring it back.
            self.seen[block as usize][node as usize] = Seen::Unknown;
        }
    }

    pub(super) fn fault_starts(&mut self, fault: u32) {
        let f = fault as usize;
        self.faults.active[f] = true;
        self.faults.active_count += 1;
        if let Fault::Crash { .. } = self.sc.faults[f] {
            for node in 0..self.tips.len() {
                if self.faults.members[f][node] {
                    self.faults.down[node] += 1;
                    if let Some(m) = self.miner_of_node[node] {
                        self.miners[m as usize].epoch += 1;
                    }
                }
            }
        }
    }

    /// Healing: nodes on either side of each link that the fault cut tell each other
    /// their tips, as peers do when they reconnect; missing ancestors follow as orphans'
    /// parents are asked for.
    pub(super) fn fault_ends(&mut self, now: SimTime, fault: u32) {
        let f = fault as usize;
        self.faults.active[f] = false;
        self.faults.active_count -= 1;
        let crash = matches!(self.sc.faults[f], Fault::Crash { .. });
        if matches!(self.sc.faults[f], Fault::Loss { .. }) {
            return;
        }
        self.faults.last_healed = Some(f);
        let n = self.tips.len() as u32;
        for node in 0..n {
            if !self.faults.members[f][node as usize] {
                continue;
            }
            if crash {
                self.faults.down[node as usize] -= 1;
            }
            for i in 0..self.topo.peers(node).len() {
                let peer = self.topo.peers(node)[i].peer;
                let cut = crash || !self.faults.members[f][peer as usize];
                if cut && self.link_usable(node, peer) {
                    self.announce(now, node, peer, self.tips[node as usize]);
                    self.announce(now, peer, node, self.tips[peer as usize]);
                }
            }
            if crash {
                if let Some(m) = self.miner_of_node[node as usize] {
                    self.schedule_mining(m);
                }
            }
        }
    }
}
