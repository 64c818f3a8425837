//! What a run is to be: plain data, compiled from a scenario once
//! (`scenario::compile`). The node layer reads this, never the scenario file's schema.

use crate::ledger::{Amount, ConsensusParams};
use crate::net::plan::{FaultPlan, NetworkPlan};
use crate::net::NodeId;
use crate::node::ids::MinerId;
use crate::sim::SimTime;

#[derive(Clone, Debug)]
pub struct RunPlan {
    pub seed: u64,
    /// Written into the genesis coinbase (the scenario's name).
    pub label: Vec<u8>,
    pub stop: StopPlan,
    pub network: NetworkPlan,
    pub relay: BlockRelayKind,
    /// Fraction of the non-mining nodes that are light (headers only).
    pub light_fraction: f64,
    pub validation: ValidationPlan,
    pub consensus: ConsensusParams,
    pub block_interval: SimTime,
    /// Expected hashes per block at the start (simulated difficulty).
    pub hashes_per_block: u64,
    pub mining: MiningPlan,
    pub workload: WorkloadPlan,
    pub attacks: Vec<AttackPlan>,
    pub faults: Vec<FaultPlan>,
    pub joining: Option<JoinPlan>,
    pub churn: Option<ChurnPlan>,
    /// Routing nodes (`node::routing`).
    pub routing: Option<super::routing::RoutingPlan>,
    /// The chain already grown at the start (`node::history`).
    pub history: Option<super::history::HistoryPlan>,
}

/// Nodes that leave and come back (`node::join::churn`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChurnPlan {
    pub nodes: u32,
    pub session: SimTime,
    pub downtime: SimTime,
    pub until: Option<SimTime>,
}

/// Blocks a node copying the chain asks one peer for at a time, unless
/// `joining.blocks_in_flight` says otherwise (Bitcoin Core's
/// MAX_BLOCKS_IN_TRANSIT_PER_PEER; churning nodes coming back use it too).
pub const CORE_BLOCKS_IN_FLIGHT: u32 = 16;

/// Nodes absent at the start that join and copy the chain (`node::join`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JoinPlan {
    pub nodes: u32,
    pub from: SimTime,
    /// Joins per second after the first (`None`: all at `from`).
    pub rate: Option<f64>,
    pub blocks_in_flight: u32,
}

/// Modelled time to validate a block (base, per transaction and per megabyte), and
/// how long a node waits for a requested block before asking another peer that
/// announced it (the first request stays pending).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValidationPlan {
    pub base: SimTime,
    pub per_tx: SimTime,
    pub per_mb: SimTime,
    pub request_timeout: Option<SimTime>,
    /// Whether headers answered for a block add their sender to the peers to ask for
    /// its awaited parent (`relay::timeout`).
    pub headers_sources: bool,
    /// Whether a header's answer about a parent missing and not awaited restarts the
    /// parent's timer or asks for it, and orphans' parents are left to that
    /// (`relay::parent_timers`).
    pub parent_timers: bool,
}

impl ValidationPlan {
    /// Time to validate a block of `txs` transactions and `bytes` bytes.
    pub fn block(&self, txs: u64, bytes: u64) -> SimTime {
        let by_size = u128::from(self.per_mb.0) * u128::from(bytes) / 1_000_000;
        self.base + self.per_tx * txs + SimTime(by_size as u64)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StopPlan {
    pub blocks: Option<u32>,
    pub time: Option<SimTime>,
    /// Messages still travelling at the stop are delivered (else the run ends there).
    pub drain: bool,
}

/// How blocks travel between full nodes (`node::relay` has one file each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockRelayKind {
    InvGetdata,
    Push,
    Compact,
    Headers,
}

/// How payments travel (`node::txrelay` has one file each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxRelayKind {
    Gossip,
    ShortestPath,
}

impl TxRelayKind {
    pub fn name(self) -> &'static str {
        match self {
            TxRelayKind::Gossip => "gossip",
            TxRelayKind::ShortestPath => "shortest-path",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PowMode {
    /// Block times drawn from the exponential law; the nonce is ground after.
    Sampled,
    /// Block times from real hash attempts at each miner's hashrate.
    Grind,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MiningPlan {
    /// Hashrate share of each honest miner, summing to 1 (before attackers take theirs).
    pub shares: Vec<f64>,
    pub pow: PowMode,
    /// Pad each block to this size with `OP_RETURN` outputs (0: off).
    pub block_padding: usize,
    /// The honest hashrate over time, in time order (`node::schedule`).
    pub schedule: Vec<HashrateStep>,
}

/// From `at` on, the honest network's hashrate factor (`miner: None`) or one honest
/// miner's is `factor` (relative to the start).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HashrateStep {
    pub at: SimTime,
    pub miner: Option<u32>,
    pub factor: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadPlan {
    /// Payments per second (0: none).
    pub tx_rate: f64,
    pub wallets: u32,
    pub coins_per_wallet: u32,
    /// Fee rate in sat/byte, drawn uniformly from this range per payment.
    pub fee_rate: (u64, u64),
    pub tx_trickle: SimTime,
    pub relay: TxRelayKind,
}

/// One attacking miner.
#[derive(Clone, Debug, PartialEq)]
pub struct AttackPlan {
    /// Fraction of the whole network's hashrate.
    pub hashrate: f64,
    /// Extra links from its node to random nodes.
    pub connections: u32,
    /// Mines honestly until then.
    pub start: SimTime,
    /// Stop attacking after this many attempts (the run stops once every attack with a
    /// count has made them).
    pub attempts: Option<u32>,
    /// What the genesis premines for it (a double spender's payments).
    pub funds: Amount,
    pub strategy: StrategyPlan,
}

/// The strategies an attacker can follow (`node::attack` has one file each).
#[derive(Clone, Debug, PartialEq)]
pub enum StrategyPlan {
    DoubleSpend {
        confirmations: u32,
        give_up_behind: Option<u32>,
        amount: Amount,
        merchant: Option<NodeId>,
        premine: bool,
    },
    /// The double spend against an eclipsed merchant (`attack::eclipse_spend`).
    EclipseSpend {
        confirmations: u32,
        amount: Amount,
        merchant: NodeId,
        /// Honest miners eclipsed with the merchant.
        miners: Vec<MinerId>,
        give_up_after: Option<SimTime>,
    },
    Majority {
        depth: u32,
        give_up_behind: Option<u32>,
    },
    Selfish {
        /// `None`: γ emerges from the network; else fixed.
        gamma: Option<f64>,
    },
    Stubborn {
        gamma: Option<f64>,
        /// Nayak et al.'s stubbornness switches (all off: selfish mining).
        lead: bool,
        equal_fork: bool,
        /// Trail stubbornness: keep mining a private branch while it trails by at most
        /// this many blocks (0: off).
        trail: u32,
    },
}

impl StrategyPlan {
    pub fn kind(&self) -> &'static str {
        match self {
            StrategyPlan::DoubleSpend { .. } => "double-spend",
            StrategyPlan::EclipseSpend { .. } => "eclipse-double-spend",
            StrategyPlan::Majority { .. } => "majority",
            StrategyPlan::Selfish { .. } => "selfish",
            StrategyPlan::Stubborn { .. } => "stubborn",
        }
    }
}
