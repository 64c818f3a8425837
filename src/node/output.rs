//! What a run leaves behind for the results: the tree, what each block and payment did,
//! the attacks' and faults' records, and the run's own figures. Plain data: nothing in
//! it names the scenario file's schema.

use super::attack::AttackOutput;
use super::ids::MinerId;
use super::network::Network;
use super::plan::TxRelayKind;
use super::recorder::{LightProof, NodeSeen, TraceRow};
use crate::ledger::BlockTree;
use crate::net::faults::FaultOutput;
use crate::net::NodeId;
use crate::sim::engine::Finish;
use crate::sim::SimTime;

pub use super::paybook::TxRecord;
pub use super::recorder::BlockRecord;

pub struct RunOutput {
    /// The run was stopped early (the interrupt flag): its figures are partial.
    pub interrupted: bool,
    /// Stopped by blocks alone, it reached ten times its expected length first.
    pub time_capped: bool,
    pub tree: BlockTree,
    /// Every event, when the run was asked to trace.
    pub trace: Option<Vec<TraceRow>>,
    pub blocks: Vec<BlockRecord>,
    pub txs: Vec<TxRecord>,
    /// Honest miners first, then one per attack, in scenario order.
    pub miner_nodes: Vec<NodeId>,
    pub shares: Vec<f64>,
    pub attacks: Vec<AttackOutput>,
    pub faults: Vec<FaultOutput>,
    /// Payments light nodes checked with Merkle branches.
    pub light_proofs: Vec<LightProof>,
    pub light_nodes: u32,
    /// How payments travelled.
    pub tx_relay: TxRelayKind,
    /// Gossip only, per payment: delays from its creation until 50%, 90% and 100% of
    /// the full nodes held it.
    pub tx_reach: Vec<[Option<SimTime>; 3]>,
    pub end_time: SimTime,
    pub events: u64,
    pub reorgs: u64,
    pub reorg_depth_max: u32,
    /// What each node saw (blocks held, stale as it saw them, delays to receive).
    pub node_seen: Vec<NodeSeen>,
    pub replay: ReplayOutput,
    /// Bytes every node sent on the transport: blocks, payments, announcements and
    /// requests (shortest-path payments do not travel on it).
    pub relayed_bytes: u64,
    /// Per node, how long its uplink was still taken by what it had queued to send when
    /// the run stopped (before a drain delivers what is in flight and answers it), or,
    /// a run that ran out of events or was interrupted, when it ended.
    pub uplink_backlogs: Vec<SimTime>,
    /// The nodes that joined during the run (`node::join`), and the bytes each node
    /// served them (empty without joining nodes).
    pub joins: Vec<super::join::JoinRecord>,
    pub ibd_served: Vec<u64>,
    /// Routing's figures (`None` without `routing:`).
    pub routing: Option<super::routing::RoutingFigures>,
    /// Each node's tip at the end.
    pub tips: Vec<crate::ledger::BlockId>,
}

/// What the animated replay draws (`node::replay`): the shown nodes, their regions and
/// the links between them, and when each connected each of the first blocks.
pub struct ReplayOutput {
    pub nodes: Vec<NodeId>,
    /// Per shown node, its region (`net::regions::REGIONS`), where the network has them.
    pub regions: Option<Vec<usize>>,
    /// Links between shown nodes, by their places among them, each once.
    pub links: Vec<(u16, u16)>,
    /// Per block (the first `node::replay::SHOWN_BLOCKS`): (place, when) per shown node
    /// that connected it.
    pub arrivals: Vec<Vec<(u16, SimTime)>>,
}

impl ReplayOutput {
    fn of(sample: super::replay::Sample, topology: &crate::net::Topology) -> Self {
        let place = |node: NodeId| sample.nodes.binary_search(&node).ok();
        let regions = (sample.nodes.iter())
            .map(|&n| topology.region(n))
            .collect::<Option<Vec<usize>>>();
        let mut links = Vec::new();
        for (a, &node) in sample.nodes.iter().enumerate() {
            for link in topology.open_peers(node) {
                match place(link.peer) {
                    Some(b) if a < b => links.push((a as u16, b as u16)),
                    _ => {}
                }
            }
        }
        ReplayOutput {
            regions,
            links,
            arrivals: sample.arrivals,
            nodes: sample.nodes,
        }
    }
}

impl RunOutput {
    /// The miner that found `block`, if a miner did (genesis has none).
    pub fn miner(&self, block: crate::ledger::BlockId) -> Option<MinerId> {
        self.blocks[block.index()].miner
    }
}

impl Network {
    pub(super) fn into_output(mut self, finish: Finish, time_capped: bool) -> RunOutput {
        let attacks = self.finish_attacks();
        let (joins, ibd_served) = (self.joins.records(), self.joins.served());
        let routing = self.routing.as_ref().map(|r| r.figures(&self.core));
        let uplink_backlogs = (self.stop_backlogs.take())
            .unwrap_or_else(|| self.core.transport.uplink_backlogs(finish.end_time));
        let miners = &self.miners.list;
        let core = self.core;
        let mut rec = core.rec;
        RunOutput {
            interrupted: finish.interrupted,
            time_capped,
            events: finish.events,
            end_time: finish.end_time,
            miner_nodes: miners.iter().map(|m| m.node).collect(),
            shares: miners.iter().map(|m| m.share).collect(),
            faults: core.transport.faults.output(),
            light_nodes: core.nodes.light_nodes().len() as u32,
            tx_relay: self.txs.kind(),
            tx_reach: self.txs.reach(),
            attacks,
            trace: rec.take_trace(),
            light_proofs: std::mem::take(&mut rec.light_proofs),
            blocks: std::mem::take(&mut rec.blocks),
            reorgs: rec.reorgs,
            reorg_depth_max: rec.reorg_depth_max,
            node_seen: std::mem::take(&mut rec.nodes),
            relayed_bytes: core.transport.sent_bytes(),
            uplink_backlogs,
            joins,
            ibd_served,
            routing,
            tips: (0..core.views.nodes())
                .map(|n| core.views.tip(NodeId(n)))
                .collect(),
            replay: ReplayOutput::of(
                std::mem::replace(&mut rec.sample, super::replay::Sample::new(0, &[])),
                core.transport.topology(),
            ),
            txs: core.pays.into_records(),
            tree: core.tree,
        }
    }
}
