//! The state every protocol works on: the shared block tree, the transport, each
//! node's chain view and what it is, the payments, the miners' pools and the recorder.
//! Components (relay protocols, payment relay, mining, attackers, light clients) take
//! `&mut Core` and keep only their own state.

use super::chain_view::ChainViews;
use super::ids::PaymentId;
use super::paybook::Paybook;
use super::plan::RunPlan;
use super::recorder::Recorder;
use super::relay::announce::Announcements;
use super::relay::timeout::Requests;
use super::table::NodeTable;
use crate::ledger::BlockTree;
use crate::net::Transport;

pub struct Core {
    pub plan: RunPlan,
    pub tree: BlockTree,
    pub transport: Transport,
    pub views: ChainViews,
    pub nodes: NodeTable,
    pub pays: Paybook,
    /// Per miner, the payments it may put in a block (honest miners only fill theirs).
    pub pools: Vec<Vec<PaymentId>>,
    pub rec: Recorder,
    /// Block announcements heard but not yet acted on (`relay::announce`).
    pub heard: Announcements,
    /// Requests waited for, when they time out (`relay::timeout`).
    pub requests: Option<Requests>,
}

impl Core {
    /// Whether every message must be an event. Without faults (which lose messages
    /// and make nodes forget) and without a trace (which shows every message), a
    /// message its receiver would ignore on arrival changes nothing and need not be
    /// simulated; its bytes are still charged to the sender's uplink. Links that close
    /// (routing) lose messages as faults do.
    pub fn every_message(&self) -> bool {
        !self.transport.faults.plans().is_empty()
            || self.rec.tracing()
            || self.transport.topology().is_live()
    }
}
