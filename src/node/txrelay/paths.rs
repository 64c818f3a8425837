//! Payments along shortest paths, for networks too large to relay them message by
//! message: a payment made at node o reaches each honest miner m at the latency of the
//! fastest path plus `workload.tx_trickle` per hop of the fewest-hop path (a close
//! bound); nodes hold no payment state.
//!
//! For compact blocks a node is taken to hold a payment once it could have reached it:
//! made at `t`, held at `v` by `t + d(origin, v)`, with d estimated through the miners
//! as landmarks (`min over miners m of d(origin, m) + d(m, v)`, an upper bound, exact
//! when a best path passes a miner). A block can thus outrun the payments in it when
//! the trickle is slow: what compact blocks then fetch. Only payments younger than the
//! longest such distance can be missing, so each check looks at a few.

use super::super::core::Core;
use super::super::event::Event;
use super::super::ids::{MinerId, PaymentId};
use super::super::plan::{BlockRelayKind, RunPlan, TxRelayKind};
use super::TxRelay;
use crate::ledger::BlockId;
use crate::net::NodeId;
use crate::sim::{EventQueue, SimTime};

pub struct Paths {
    kind: TxRelayKind,
    /// `delays[m][v]`: how long a payment takes from miner m's node to node v.
    delays: Vec<Vec<SimTime>>,
    /// Compact relay: how old a payment must be for every node to hold it (the
    /// largest landmark distance, twice); `None` without payments to track.
    horizon: Option<SimTime>,
    /// Compact relay, per block: the payments in it young enough that some node may
    /// lack them when the block arrives (found once, when the block is mined).
    young: Vec<Vec<PaymentId>>,
}

impl Paths {
    /// No payments: nothing travels (the kind is kept for the results).
    pub fn none(kind: TxRelayKind) -> Self {
        Paths {
            kind,
            delays: Vec::new(),
            horizon: None,
            young: vec![Vec::new()],
        }
    }

    pub fn new(plan: &RunPlan, core: &Core, paying: bool, miner_nodes: &[NodeId]) -> Self {
        if !paying {
            return Self::none(TxRelayKind::ShortestPath);
        }
        let topo = core.transport.topology();
        let trickle = plan.workload.tx_trickle;
        let delays: Vec<Vec<SimTime>> = miner_nodes
            .iter()
            .map(|&node| {
                let d = topo.distances_from(node);
                if trickle == SimTime::ZERO {
                    return d;
                }
                let hops = topo.hops_from(node);
                d.iter()
                    .zip(&hops)
                    .map(|(&d, &h)| d.saturating_add(trickle.saturating_mul(u64::from(h))))
                    .collect()
            })
            .collect();
        let horizon = (plan.relay == BlockRelayKind::Compact).then(|| {
            let longest = delays
                .iter()
                .flatten()
                .copied()
                .filter(|&d| d != SimTime::MAX)
                .max()
                .unwrap_or(SimTime::ZERO);
            longest * 2
        });
        Paths {
            kind: TxRelayKind::ShortestPath,
            delays,
            horizon,
            young: vec![Vec::new()],
        }
    }
}

impl TxRelay for Paths {
    fn kind(&self) -> TxRelayKind {
        self.kind
    }

    /// To each honest miner along its path (attackers keep their own templates).
    fn offer(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        origin: NodeId,
        tx: PaymentId,
    ) {
        for (m, delays) in self.delays.iter().enumerate() {
            let miner = MinerId(m as u32);
            if core.nodes.attacks(miner) {
                continue;
            }
            q.schedule(
                now + delays[origin.index()],
                Event::PaymentAtMiner { miner, tx },
            );
        }
    }

    fn block_mined(&mut self, core: &Core, block: BlockId, now: SimTime) {
        let young = match self.horizon {
            Some(horizon) => core
                .pays
                .in_block(&core.tree, block)
                .filter(|&i| core.pays.record(i).created + horizon > now)
                .collect(),
            None => Vec::new(),
        };
        debug_assert_eq!(self.young.len(), block.index());
        self.young.push(young);
    }

    fn missing(&self, core: &Core, node: NodeId, block: BlockId, now: SimTime) -> (usize, usize) {
        let (mut count, mut bytes) = (0, 0);
        for &tx in &self.young[block.index()] {
            let record = core.pays.record(tx);
            let reach = self
                .delays
                .iter()
                .map(|d| d[record.origin.index()].saturating_add(d[node.index()]))
                .min()
                .unwrap_or(SimTime::ZERO);
            if record.created.saturating_add(reach) > now {
                count += 1;
                bytes += record.size;
            }
        }
        (count, bytes)
    }
}
