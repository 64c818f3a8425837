//! The recorder: every figure a run reports is collected here, as it happens, so that
//! protocol code only says what happened (a block mined, connected at a node, a tip
//! reorganised, a proof checked) and never keeps statistics of its own.

use super::ids::MinerId;
use crate::ledger::BlockId;
use crate::net::NodeId;
use crate::sim::SimTime;

pub struct BlockRecord {
    pub miner: Option<MinerId>,
    pub mined_at: SimTime,
    /// Delay from mining to connection at each node that connected it. Ascending by
    /// construction: nodes connect as the event clock advances, which never runs back.
    pub arrivals: Vec<SimTime>,
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

pub struct Recorder {
    pub blocks: Vec<BlockRecord>,
    pub reorgs: u64,
    pub reorg_depth_max: u32,
    pub light_proofs: Vec<LightProof>,
    trace: Option<Vec<TraceRow>>,
}

impl Default for Recorder {
    fn default() -> Self {
        Self::new()
    }
}

impl Recorder {
    pub fn new() -> Self {
        Recorder {
            blocks: vec![BlockRecord {
                miner: None,
                mined_at: SimTime::ZERO,
                arrivals: Vec::new(),
            }],
            reorgs: 0,
            reorg_depth_max: 0,
            light_proofs: Vec::new(),
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

    pub fn mined(&mut self, block: BlockId, miner: MinerId, now: SimTime) {
        debug_assert_eq!(self.blocks.len(), block.index());
        self.blocks.push(BlockRecord {
            miner: Some(miner),
            mined_at: now,
            arrivals: Vec::new(),
        });
    }

    pub fn connected(&mut self, block: BlockId, now: SimTime) {
        let record = &mut self.blocks[block.index()];
        record.arrivals.push(now - record.mined_at);
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
