//! Compact block relay (BIP 152, low-bandwidth mode): after inv and getdata, the sender
//! sends the header, 6-byte short ids and the coinbase; a receiver missing some of the
//! block's transactions asks for them (getblocktxn) and gets them (blocktxn) before it
//! can validate. Which payments a node holds is the payment relay's to say
//! (`TxRelay::missing`).

use super::super::core::Core;
use super::super::event::{Event, Msg, UNTRACKED};
use super::super::txrelay::TxRelay;
use super::BlockProtocol;
use crate::ledger::BlockId;
use crate::net::{wire, NodeId, Traffic};
use crate::sim::{EventQueue, SimTime};

pub struct Compact;

impl BlockProtocol for Compact {
    fn block_bytes(&self, core: &Core, block: BlockId) -> usize {
        let entry = core.tree.entry(block);
        let coinbase = entry.block.txdata[0].size();
        let padding_ids = coinbase.saturating_sub(wire::PLAIN_COINBASE) / wire::PADDED_TX;
        wire::COMPACT_OVERHEAD
            + wire::SHORT_ID * (entry.txids.len() - 1 + padding_ids)
            + coinbase.min(wire::PLAIN_COINBASE)
    }

    fn block_arrived(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        (node, from): (NodeId, NodeId),
        block: BlockId,
        payments: &dyn TxRelay,
    ) {
        let (count, bytes) = if core.nodes.is_light(node) {
            (0, 0) // a header is all it takes
        } else {
            payments.missing(core, node, block, now)
        };
        if count == 0 {
            super::received(core, q, now, node, from, block);
            return;
        }
        core.rec
            .trace(now, Some(node), "getblocktxn", Some(block), || {
                format!("{count} transaction(s) missing, asked of node {from}")
            });
        // The answer leaves the sender once the request has arrived.
        let at_sender =
            core.transport
                .send(now, node, from, wire::GETBLOCKTXN_BYTES, Traffic::Control);
        let back = core.transport.send(
            at_sender,
            from,
            node,
            bytes + wire::BLOCKTXN_OVERHEAD,
            Traffic::Payload,
        );
        let answer = Event::Wire {
            from,
            to: node,
            msg: Msg::BlockTxn(block),
            slot: UNTRACKED,
        };
        q.schedule(back, answer);
    }
}
