//! Blocks between nodes. Every protocol shares the same skeleton — a node that
//! connects a block tells its peers; a peer that lacks it asks; the block (in some
//! form) comes back; the node validates it after the modelled delay — and differs in
//! how it tells (inv, headers, the block itself) and in what it sends and receives as
//! the block (the whole block, a compact block). A protocol is one file implementing
//! [`BlockProtocol`] and one line in [`protocol`].
//!
//! Light nodes are a kind of receiver, not a protocol: whatever the protocol, a light
//! node is sent an 81-byte header and checks nothing but it (`node::light`).

pub mod announce;
mod compact;
mod headers;
mod heard;
mod inv;
pub mod parent_timers;
mod push;
pub mod timeout;

use super::chain_view::Seen;
use super::core::Core;
use super::event::{Event, Msg, UNTRACKED};
use super::plan::BlockRelayKind;
use super::txrelay::TxRelay;
use crate::ledger::BlockId;
use crate::net::{wire, Arrival, Link, NodeId};
use crate::sim::{EventQueue, SimTime};

/// One block relay protocol.
pub trait BlockProtocol {
    /// After connecting `block`, `node` tells the peer across `link` (an inv by
    /// default).
    fn tell(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        node: NodeId,
        link: Link,
        block: BlockId,
    ) {
        announce::send(core, q, now, node, link, Msg::Inv(block), wire::INV_BYTES);
    }

    /// When a fault heals, `node` tells the peer across `link` its tip (an inv by
    /// default, whatever the relay: a reconnecting peer announces, it does not push).
    fn announce_tip(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        node: NodeId,
        link: Link,
        block: BlockId,
    ) {
        announce::send(core, q, now, node, link, Msg::Inv(block), wire::INV_BYTES);
    }

    /// The size of `block` as this protocol sends it to a full node.
    fn block_bytes(&self, core: &Core, block: BlockId) -> usize {
        core.tree.entry(block).size
    }

    /// `block` arrived at `node` from `from` in this protocol's form: validate it (by
    /// default), or first fetch what it lacks.
    fn block_arrived(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        (node, from): (NodeId, NodeId),
        block: BlockId,
        _payments: &dyn TxRelay,
    ) {
        received(core, q, now, node, from, block);
    }
}

/// The protocol of `kind`: one registration line per protocol.
pub fn protocol(kind: BlockRelayKind) -> Box<dyn BlockProtocol> {
    match kind {
        BlockRelayKind::InvGetdata => Box::new(inv::InvGetdata),
        BlockRelayKind::Push => Box::new(push::Push),
        BlockRelayKind::Compact => Box::new(compact::Compact),
        BlockRelayKind::Headers => Box::new(headers::Headers),
    }
}

/// `node` connected `block` from `from`: it tells every peer but `from` and those in
/// `known` (peers by slot whose announcement it heard first).
#[allow(clippy::too_many_arguments)]
pub fn relay(
    protocol: &mut dyn BlockProtocol,
    core: &mut Core,
    q: &mut EventQueue<Event>,
    now: SimTime,
    node: NodeId,
    from: NodeId,
    block: BlockId,
    known: u64,
) {
    // Each peer told is a node the graph picks: start loading the list headers of
    // those that lack the block (the others get no record), then (the headers
    // arriving together, one wait for all) where each list's next record goes, before
    // the first announcement is written into one (`sim::prefetch`).
    let lacks = |link: &&Link| core.views.seen(block, link.peer) != Seen::Connected;
    for link in core.transport.peers(node).iter().filter(lacks) {
        core.heard.prefetch(link.peer);
    }
    for link in core.transport.peers(node).iter().filter(lacks) {
        core.heard.prefetch_next_slot(link.peer);
    }
    for i in 0..core.transport.peers(node).len() {
        let link = core.transport.peers(node)[i];
        if link.peer == from || (i < 64 && known & (1 << i) != 0) {
            continue;
        }
        if !core.transport.live(node, i) {
            continue; // not connected yet (`node::join`), or the link closed (routing)
        }
        protocol.tell(core, q, now, node, link, block);
    }
}

