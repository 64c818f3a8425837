//! Unsolicited push: a node that connects a block sends the whole block to every peer
//! at once, without an announcement or a request (an upper bound on the cost in bytes,
//! with a stale rate close to the announced protocols', docs/validation.md).

use super::super::core::Core;
use super::super::event::{Event, Msg};
use super::BlockProtocol;
use crate::ledger::BlockId;
use crate::net::{wire, Link, NodeId};
use crate::sim::{EventQueue, SimTime};

pub struct Push;

impl BlockProtocol for Push {
    fn tell(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        node: NodeId,
        link: Link,
        block: BlockId,
    ) {
        let bytes = if core.nodes.is_light(link.peer) {
            wire::HEADER_BYTES
        } else {
            self.block_bytes(core, block)
        };
        super::send(core, q, now, node, link, Msg::Block(block), bytes);
    }
}
