//! Block announcements (inv, and BIP 130 headers) and the shortcut that keeps a flood
//! of them cheap.
//!
//! An announcement can do two things: make a node that lacks the block ask for it,
//! and, landing before the node connects the block, spare the sender the node's own
//! announcement (as Bitcoin Core skips peers known to have a header). Without faults
//! or a trace (see `Core::every_message`), only the first needs an event, and only for
//! the earliest announcement to a node that does not know the block; every other one
//! is recorded with the (time, sequence) it would have had and read off when the node
//! connects the block. Most announcements in a flood do neither as events (three in
//! four at 10,000 nodes); results are those of simulating each
//! (tests/network_properties.rs compares the two). Peers past the 64th are not
//! tracked and always get the announcement.

use super::super::chain_view::Seen;
use super::super::core::Core;
use super::super::event::{Event, Msg};
use super::heard::{Heard, NodeHeard};
use crate::ledger::BlockId;
use crate::net::{Link, NodeId, Traffic};
use crate::sim::{EventQueue, SimTime};

/// Per node, announcements of blocks it has not connected yet.
pub struct Announcements {
    heard: Vec<NodeHeard>,
}

impl Announcements {
    pub fn new(nodes: u32) -> Self {
        Announcements {
            heard: (0..nodes).map(|_| NodeHeard::new()).collect(),
        }
    }

    /// Peers (by slot) whose announcement of `block` has reached `node` before
    /// `position` (now, in event order), every one of them, in the order they landed;
    /// nothing is forgotten. The records are kept in the order the announcements were
    /// sent (or, simulating every message, landed): sorting by landing makes the list,
    /// and so a random pick from it, the same either way.
    pub fn announcers(&self, node: NodeId, block: BlockId, position: (SimTime, u64)) -> Vec<u32> {
        let heard = self.heard[node.index()].of(block);
        let mut landed: Vec<(SimTime, u64, u32)> = heard
            .filter(|h| h.at() < position)
            .map(|h| (h.time, h.seq(), h.slot))
            .collect();
        landed.sort_unstable();
        landed.into_iter().map(|(_, _, slot)| slot).collect()
    }

    /// Starts loading `node`'s list (`sim::prefetch`).
    pub fn prefetch(&self, node: NodeId) {
        crate::sim::prefetch::line(&self.heard[node.index()]);
    }

    /// Starts loading where `node`'s next record goes: its list's header must have
    /// arrived (`prefetch` a little before), else this waits for it.
    pub fn prefetch_next_slot(&self, node: NodeId) {
        if let Some(slot) = self.heard[node.index()].next_slot() {
            crate::sim::prefetch::address(slot);
        }
    }

    /// Peers (by slot) whose announcement of `block` reached `node` before `position`
    /// (now, in event order), as a bit set of the first 64; forgets them.
    pub fn heard_from(&mut self, node: NodeId, block: BlockId, position: (SimTime, u64)) -> u64 {
        let mut known = 0u64;
        self.heard[node.index()].take(block, |h| {
            if h.at() < position && h.slot < 64 {
                known |= 1 << h.slot;
            }
        });
        known
    }
}

/// `node` tells the peer across `link` about `block` with `msg` (an inv or a headers
/// message) of `bytes`.
pub fn send(
    core: &mut Core,
    queue: &mut EventQueue<Event>,
    now: SimTime,
    node: NodeId,
    link: Link,
    msg: Msg,
    bytes: usize,
) {
    let (peer, block) = (link.peer, msg_block(msg));
    let every_message = core.every_message();
    let seen = core.views.seen(block, peer);
    if !every_message && seen == Seen::Connected {
        // Connected and relayed already: this announcement changes nothing, and when
        // it would land is not needed (most invs of a flood end here).
        (core.transport).send_unread(now, node, link, bytes, Traffic::Control);
        return;
    }
    let arrival = (core.transport).send_over(now, node, link, bytes, Traffic::Control);
    let event = Event::Wire {
        from: node,
        to: peer,
        msg,
        slot: link.back,
    };
    if every_message {
        queue.schedule(arrival, event);
        return;
    }
    let position = queue.position();
    let seq = queue.reserve_seq();
    let heard = &mut core.heard.heard[peer.index()];
    // Only announcements still on their way count: one already delivered woke the
    // node then, and a node back to not knowing the block (a request forgotten after
    // timeouts) must be woken again by the next.
    let wakes = seen == Seen::Unknown
        && heard
            .of(block)
            .filter(|h| h.wakes() && h.at() > position)
            .all(|h| (arrival, seq) < h.at());
    let headers = matches!(msg, Msg::Headers(_));
    heard.push(Heard::new(block, link.back, (arrival, seq), wakes, headers));
    if wakes {
        queue.schedule_reserved(arrival, seq, event);
    }
}

/// An announcement of `block` from `from` arrived at `node` (delivered). Returns
/// whether the node lacks the block and so should ask for it.
pub fn arrived(
    core: &mut Core,
    queue: &EventQueue<Event>,
    node: NodeId,
    from: NodeId,
    block: BlockId,
) -> bool {
    if core.every_message() {
        // Every announcement is an event (and may be lost), so it is heard on arrival.
        if let Some(slot) = core
            .transport
            .peers(node)
            .iter()
            .position(|l| l.peer == from)
        {
            let at = queue.position();
            let heard = Heard::new(block, slot as u32, at, false, false);
            core.heard.heard[node.index()].push(heard);
        }
    }
    core.views.seen(block, node) == Seen::Unknown
}

/// `node` has forgotten its request for `block` (back to not knowing it): the earliest
/// announcement of it still on its way gets the event it was spared, so that it makes
/// the node ask as it would have had every announcement been simulated. (Any other
/// announcement landing later wakes only if it is earlier still, as in `send`.)
pub fn wake_next(core: &mut Core, queue: &mut EventQueue<Event>, node: NodeId, block: BlockId) {
    if core.every_message() {
        return; // every announcement has its own event already
    }
    let position = queue.position();
    let heard = &mut core.heard.heard[node.index()];
    let Some(next) = (heard.of_mut(block))
        .filter(|h| h.at() > position)
        .min_by_key(|h| h.at())
    else {
        return;
    };
    if next.wakes() {
        return;
    }
    next.set_wakes();
    let ((time, seq), slot) = (next.at(), next.slot);
    let msg = if next.headers() {
        Msg::Headers(block)
    } else {
        Msg::Inv(block)
    };
    let from = core.transport.peers(node)[slot as usize].peer;
    let event = Event::Wire {
        from,
        to: node,
        msg,
        slot,
    };
    queue.schedule_reserved(time, seq, event);
}

fn msg_block(msg: Msg) -> BlockId {
    match msg {
        Msg::Inv(b) | Msg::Headers(b) => b,
        _ => unreachable!("announcements are inv or headers messages"),
    }
}