/// A block-relay message from `from` reached `to` and was delivered.
#[allow(clippy::too_many_arguments)]
pub fn receive(
    protocol: &mut dyn BlockProtocol,
    core: &mut Core,
    q: &mut EventQueue<Event>,
    now: SimTime,
    (from, to, slot): (NodeId, NodeId, u32),
    msg: Msg,
    payments: &dyn TxRelay,
) {
    match msg {
        Msg::Inv(block) | Msg::Headers(block) => {
            if announce::arrived(core, q, to, from, block) {
                let link = core.transport.link_at(to, from, slot);
                request_over(core, q, now, to, link, block);
            }
        }
        Msg::GetData(block) => {
            let bytes = if core.nodes.is_light(from) {
                wire::HEADER_BYTES
            } else {
                protocol.block_bytes(core, block)
            };
            let link = core.transport.link_at(to, from, slot);
            send(core, q, now, to, link, Msg::Block(block), bytes);
        }
        Msg::Block(block) => {
            if !core.transport.queues_at_receiver(msg.traffic()) {
                core.rec.downloaded(block, to); // else counted as it reached the downlink
            }
            protocol.block_arrived(core, q, now, (to, from), block, payments)
        }
        Msg::BlockTxn(block) => received(core, q, now, to, from, block),
        _ => unreachable!("not a block-relay message"),
    }
}

/// A block-relay message was lost: whoever asked and got nothing asks again later.
pub fn lost(
    core: &Core,
    q: &mut EventQueue<Event>,
    now: SimTime,
    (from, to): (NodeId, NodeId),
    msg: Msg,
) {
    match msg {
        Msg::Inv(_) | Msg::Headers(_) => {}
        Msg::GetData(block) => retry_later(core, q, now, from, to, block),
        Msg::Block(block) | Msg::BlockTxn(block) => retry_later(core, q, now, to, from, block),
        _ => unreachable!("not a block-relay message"),
    }
}

/// `node` asks `peer` for `block`.
pub fn request(
    core: &mut Core,
    q: &mut EventQueue<Event>,
    now: SimTime,
    node: NodeId,
    peer: NodeId,
    block: BlockId,
) {
    let link = core.transport.link_at(node, peer, UNTRACKED);
    request_over(core, q, now, node, link, block);
}

/// `node` asks the peer across `link` for `block`.
fn request_over(
    core: &mut Core,
    q: &mut EventQueue<Event>,
    now: SimTime,
    node: NodeId,
    link: Link,
    block: BlockId,
) {
    core.views.set_seen(block, node, Seen::Requested);
    let getdata = Msg::GetData(block);
    send(core, q, now, node, link, getdata, wire::INV_BYTES);
    timeout::asked(core, q, now, node, link, block);
}

/// `from` sends `msg` of `bytes` to the peer across `link`: queued on its uplink,
/// arriving after the transfer and the link's latency.
pub fn send(
    core: &mut Core,
    q: &mut EventQueue<Event>,
    now: SimTime,
    from: NodeId,
    link: Link,
    msg: Msg,
    bytes: usize,
) {
    let (to, slot) = (link.peer, link.back);
    match core
        .transport
        .send_staged(now, from, link, bytes, msg.traffic())
    {
        Arrival::At(at) => q.schedule(
            at,
            Event::Wire {
                from,
                to,
                msg,
                slot,
            },
        ),
        Arrival::Downlink(at) => {
            let bytes = bytes as u32;
            q.schedule(
                at,
                Event::Downlink {
                    from,
                    to,
                    msg,
                    bytes,
                },
            )
        }
    }
}

/// `block` reached `node` from `from`: it is validated after the modelled delay (a
/// light node checks the header only).
pub fn received(
    core: &mut Core,
    q: &mut EventQueue<Event>,
    now: SimTime,
    node: NodeId,
    from: NodeId,
    block: BlockId,
) {
    if core.views.seen(block, node) >= Seen::Received {
        return;
    }
    core.views.set_seen(block, node, Seen::Received);
    core.rec.received(block, node, now);
    timeout::arrived(core, node, block);
    let entry = core.tree.entry(block);
    let (n_tx, bytes) = if core.nodes.is_light(node) {
        (0, 0)
    } else {
        (entry.txids.len() as u64, entry.size as u64)
    };
    let delay = core.plan.validation.block(n_tx, bytes);
    q.schedule(now + delay, Event::Validated { node, from, block });
}

/// A request or its answer was lost: `node` asks `peer` again after the retry time.
pub fn retry_later(
    core: &Core,
    q: &mut EventQueue<Event>,
    now: SimTime,
    node: NodeId,
    peer: NodeId,
    block: BlockId,
) {
    let retry = core.transport.faults.retry_delay();
    q.schedule(now + retry, Event::Retry { node, peer, block });
}

/// The retry timer fired: ask again if still waiting and the peer can be reached;
/// otherwise forget the request (the tips exchanged on healing bring it back).
pub fn retry(
    core: &mut Core,
    q: &mut EventQueue<Event>,
    now: SimTime,
    node: NodeId,
    peer: NodeId,
    block: BlockId,
) {
    if core.views.seen(block, node) != Seen::Requested {
        return;
    }
    if core.transport.usable(node, peer) {
        request(core, q, now, node, peer, block);
    } else {
        core.views.set_seen(block, node, Seen::Unknown);
    }
}
