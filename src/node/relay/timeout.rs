//! Request timeouts (Gervais et al.'s model; `network.without: [timeouts]` switches
//! them off): a node asks the first peer that announced a block; if the block has not
//! arrived after the timeout, it asks a random other peer that announced it, without
//! cancelling the first request — whose transfer still takes its place in the queues;
//! once every announcer has been asked it forgets the request and asks the next peer
//! to announce the block. Under load this is how queues feed themselves: late blocks
//! bring more requests.

use super::super::chain_view::Seen;
use super::super::core::Core;
use super::super::event::Event;
use crate::ledger::BlockId;
use crate::net::NodeId;
use crate::sim::rng::{stream, SimRng};
use crate::sim::{EventQueue, SimTime};
use rand::Rng;
use std::collections::HashMap;

pub struct Requests {
    timeout: SimTime,
    /// Per (node, block) waited for: the peers asked so far.
    asked: HashMap<(NodeId, BlockId), Vec<NodeId>>,
    rng: SimRng,
}

impl Requests {
    pub fn new(timeout: SimTime, seed: u64) -> Self {
        Requests {
            timeout,
            asked: HashMap::new(),
            rng: stream(seed, "request-timeouts", 0),
        }
    }
}

/// `node` asked `peer` for `block`: the timer starts.
pub fn asked(
    core: &mut Core,
    q: &mut EventQueue<Event>,
    now: SimTime,
    node: NodeId,
    peer: NodeId,
    block: BlockId,
) {
    let Some(requests) = &mut core.requests else {
        return;
    };
    requests.asked.entry((node, block)).or_default().push(peer);
    q.schedule(
        now + requests.timeout,
        Event::RequestTimeout { node, block },
    );
}

/// The timer fired: if the block is still awaited, ask a random peer that announced it
/// and has not been asked yet. With none left the node forgets the request, so that
/// the next announcement makes it ask again — the transfers already asked for still
/// take their place in the queues.
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
        requests.asked.remove(&(node, block));
        return;
    }
    let asked = requests
        .asked
        .get(&(node, block))
        .cloned()
        .unwrap_or_default();
    let peers = core.transport.peers(node);
    let candidates: Vec<NodeId> = (core.heard.announcers(node, block, q.position()).into_iter())
        .map(|slot| peers[slot as usize].peer)
        .filter(|p| !asked.contains(p))
        .collect();
    if candidates.is_empty() {
        // Every announcer has been asked: as the reference (InvTimeoutExpired, node.cc
        // 3363-3420) the node forgets the request, and the next announcement asks again.
        // The asked list is kept: every announcer so far is on it, so a later timeout
        // turns only to peers that announced after the forget — the reference's
        // m_queueInv, erased here, starts again from the next announcement.
        core.views.set_seen(block, node, Seen::Unknown);
        core.rec.trace(now, Some(node), "timeout", Some(block), || {
            "every announcer asked: forgets the request".to_string()
        });
        super::announce::wake_next(core, q, node, block);
        return;
    }
    let peer = candidates[requests.rng.random_range(0..candidates.len())];
    core.rec.trace(now, Some(node), "timeout", Some(block), || {
        format!("asks node {peer} instead")
    });
    super::request(core, q, now, node, peer, block);
}

/// The block arrived: nothing more to wait for.
pub fn arrived(core: &mut Core, node: NodeId, block: BlockId) {
    if let Some(requests) = &mut core.requests {
        requests.asked.remove(&(node, block));
    }
}
