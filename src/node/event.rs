//! What happens in a run: messages on the wire (each subject to the transport's fault
//! filter on arrival), timers, and the scenario's own moments.

use super::ids::{AttackerId, ListId, MinerId, PaymentId};
use crate::ledger::BlockId;
use crate::net::{NodeId, Traffic};

/// [`Event::Wire`]'s slot when the sender did not hold the link: the receiver searches.
pub const UNTRACKED: u32 = u32::MAX;

pub enum Event {
    /// A message from `from` arriving at `to`.
    Wire {
        from: NodeId,
        to: NodeId,
        msg: Msg,
        /// Where `from` sits in `to`'s peer list (the `back` of the link it came over),
        /// so that `to` answers an announcement or a request without searching its
        /// peers for `from` (the search was a tenth of a run at 10,000 nodes);
        /// [`UNTRACKED`] where the sender did not hold the link.
        slot: u32,
    },
    /// A payload from `from` reaches `to`'s download link (which may still be busy):
    /// the transport decides when it is all there (`net::Transfer::download_queue`).
    Downlink {
        from: NodeId,
        to: NodeId,
        msg: Msg,
        bytes: u32,
    },
    /// A miner's block is found, unless its tip changed since (the epoch moved on).
    Mine {
        miner: MinerId,
        epoch: u32,
    },
    /// The workload's next payment is made.
    NewPayment,
    /// Shortest-path payment relay: a payment reaches a miner.
    PaymentAtMiner {
        miner: MinerId,
        tx: PaymentId,
    },
    /// `node` has validated `block`, which came from `from`.
    Validated {
        node: NodeId,
        from: NodeId,
        block: BlockId,
    },
    /// `node` asked `peer` for `block`, got nothing back, and asks again.
    Retry {
        node: NodeId,
        peer: NodeId,
        block: BlockId,
    },
    /// `node` asked for `block` a timeout ago (`relay::timeout`).
    RequestTimeout {
        node: NodeId,
        block: BlockId,
    },
    /// The header answering the getheaders beside `node`'s request for a child of
    /// `parent` lands from `peer`, the parent unknown at the request
    /// (`relay::parent_timers`).
    HeaderLanded {
        node: NodeId,
        peer: NodeId,
        parent: BlockId,
    },
    /// Gossip: a node's payment announcement timer fires.
    TxAnnounce {
        node: NodeId,
    },
    /// Gossip: `node` asked `peer` for payments, got nothing back, and asks again.
    TxRetry {
        node: NodeId,
        peer: NodeId,
        list: ListId,
    },
    FaultStarts(usize),
    FaultEnds(usize),
    AttackStarts(AttackerId),
    /// The `i`-th step of `mining.schedule` (`node::schedule`).
    HashrateStep(usize),
    /// A node joins the network and starts to copy the chain (`node::join`).
    Join(NodeId),
    /// A syncing node looks again for what it can ask for.
    SyncTick(NodeId),
    /// A churning node leaves (`node::join::churn`).
    Leave(NodeId),
    /// Routing: `node` fills its free outbound slots (`node::routing`).
    Dial(NodeId),
    /// Routing: a connection-level message (or timer) for `to` about `from`.
    Routing {
        from: NodeId,
        to: NodeId,
        step: super::routing::Step,
    },
}

/// A message between peers.
#[derive(Clone, Copy)]
pub enum Msg {
    Inv(BlockId),
    /// BIP 130: a block announced by its header.
    Headers(BlockId),
    GetData(BlockId),
    Block(BlockId),
    /// The transactions a compact block lacked.
    BlockTxn(BlockId),
    /// A Merkle branch for a light node's payment at `position` in `block`.
    MerkleBlock {
        block: BlockId,
        position: u32,
    },
    TxInv(ListId),
    TxGetData(ListId),
    TxData(ListId),
    /// Initial block download (`node::join`): headers from this height on ...
    GetHeaders(u32),
    /// ... the sender's chain to `tip`, from height `start` (up to 2,000 headers) ...
    SyncHeaders {
        tip: BlockId,
        start: u32,
    },
    /// ... and blocks asked for and sent by height, apart from block relay.
    IbdGetData(BlockId),
    IbdBlock(BlockId),
}

impl Msg {
    /// Blocks and payments are payloads, announcements and requests control messages
    /// (`net::Transfer` says how each queues).
    pub fn traffic(self) -> Traffic {
        match self {
            Msg::Block(_)
            | Msg::BlockTxn(_)
            | Msg::MerkleBlock { .. }
            | Msg::TxData(_)
            | Msg::SyncHeaders { .. } => Traffic::Payload,
            Msg::IbdBlock(_) => Traffic::Bulk,
            _ => Traffic::Control,
        }
    }

    /// What `trace.csv` calls the message, and the block or payment list it names;
    /// `None` for one it does not show (a light node's Merkle branch).
    pub fn trace_row(self) -> Option<(&'static str, Option<BlockId>, Option<ListId>)> {
        Some(match self {
            Msg::Inv(b) => ("inv", Some(b), None),
            Msg::Headers(b) => ("headers", Some(b), None),
            Msg::GetData(b) => ("getdata", Some(b), None),
            Msg::Block(b) => ("block", Some(b), None),
            Msg::BlockTxn(b) => ("blocktxn", Some(b), None),
            Msg::TxInv(l) => ("tx-inv", None, Some(l)),
            Msg::TxGetData(l) => ("tx-getdata", None, Some(l)),
            Msg::TxData(l) => ("tx", None, Some(l)),
            Msg::GetHeaders(_) => ("getheaders", None, None),
            Msg::SyncHeaders { tip, .. } => ("sync-headers", Some(tip), None),
            Msg::IbdGetData(b) => ("ibd-getdata", Some(b), None),
            Msg::IbdBlock(b) => ("ibd-block", Some(b), None),
            Msg::MerkleBlock { .. } => return None,
        })
    }

    /// Whether the fault filter applies. Merkle branches to light nodes are modelled
    /// as always arriving (a stated simplification, docs/scenario.md).
    pub fn lossy(self) -> bool {
        !matches!(self, Msg::MerkleBlock { .. })
    }
}

impl Event {
    /// Events that start new work: dropped once the run has stopped (sim::engine).
    pub fn starts_work(&self) -> bool {
        matches!(
            self,
            Event::Mine { .. }
                | Event::NewPayment
                | Event::RequestTimeout { .. }
                | Event::FaultStarts(_)
                | Event::FaultEnds(_)
                | Event::AttackStarts(_)
                | Event::HashrateStep(_)
                | Event::Join(_)
                | Event::SyncTick(_)
                | Event::Leave(_)
                | Event::Dial(_)
        ) || self.is_eclipse_step()
    }

    /// The eclipse attacker's connections, a victim's restart and the answers to its
    /// dials outside the network (`node::routing::eclipse`): new work, not messages in
    /// flight, so none is taken after the run stops.
    fn is_eclipse_step(&self) -> bool {
        use super::routing::StepKind as K;
        matches!(
            self,
            Event::Routing { step, .. }
                if matches!(step.kind, K::Attack(_) | K::Restart | K::Held(_) | K::Unroutable(_))
        )
    }
}
