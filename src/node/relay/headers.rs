//! Block announcement by headers (BIP 130 `sendheaders`): a node that connects a block
//! sends each peer the block's header (a `headers` message) instead of an inv; a peer
//! that lacks the block asks for it at once with getdata, as after an inv. The
//! announcement is larger (106 bytes against an inv's 61) but, in Bitcoin Core, saves
//! the getheaders round trip an inv for an unknown block triggers; chainlab models no
//! getheaders, so here it costs a few bytes per peer and changes nothing else — which
//! is the point of the comparison (tests/relay_protocols.rs).

use super::super::core::Core;
use super::super::event::{Event, Msg};
use super::{announce, BlockProtocol};
use crate::ledger::BlockId;
use crate::net::{wire, Link, NodeId};
use crate::sim::{EventQueue, SimTime};

pub struct Headers;

impl BlockProtocol for Headers {
    fn tell(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        node: NodeId,
        link: Link,
        block: BlockId,
    ) {
        announce::send(
            core,
            q,
            now,
            node,
            link,
            Msg::Headers(block),
            wire::HEADERS_ANNOUNCEMENT_BYTES,
        );
    }

    fn announce_tip(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        node: NodeId,
        link: Link,
        block: BlockId,
    ) {
        self.tell(core, q, now, node, link, block);
    }
}
