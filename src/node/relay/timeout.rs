//! Request timeouts (Gervais et al.'s model; `network.without: [timeouts]` switches
//! them off): a node asks the first peer that announced a block; if the block has not
//! arrived after the timeout, it asks a random other peer from its list for the block,
//! without cancelling the first request — whose transfer still takes its place in the
//! queues; once the list is used up it forgets the request and asks the next peer to
//! announce the block. Under load this is how queues feed themselves: late blocks
//! bring more requests.
//!
//! The list is the reference's `m_queueInv` (node.cc): the block's announcers, each
//! once, and — with `headers-sources` — every peer whose header for a child of the
//! block reached the node while it waited. The reference asks for a header with every
//! request (getheaders beside getdata); the answer lands a round trip later, and if
//! the child's parent is still awaited its sender joins the parent's list
//! (node.cc 1308–1340), once per answer, whether or not it was asked already. A node
//! that falls behind thus keeps asking for its missing block, the same peers more than
//! once, where with announcers alone it would have stopped.

use super::super::chain_view::Seen;
use super::super::core::Core;
use super::super::event::Event;
use super::super::plan::ValidationPlan;
use crate::ledger::BlockId;
use crate::net::{Link, NodeId};
use crate::sim::rng::{stream, SimRng};
use crate::sim::{EventQueue, SimTime};
use rand::Rng;
use std::collections::HashMap;

/// Per (node, block) waited for: the peers whose header of a child named the block as
/// a parent still awaited, and when each header landed.
type HeaderSources = HashMap<(NodeId, BlockId), Vec<(SimTime, NodeId)>>;

pub struct Requests {
    timeout: SimTime,
    /// Per (node, block) waited for: the peers asked so far.
    asked: HashMap<(NodeId, BlockId), Vec<NodeId>>,
    /// With `headers-sources`.
    from_headers: Option<HeaderSources>,
    /// With `parent-timers` (`relay::parent_timers`).
    parent_timers: bool,
    rng: SimRng,
}

impl Requests {
    /// `validation` says which of the headers' answers a node acts on
    /// (`headers-sources`, `parent-timers`).
    pub fn new(timeout: SimTime, validation: &ValidationPlan, seed: u64) -> Self {
        Requests {
            timeout,
            asked: HashMap::new(),
            from_headers: validation.headers_sources.then(HashMap::new),
            parent_timers: validation.parent_timers,
            rng: stream(seed, "request-timeouts", 0),
        }
    }

    pub fn timeout(&self) -> SimTime {
        self.timeout
    }

    /// Whether an orphan's missing parent is left to the headers' answers rather than
    /// asked of the orphan's sender (`parent-timers`).
    pub fn parents_by_header(&self) -> bool {
        self.parent_timers
    }

    /// Whether `node` asked for `block` before (and so holds its header: the answer to
    /// the getheaders beside that request landed a round trip later, long before any
    /// timeout). The asked list outlives a forgotten request.
    pub fn had_header(&self, node: NodeId, block: BlockId) -> bool {
        self.asked.contains_key(&(node, block))
    }

    /// `peer`'s header of a child of `block`, awaited at `node`, landed at `lands`:
    /// with `headers-sources`, the peer joins the block's list.
    pub fn header_source(&mut self, node: NodeId, block: BlockId, lands: SimTime, peer: NodeId) {
        if let Some(from_headers) = &mut self.from_headers {
            from_headers
                .entry((node, block))
                .or_default()
                .push((lands, peer));
        }
    }

    /// `node` waits for `block` again with `peer` first on its list, not asked: the
    /// reference's head of the list, dropped unasked when the timer fires.
    pub fn waits(&mut self, node: NodeId, block: BlockId, peer: NodeId) {
        self.asked.entry((node, block)).or_default().push(peer);
    }

    /// The block is no longer waited for: its lists go.
    fn forget(&mut self, node: NodeId, block: BlockId) {
        self.asked.remove(&(node, block));
        if let Some(from_headers) = &mut self.from_headers {
            from_headers.remove(&(node, block));
        }
    }
}

