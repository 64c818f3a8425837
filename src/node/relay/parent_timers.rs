//! A header's answer about a parent the node lacks (Gervais et al.'s model,
//! `parent-timers`; `network.without: [parent-timers]` switches it off).
//!
//! The reference sends a getheaders with every getdata; the header comes back a round
//! trip later, and if the block's parent is missing at the node and not awaited
//! (node.cc 1308–1340 in the repository, the `HEADERS` case):
//! - a node that never had the parent's header asks the header's sender for the
//!   parent at once (getheaders and getdata) and starts the parent's timer;
//! - a node that had it — it asked for the parent before and forgot the request once
//!   every peer it asked had timed out — only starts the parent's timer, with the
//!   sender first on a new list; until the timer fires, announcements of the parent
//!   only join the list; then the node asks one of the peers that joined it (the
//!   sender, first on the list, is dropped unasked, as `InvTimeoutExpired` drops the
//!   head), or, with none, forgets the parent again.
//!
//! The reference also never asks for an orphan's parent when the orphan arrives (it
//! relies on the branch above); under this mechanism chainlab does not either
//! (`node::connect`). Switched off, the node asks the next peer to announce a forgotten
//! parent at once, and asks an orphan's sender for the missing parent when the orphan
//! is validated.
//!
//! Whether the parent is missing and not awaited is read when the header lands: the
//! answer is an event of its own, scheduled at the request only when the parent was
//! unknown then. (A parent still awaited at the request is `headers-sources`' case,
//! read at the request; one whose request is forgotten within the round trip is not
//! revived.)

use super::super::chain_view::Seen;
use super::super::core::Core;
use super::super::event::Event;
use crate::ledger::BlockId;
use crate::net::NodeId;
use crate::sim::{EventQueue, SimTime};

/// The answer to the getheaders that went with `node`'s request for a child of
/// `parent`, from `peer`, landed: see the module's comment.
pub fn header_landed(
    core: &mut Core,
    q: &mut EventQueue<Event>,
    now: SimTime,
    node: NodeId,
    peer: NodeId,
    parent: BlockId,
) {
    let Some(requests) = &mut core.requests else {
        return;
    };
    match core.views.seen(parent, node) {
        // Asked for within the round trip: the sender joins the list, as with
        // `headers-sources` (read at the request there).
        Seen::Requested => requests.header_source(node, parent, now, peer),
        Seen::Unknown if requests.had_header(node, parent) => {
            core.views.set_seen(parent, node, Seen::Requested);
            requests.waits(node, parent, peer);
            q.schedule(
                now + requests.timeout(),
                Event::RequestTimeout {
                    node,
                    block: parent,
                },
            );
            core.rec
                .trace(now, Some(node), "timeout", Some(parent), || {
                    format!("a child's header from node {peer}: waits for the parent again")
                });
        }
        Seen::Unknown => super::request(core, q, now, node, peer, parent),
        Seen::Received | Seen::Orphan | Seen::Connected => {}
    }
}
