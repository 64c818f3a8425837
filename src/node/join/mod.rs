//! Nodes that join during a run (issue #18, the article's "computers join and copy the
//! whole chain"): absent at the start — every message to or from them goes nowhere —
//! they join at their moment and download the chain from their peers (`sync`), then
//! relay like any node; and nodes that leave and come back (`churn`), catching up the
//! same way from the chain they kept. This file picks who joins or churns and when,
//! keeps each one's sync state, and hands the run's record over; `sync.rs` is the
//! protocol.

mod churn;
mod sync;

use super::core::Core;
use super::event::Event;
use super::plan::{ChurnPlan, JoinPlan};
use crate::ledger::BlockId;
use crate::net::NodeId;
use crate::sim::rng::{exponential, stream, SimRng};
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
    /// A churning node coming back (it kept its chain), not a first join.
    pub rejoin: bool,
}

/// One joining node's download.
struct Sync {
    record: JoinRecord,
    at: SimTime,
    /// The block its header chain starts from (genesis, or for a churning node coming
    /// back its own tip), and the headers it learnt above it: `headers[i]` is at
    /// height `anchor`'s + i + 1. Emptied once synced.
    anchor: BlockId,
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
    /// How long until the next look when nothing could be asked: doubles while nothing
    /// comes (a node whose peers are all away would otherwise look every 2 s for the
    /// rest of a long run), back to the least when something does.
    tick: SimTime,
    /// A churning node's draws of its sessions and absences.
    churn_rng: Option<SimRng>,
}

#[derive(Default)]
pub struct Joins {
    plan: Option<JoinPlan>,
    churn: Option<ChurnPlan>,
    /// Churning nodes' earlier sessions.
    past: Vec<JoinRecord>,
    /// Per node, its place in `syncs` (`NONE` for nodes there from the start).
    place: Vec<u32>,
    syncs: Vec<Sync>,
    /// Per node, bytes it served to joining nodes.
    served: Vec<u64>,
}

impl Joins {
    /// Picks the joining nodes, then the churning ones, among the full nodes that
    /// host no miner; marks the joining ones absent and draws when each joins.
    pub fn new(core: &mut Core) -> Self {
        let (plan, churn, seed) = (core.plan.joining, core.plan.churn, core.plan.seed);
        if plan.is_none() && churn.is_none() {
            return Joins::default();
        }
        let n = core.views.nodes();
        let mut eligible: Vec<NodeId> = (0..n)
            .map(NodeId)
            .filter(|&v| core.nodes.miner_at(v).is_none() && !core.nodes.is_light(v))
            .collect();
        // An eclipse's victims stay for the whole run (`routing::eclipse`).
        if let Some(e) = (core.plan.routing.as_ref()).and_then(|r| r.eclipse.as_ref()) {
            eligible.retain(|v| !e.victims.contains(v));
        }
        let mut joins = Joins {
            plan,
            churn,
            place: vec![NONE; n as usize],
            served: vec![0; n as usize],
            ..Joins::default()
        };
        if let Some(plan) = plan {
            let mut gaps = stream(seed, "joining", 1);
            let mut at = plan.from;
            for (i, node) in pick(&mut eligible, plan.nodes, stream(seed, "joining", 0))
                .into_iter()
                .enumerate()
            {
                if let (Some(rate), true) = (plan.rate, i > 0) {
                    // Saturating: at a slow rate the later joins fall after any stop.
                    let gap = SimTime::from_secs_f64(exponential(&mut gaps, 1.0 / rate));
                    at = at.saturating_add(gap);
                }
                core.transport.faults.set_absent(node);
                joins.add(Sync::new(node, at, false));
            }
        }
        if let Some(churn) = churn {
            for node in pick(&mut eligible, churn.nodes, stream(seed, "churn", 0)) {
                let mut sync = Sync::new(node, SimTime::ZERO, true);
                sync.churn_rng = Some(stream(seed, "churn", 1 + u64::from(node.0)));
                joins.add(sync);
            }
        }
        joins
    }

