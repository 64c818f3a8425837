//! How payments travel from the node where they are made. A way of relaying is one
//! file implementing [`TxRelay`] and one line in [`relay_for`]: message by message
//! (`gossip`), or as arrival times along shortest paths (`paths`).

mod gossip;
mod paths;

use super::core::Core;
use super::event::{Event, Msg};
use super::ids::{ListId, PaymentId};
use super::plan::{RunPlan, TxRelayKind};
use crate::ledger::{BlockId, Transaction};
use crate::net::NodeId;
use crate::sim::{EventQueue, SimTime};

pub trait TxRelay {
    fn kind(&self) -> TxRelayKind;

    /// Whether `tx`, about to be made at `origin`, enters the network: gossiping nodes
    /// admit payments by the mempool rules (judged once, at the origin's tip); along
    /// shortest paths the block that carries a payment judges it. `Err` says why not.
    fn admit(
        &mut self,
        _core: &mut Core,
        _tx: &Transaction,
        _origin: NodeId,
    ) -> Result<(), String> {
        Ok(())
    }

    /// `tx` is about to enter the payment book without being relayed (an eclipse
    /// attacker hands it to its victims' miners itself): keep the per-payment records
    /// in step, judging nothing.
    fn register_unrelayed(&mut self, _core: &mut Core, _tx: &Transaction) {}

    /// The admitted payment `tx` was made at `origin`: send it on its way.
    fn offer(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        origin: NodeId,
        tx: PaymentId,
    );

    /// `block` was just mined at `now`: note what of it later relay needs.
    fn block_mined(&mut self, core: &Core, block: BlockId, now: SimTime);

    /// A full node connected `block`: its payments are held there from now on.
    fn block_connected(
        &mut self,
        _core: &mut Core,
        _q: &mut EventQueue<Event>,
        _now: SimTime,
        _node: NodeId,
        _block: BlockId,
    ) {
    }

    /// A payment message arrived (delivered), or was lost.
    fn receive(
        &mut self,
        _core: &mut Core,
        _q: &mut EventQueue<Event>,
        _now: SimTime,
        _ends: (NodeId, NodeId),
        _msg: Msg,
    ) {
        unreachable!("payment messages travel with gossip only")
    }

    fn lost(
        &mut self,
        _core: &mut Core,
        _q: &mut EventQueue<Event>,
        _now: SimTime,
        _ends: (NodeId, NodeId),
        _msg: Msg,
    ) {
        unreachable!("payment messages travel with gossip only")
    }

    /// A node's announcement timer fired, or its retry timer for a list it asked for.
    fn announce(
        &mut self,
        _core: &mut Core,
        _q: &mut EventQueue<Event>,
        _now: SimTime,
        _node: NodeId,
    ) {
    }

    fn retry(
        &mut self,
        _core: &mut Core,
        _q: &mut EventQueue<Event>,
        _now: SimTime,
        _ends: (NodeId, NodeId),
        _list: ListId,
    ) {
    }

    /// The payments of `block` that `node` does not hold at `now`, as (count, bytes):
    /// what a compact block must fetch.
    fn missing(&self, core: &Core, node: NodeId, block: BlockId, now: SimTime) -> (usize, usize);

    /// How many payments a list in flight holds (for the trace).
    fn list_len(&self, _list: ListId) -> usize {
        0
    }

    /// Per payment, the delays from its creation until 50%, 90% and 100% of the full
    /// nodes held it (gossip only).
    fn reach(&mut self) -> Vec<[Option<SimTime>; 3]> {
        Vec::new()
    }
}

/// The relay the plan asks for: one registration line per way of relaying. `paying`
/// says whether any payment will be made at all (without, neither keeps state).
pub fn relay_for(
    plan: &RunPlan,
    core: &Core,
    paying: bool,
    miner_nodes: &[NodeId],
) -> Box<dyn TxRelay> {
    match plan.workload.relay {
        TxRelayKind::Gossip if paying => Box::new(gossip::Gossip::new(plan.seed, core)),
        TxRelayKind::Gossip => Box::new(paths::Paths::none(TxRelayKind::Gossip)),
        TxRelayKind::ShortestPath => Box::new(paths::Paths::new(plan, core, paying, miner_nodes)),
    }
}
