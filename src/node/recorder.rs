//! The recorder: every figure a run reports is collected here, as it happens, so that
//! protocol code only says what happened (a block mined, connected at a node, a tip
//! reorganised, a proof checked) and never keeps statistics of its own.

use super::ids::MinerId;
use super::replay::Sample;
use crate::ledger::BlockId;
use crate::net::NodeId;
use crate::sim::SimTime;

pub struct BlockRecord {
    pub miner: Option<MinerId>,
    pub mined_at: SimTime,
    /// Delay from mining to connection at each node that connected it. Ascending by
    /// construction: nodes connect as the event clock advances, which never runs back.
    pub arrivals: Vec<SimTime>,
    /// Nodes in the network when it was mined (all but those not yet joined or away):
    /// what its reach fractions count.
    pub present: u32,
}

/// One payment a light node checked with a Merkle branch.
pub struct LightProof {
    pub block: BlockId,
    /// When the branch was verified.
    pub at: SimTime,
    pub valid: bool,
}

/// One line of `trace.csv`: what happened, where and when.
pub struct TraceRow {
    pub time: SimTime,
    pub node: Option<NodeId>,
    pub kind: &'static str,
    pub block: Option<BlockId>,
    pub detail: String,
}

/// What one node saw, for the figures Gervais et al. report per node.
#[derive(Clone, Copy, Default)]
pub struct NodeSeen {
    /// Blocks connected, and the highest of them: a node holds every height up to its
    /// highest (a block connects only on its parent), so the blocks beyond that count
    /// landed on a height the node already had — stale as the node saw it.
    pub connected: u32,
    pub height: u32,
    /// Blocks fully received (its own mined ones count, at 0 s), and the sum of the
    /// delays from mining to having all of the block, before validating it.
    pub received: u32,
    pub received_delay_sum: SimTime,
    /// Block messages that reached the node from peers, duplicates included (what
    /// Gervais et al.'s bandwidth column counts, over `received`).
    pub downloads: u32,
}

pub struct Recorder {
    pub blocks: Vec<BlockRecord>,
    pub nodes: Vec<NodeSeen>,
    pub reorgs: u64,
    pub reorg_depth_max: u32,
    pub light_proofs: Vec<LightProof>,
    /// Blocks of the history (`history:`), ids 1 to this: mined before the run, so no
    /// arrival, delay or height of theirs is a figure of the run.
    pub history: u32,
    /// The replay's sample of nodes and their arrivals.
    pub sample: Sample,
    trace: Option<Vec<TraceRow>>,
}

impl Recorder {
    pub fn new(nodes: u32, sample: Sample) -> Self {
        Recorder {
            nodes: vec![NodeSeen::default(); nodes as usize],
            blocks: vec![BlockRecord {
                miner: None,
                mined_at: SimTime::ZERO,
                arrivals: Vec::new(),
                present: nodes,
            }],
            reorgs: 0,
            reorg_depth_max: 0,
            light_proofs: Vec::new(),
            history: 0,
            sample,
            trace: None,
        }
    }

    /// Keeps a row per event from now on (`trace.csv`).
    pub fn start_trace(&mut self) {
        self.trace = Some(Vec::new());
    }

    pub fn tracing(&self) -> bool {
        self.trace.is_some()
    }

    /// A row of `trace.csv`, when the run traces (the detail is only made then).
    pub fn trace(
        &mut self,
        time: SimTime,
        node: Option<NodeId>,
        kind: &'static str,
        block: Option<BlockId>,
        detail: impl FnOnce() -> String,
    ) {
        if let Some(rows) = &mut self.trace {
            rows.push(TraceRow {
                time,
                node,
                kind,
                block,
                detail: detail(),
            });
        }
    }

    pub fn take_trace(&mut self) -> Option<Vec<TraceRow>> {
        self.trace.take()
    }

    /// `miner` found `block` now, with `present` nodes in the network.
    pub fn mined(&mut self, block: BlockId, miner: MinerId, now: SimTime, present: u32) {
        debug_assert_eq!(self.blocks.len(), block.index());
        self.sample.mined(block);
        self.blocks.push(BlockRecord {
            miner: Some(miner),
            mined_at: now,
            arrivals: Vec::new(),
            present,
        });
    }

    /// A block of the history, before the run (`node::history`).
    pub fn history_block(&mut self, block: BlockId) {
        debug_assert_eq!(self.blocks.len(), block.index());
        self.history += 1;
        self.sample.mined(block);
        let present = self.blocks[0].present;
        self.blocks.push(BlockRecord {
            miner: None,
            mined_at: SimTime::ZERO,
            arrivals: Vec::new(),
            present,
        });
    }

    fn is_history(&self, block: BlockId) -> bool {
        block.index() as u64 <= u64::from(self.history)
    }

    /// `node` connected `block` at `height`; `own` when it mined (or released) it.
    /// Heights count from the history's tip; history blocks a joining node copies
    /// count nowhere (their download is in the join records).
    pub fn connected(
        &mut self,
        block: BlockId,
        now: SimTime,
        (node, height, own): (NodeId, u32, bool),
    ) {
        if self.is_history(block) {
            return;
        }
        // A run block below the history's tip (a fork deep into it) counts at 0.
        let height = height.saturating_sub(self.history);
        let record = &mut self.blocks[block.index()];
        record.arrivals.push(now - record.mined_at);
        self.sample.connected(block, node, now);
        let seen = &mut self.nodes[node.index()];
        seen.connected += 1;
        seen.height = seen.height.max(height);
        if own {
            seen.received += 1;
        }
    }

    /// All of `block` reached `node` (it validates it next).
    pub fn received(&mut self, block: BlockId, node: NodeId, now: SimTime) {
        if self.is_history(block) {
            return;
        }
        let seen = &mut self.nodes[node.index()];
        seen.received += 1;
        seen.received_delay_sum += now - self.blocks[block.index()].mined_at;
    }

    /// A block message for `block` began reaching `node` (it may hold the block
    /// already): with the download queue, as its first bit reached the downlink, where
    /// Gervais et al. count it; else as it arrived.
    pub fn downloaded(&mut self, block: BlockId, node: NodeId) {
        if !self.is_history(block) {
            let seen = &mut self.nodes[node.index()];
            // A node flooded for a very long run must not wrap the count.
            seen.downloads = seen.downloads.saturating_add(1);
        }
    }

    pub fn reorg(&mut self, depth: u32) {
        self.reorgs += 1;
        self.reorg_depth_max = self.reorg_depth_max.max(depth);
    }

    pub fn mined_at(&self, block: BlockId) -> SimTime {
        self.blocks[block.index()].mined_at
    }

    pub fn miner(&self, block: BlockId) -> Option<MinerId> {
        self.blocks[block.index()].miner
    }
}