    fn add(&mut self, sync: Sync) {
        self.place[sync.record.node.index()] = self.syncs.len() as u32;
        self.syncs.push(sync);
    }

    /// Puts every join, and every churning node's first departure, on the queue.
    pub fn start(&mut self, q: &mut EventQueue<Event>) {
        let churn = self.churn;
        for s in &mut self.syncs {
            match (&mut s.churn_rng, churn) {
                (Some(rng), Some(c)) => {
                    let at = SimTime::from_secs_f64(exponential(rng, c.session.secs()));
                    if c.until.is_none_or(|u| at < u) {
                        q.schedule(at, Event::Leave(s.record.node));
                    }
                }
                _ => q.schedule(s.at, Event::Join(s.record.node)),
            }
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

    /// Whether `node` joins during the run for the first time (it starts with
    /// genesis only, not the history).
    pub fn joins_empty(&self, node: NodeId) -> bool {
        self.sync(node).is_some_and(|s| !s.record.rejoin)
    }

    /// Whether `node` has joined and is still copying the chain: it relays nothing yet.
    /// (One bounds check for runs without joining nodes: `place` is empty.)
    pub fn syncing(&self, node: NodeId) -> bool {
        self.sync(node)
            .is_some_and(|s| s.record.joined.is_some() && s.record.synced.is_none())
    }

    /// Every session: first joins, and churning nodes' returns (earlier ones first).
    pub fn records(&self) -> Vec<JoinRecord> {
        let now = self.syncs.iter().map(|s| s.record.clone());
        self.past
            .iter()
            .cloned()
            .chain(now)
            .filter(|r| r.joined.is_some())
            .collect()
    }

    /// Bytes each node served to joining nodes (empty without them).
    pub fn served(&self) -> Vec<u64> {
        self.served.clone()
    }
}

/// `count` nodes drawn from `eligible` by `rng`, taken out of it (the rest keep their
/// order). One pass, not a removal per pick: a million joining nodes would otherwise
/// move the list a million times.
fn pick(eligible: &mut Vec<NodeId>, count: u32, mut rng: SimRng) -> Vec<NodeId> {
    let count = (count as usize).min(eligible.len());
    let chosen = rand::seq::index::sample(&mut rng, eligible.len(), count);
    let nodes: Vec<NodeId> = chosen.iter().map(|i| eligible[i]).collect();
    let mut taken = vec![false; eligible.len()];
    for i in chosen {
        taken[i] = true;
    }
    let mut index = 0;
    eligible.retain(|_| {
        index += 1;
        !taken[index - 1]
    });
    nodes
}

impl Sync {
    fn new(node: NodeId, at: SimTime, rejoin: bool) -> Self {
        Sync {
            record: JoinRecord {
                node,
                joined: None,
                synced: None,
                blocks_in: 0,
                bytes_in: 0,
                rejoin,
            },
            at,
            anchor: BlockId::GENESIS,
            headers: Vec::new(),
            headers_done: false,
            headers_asked: false,
            next: 0,
            again: Vec::new(),
            in_flight: Vec::new(),
            validating_until: SimTime::ZERO,
            tick_pending: false,
            tick: sync::TICK,
            churn_rng: None,
        }
    }

    fn in_flight(&self, peer: NodeId) -> u32 {
        (self.in_flight.iter())
            .find(|(p, _)| *p == peer)
            .map_or(0, |(_, c)| *c)
    }

    /// Starts the header chain again from `anchor` (nothing asked is forgotten).
    fn restart_headers(&mut self, anchor: BlockId) {
        self.anchor = anchor;
        self.headers = Vec::new();
        self.headers_done = false;
        self.next = 0;
    }

    fn add_in_flight(&mut self, peer: NodeId, delta: i32) {
        match self.in_flight.iter_mut().find(|(p, _)| *p == peer) {
            Some((_, c)) => *c = c.saturating_add_signed(delta),
            None => self.in_flight.push((peer, delta.max(0) as u32)),
        }
    }
}