/// `node` asked the peer across `link` for `block`: the timer starts. With
/// `headers-sources`, the peer's answer to the getheaders sent beside the request lands
/// a round trip later; if `block`'s parent is still awaited then, the peer joins the
/// parent's list. Whether the parent is awaited is read now: a parent that arrives
/// within the round trip has its lists cleared on arrival, so the entry is never used.
/// With `parent-timers`, an answer about a parent unknown now gets an event of its own
/// (`relay::parent_timers`).
pub fn asked(
    core: &mut Core,
    q: &mut EventQueue<Event>,
    now: SimTime,
    node: NodeId,
    link: Link,
    block: BlockId,
) {
    let Some(requests) = &mut core.requests else {
        return;
    };
    requests
        .asked
        .entry((node, block))
        .or_default()
        .push(link.peer);
    q.schedule(
        now + requests.timeout,
        Event::RequestTimeout { node, block },
    );
    let Some(parent) = core.tree.entry(block).parent else {
        return;
    };
    let lands = now + link.latency + link.latency;
    match core.views.seen(parent, node) {
        Seen::Requested => requests.header_source(node, parent, lands, link.peer),
        Seen::Unknown if requests.parent_timers => {
            let peer = link.peer;
            q.schedule(lands, Event::HeaderLanded { node, peer, parent });
        }
        _ => {}
    }
}

/// A peer `node` may ask next: an announcer not asked yet, or a header's sender (by its
/// index in the block's `from_headers` list).
#[derive(Clone, Copy)]
enum Candidate {
    Announcer(NodeId),
    Header(usize),
}

/// The timer fired: if the block is still awaited, ask a random peer from its list.
/// With none left the node forgets the request, so that the next announcement makes
/// it ask again — the transfers already asked for still take their place in the
/// queues.
pub fn expired(
    core: &mut Core,
    q: &mut EventQueue<Event>,
    now: SimTime,
    node: NodeId,
    block: BlockId,
) {
    let Some(requests) = &mut core.requests else {
        return;
    };
    if core.views.seen(block, node) != Seen::Requested {
        requests.forget(node, block);
        return;
    }
    let asked = (requests.asked.get(&(node, block)))
        .map(Vec::as_slice)
        .unwrap_or_default();
    let peers = core.transport.peers(node);
    let mut candidates: Vec<Candidate> = (core.heard.announcers(node, block, q.position()))
        .into_iter()
        .map(|slot| peers[slot as usize].peer)
        .filter(|p| !asked.contains(p))
        .map(Candidate::Announcer)
        .collect();
    let headers = (requests.from_headers.as_ref()).and_then(|h| h.get(&(node, block)));
    for (i, &(lands, _)) in headers.into_iter().flatten().enumerate() {
        if lands <= now {
            candidates.push(Candidate::Header(i));
        }
    }
    if candidates.is_empty() {
        // The list is used up: as the reference (InvTimeoutExpired, node.cc 3363-3420)
        // the node forgets the request, and the next announcement asks again. The
        // asked list is kept: every announcer so far is on it, so a later timeout
        // turns only to peers that announced after the forget — the reference's
        // m_queueInv, erased here, starts again from the next announcement.
        if let Some(from_headers) = &mut requests.from_headers {
            from_headers.remove(&(node, block));
        }
        core.views.set_seen(block, node, Seen::Unknown);
        core.rec.trace(now, Some(node), "timeout", Some(block), || {
            "every announcer asked: forgets the request".to_string()
        });
        super::announce::wake_next(core, q, node, block);
        return;
    }
    let peer = match candidates[requests.rng.random_range(0..candidates.len())] {
        Candidate::Announcer(peer) => peer,
        // Each header is one entry of the list, used once.
        Candidate::Header(i) => (requests.from_headers.as_mut())
            .and_then(|h| h.get_mut(&(node, block)))
            .map(|list| list.remove(i).1)
            .expect("a header candidate comes from the list"),
    };
    core.rec.trace(now, Some(node), "timeout", Some(block), || {
        format!("asks node {peer} instead")
    });
    super::request(core, q, now, node, peer, block);
}

/// The block arrived: nothing more to wait for.
pub fn arrived(core: &mut Core, node: NodeId, block: BlockId) {
    if let Some(requests) = &mut core.requests {
        requests.forget(node, block);
    }
}
