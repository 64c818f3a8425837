//! Nodes that join during a run (issue #18, the article's "computers join and copy the
//! whole chain"): absent at the start — every message to or from them goes nowhere —
//! they join at their moment and download the chain from their peers (`sync`), then
//! relay like any node. This file picks who joins and when, keeps each one's sync
//! state, and hands the run's record over; `sync.rs` is the protocol.

mod sync;

use super::core::Core;
use super::event::Event;
use super::plan::JoinPlan;
use crate::ledger::BlockId;
use crate::net::NodeId;
use crate::sim::rng::{exponential, stream};
use crate::sim::{EventQueue, SimTime};

const NONE: u32 = u32::MAX;

/// What one joining node did, for the results.
#[derive(Clone, Debug, PartialEq)]
pub struct JoinRecord {
    pub node: NodeId,
    pub joined: Option<SimTime>,
    /// When it had connected every block of the chain its headers named.
    pub synced: Option<SimTime>,
    /// Blocks and bytes (blocks and headers) it downloaded to sync.
    pub blocks_in: u32,
    pub bytes_in: u64,
}

/// One joining node's download.
struct Sync {
    record: JoinRecord,
    at: SimTime,
    /// The header chain it learnt, heights 1 on (`headers[h - 1]`).
    headers: Vec<BlockId>,
    headers_done: bool,
    headers_asked: bool,
    /// The next header whose block to ask for, and blocks to ask for again.
    next: usize,
    again: Vec<BlockId>,
    /// Blocks asked of each peer and not yet come.
    in_flight: Vec<(NodeId, u32)>,
    /// Blocks are validated one after another, in the order they come.
    validating_until: SimTime,
    tick_pending: bool,
}

#[derive(Default)]
pub struct Joins {
    plan: Option<JoinPlan>,
    /// Per node, its place in `syncs` (`NONE` for nodes there from the start).
    place: Vec<u32>,
    syncs: Vec<Sync>,
    /// Per node, bytes it served to joining nodes.
    served: Vec<u64>,
}

impl Joins {
    /// Picks the joining nodes among the full nodes that host no miner, marks them
    /// absent, and draws when each joins.
    pub fn new(plan: Option<JoinPlan>, core: &mut Core, seed: u64) -> Self {
        let Some(plan) = plan else {
            return Joins::default();
        };
        let n = core.views.nodes();
        let eligible: Vec<NodeId> = (0..n)
            .map(NodeId)
            .filter(|&v| core.nodes.miner_at(v).is_none() && !core.nodes.is_light(v))
            .collect();
        let count = (plan.nodes as usize).min(eligible.len());
        let mut rng = stream(seed, "joining", 0);
        let chosen = rand::seq::index::sample(&mut rng, eligible.len(), count);
        let mut gaps = stream(seed, "joining", 1);
        let mut at = plan.from;
        let mut place = vec![NONE; n as usize];
        let mut syncs = Vec::with_capacity(count);
        for (i, pick) in chosen.into_iter().enumerate() {
            let node = eligible[pick];
            if let (Some(rate), true) = (plan.rate, i > 0) {
                // Saturating: at a slow rate the later joins fall after any stop.
                let gap = SimTime::from_secs_f64(exponential(&mut gaps, 1.0 / rate));
                at = at.saturating_add(gap);
            }
            core.transport.faults.set_absent(node);
            place[node.index()] = i as u32;
            syncs.push(Sync::new(node, at));
        }
        Joins {
            plan: Some(plan),
            place,
            syncs,
            served: vec![0; n as usize],
        }
    }

    /// Puts every join on the queue.
    pub fn start(&self, q: &mut EventQueue<Event>) {
        for s in &self.syncs {
            q.schedule(s.at, Event::Join(s.record.node));
        }
    }

    fn sync(&self, node: NodeId) -> Option<&Sync> {
        let i = *self.place.get(node.index())?;
        self.syncs.get(i as usize)
    }

    fn sync_mut(&mut self, node: NodeId) -> Option<&mut Sync> {
        let i = *self.place.get(node.index())?;
        self.syncs.get_mut(i as usize)
    }

    /// Whether `node` has joined and is still copying the chain: it relays nothing yet.
    /// (One bounds check for runs without joining nodes: `place` is empty.)
    pub fn syncing(&self, node: NodeId) -> bool {
        self.sync(node)
            .is_some_and(|s| s.record.joined.is_some() && s.record.synced.is_none())
    }

    pub fn records(&self) -> Vec<JoinRecord> {
        self.syncs.iter().map(|s| s.record.clone()).collect()
    }

    /// Bytes each node served to joining nodes (empty without them).
    pub fn served(&self) -> Vec<u64> {
        self.served.clone()
    }
}

impl Sync {
    fn new(node: NodeId, at: SimTime) -> Self {
        Sync {
            record: JoinRecord {
                node,
                joined: None,
                synced: None,
                blocks_in: 0,
                bytes_in: 0,
            },
            at,
            headers: Vec::new(),
            headers_done: false,
            headers_asked: false,
            next: 0,
            again: Vec::new(),
            in_flight: Vec::new(),
            validating_until: SimTime::ZERO,
            tick_pending: false,
        }
    }

    fn in_flight(&self, peer: NodeId) -> u32 {
        (self.in_flight.iter())
            .find(|(p, _)| *p == peer)
            .map_or(0, |(_, c)| *c)
    }

    fn add_in_flight(&mut self, peer: NodeId, delta: i32) {
        match self.in_flight.iter_mut().find(|(p, _)| *p == peer) {
            Some((_, c)) => *c = c.saturating_add_signed(delta),
            None => self.in_flight.push((peer, delta.max(0) as u32)),
        }
    }
}
