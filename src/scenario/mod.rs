//! The scenario file: schema with defaults (docs/scenario.md), loading with clear
//! errors, `--set` overrides and validation of values.

pub mod adversary;
mod check;
pub mod compile;
mod compile_network;
pub mod cost;
pub mod eclipse;
mod faults;
pub mod history;
pub mod joining;
mod limits;
mod load;
mod locate;
pub mod network_model;
mod overrides;
pub mod routing;
pub mod routing_eclipse;
pub mod schedule;
pub mod sweep;
pub mod topology_file;
pub mod units;
mod wording;

pub use adversary::{Attack, Gamma, GiveUp};
pub use cost::Cost;
pub use faults::{Fault, NodeSet};
pub use limits::MAX_TIME;
pub use load::MAX_SCENARIO_BYTES;
pub use network_model::{Mechanism, NetworkModel};
use serde::{Deserialize, Serialize};
pub use units::{Bandwidth, Duration, FeeRate, Rate, Size};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Scenario {
    pub name: String,
    pub seed: u64,
    /// Runs per sweep point (or of a single run), each with its own seed derived from
    /// `seed` (`sweep::replicate_seed`); 1 is left out of the resolved scenario.
    #[serde(skip_serializing_if = "is_one")]
    pub replicates: u32,
    pub stop: Stop,
    pub network: Network,
    pub consensus: Consensus,
    pub mining: Mining,
    pub workload: Workload,
    pub metrics: Metrics,
    /// What the network stands for in the real world: the cost of a transaction.
    pub cost: Cost,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attacks: Vec<Attack>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<Fault>,
    /// Nodes that join during the run and copy the chain (`joining`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub joining: Option<joining::Joining>,
    /// Nodes that leave and come back (`joining::Churn`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub churn: Option<joining::Churn>,
    /// Routing nodes: address books choose the links during the run (`routing`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing: Option<routing::Routing>,
    /// The chain already grown when the run starts (`history`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<history::History>,
    /// Heilman et al.'s eclipse attack on victims' address books (`eclipse`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eclipse: Option<eclipse::Eclipse>,
    /// Grid for `chainlab sweep`: key path -> values; every combination is one run.
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub sweep: serde_json::Map<String, serde_json::Value>,
    /// Where the scenario file was read from: relative topology files are found there.
    #[serde(skip)]
    pub source_dir: Option<std::path::PathBuf>,
}

/// A `stop:` block sets exactly the conditions it names; only a scenario without one
/// gets the default of 144 blocks (one simulated day at Bitcoin's interval).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Stop {
    /// Stop when the best chain reaches this many blocks above genesis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocks: Option<u32>,
    /// Or when simulated time reaches this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Duration>,
    /// What happens to messages still travelling at the stop: delivered (the default:
    /// the last blocks' propagation is measured in full) or dropped (a hard horizon,
    /// as Gervais et al.'s simulator stops).
    #[serde(default, skip_serializing_if = "InFlight::is_deliver")]
    pub in_flight: InFlight,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum InFlight {
    #[default]
    Deliver,
    Drop,
}

impl InFlight {
    pub fn is_deliver(&self) -> bool {
        *self == InFlight::Deliver
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum BlockRelay {
    /// Bitcoin's classic three legs: inv, getdata, block.
    InvGetdata,
    /// The block is sent to every peer without asking.
    Push,
    /// BIP 152 compact blocks after inv and getdata: header, short ids and coinbase;
    /// missing transactions follow on request.
    Compact,
    /// BIP 130: blocks announced by their header instead of an inv, then getdata and
    /// block as after an inv.
    Headers,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RegionModel {
    None,
    /// SimBlock's 2015 Bitcoin measurements.
    #[serde(rename = "bitcoin-2015")]
    Bitcoin2015,
    /// SimBlock's 2019 Bitcoin measurements.
    #[serde(rename = "bitcoin-2019")]
    Bitcoin2019,
}

/// Who connects to whom.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum TopologySpec {
    /// Each node opens `outbound` links to random peers (Bitcoin-like).
    #[default]
    Random,
    /// Every node has exactly 2 × `outbound` random peers.
    Regular,
    /// Watts-Strogatz: a ring linking each node to `outbound` neighbours on each side,
    /// each link rewired to a random node with probability `rewire`.
    SmallWorld {
        #[serde(default = "default_rewire")]
        rewire: f64,
    },
    /// An edge list `a,b,latency[,bandwidth]` (docs/scenario.md); a relative path is
    /// read from the scenario file's directory.
    Csv { file: std::path::PathBuf },
}

fn default_rewire() -> f64 {
    0.1
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Network {
    pub nodes: u32,
    /// Outbound connections each node opens (Bitcoin Core: 8).
    pub outbound: u32,
    pub topology: TopologySpec,
    /// One-way link latency: each link draws uniformly from mean ± jitter.
    pub latency: Duration,
    pub jitter: Duration,
    /// Upload and download bandwidth of every node.
    pub bandwidth: Bandwidth,
    pub relay: BlockRelay,
    /// A measured region model (latency matrix, per-region bandwidth, node spread)
    /// that replaces latency, jitter and bandwidth above.
    pub regions: RegionModel,
    /// Fraction of the non-mining nodes that are light (headers only, SPV proofs for
    /// their wallets' payments, no relay).
    pub light_nodes: f64,
    /// Modelled time a node takes to validate a block: base plus per transaction.
    pub validation_base: Duration,
    pub validation_per_tx: Duration,
    /// The network model; `simple` is left out of the resolved scenario.
    #[serde(skip_serializing_if = "NetworkModel::is_simple")]
    pub model: NetworkModel,
    /// Mechanisms of the `gervais-2016` model switched off.
    #[serde(skip_serializing_if = "network_model::no_mechanisms")]
    pub without: Vec<Mechanism>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Consensus {
    pub block_interval: Duration,
    pub max_block_bytes: Size,
    /// Blocks between difficulty adjustments; 0 disables retargeting.
    pub retarget_interval: u32,
    pub retarget_clamp: u32,
    /// Block subsidy in coins.
    pub reward: f64,
    pub halving_interval: u32,
    pub coinbase_maturity: u32,
    /// Expected hashes per block at the start: simulated difficulty is scaled down from
    /// Bitcoin's so that the real nonce every block carries is cheap to grind.
    pub hashes_per_block: u64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum PowMode {
    /// Block times drawn from the exponential distribution; the nonce is ground after.
    Sampled,
    /// Block times from real hash attempts: each miner builds its block when it starts
    /// on a tip, grinds from a random nonce, and the tries it took at its hashrate are
    /// the time to the block.
    Grind,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Mining {
    pub miners: u32,
    /// Hashrate share of each miner; empty means equal shares. Must sum to 1.
    pub shares: Vec<f64>,
    pub pow: PowMode,
    /// Fill each block to at least this size with `OP_RETURN` data in its coinbase: the
    /// bulk of blocks whose transactions are not simulated one by one (0B: off).
    pub block_padding: Size,
    /// The hashrate over time (`schedule`): miners leaving and arriving.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub schedule: Vec<schedule::HashrateStep>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Workload {
    /// Transactions offered per second (0/s for none).
    pub tx_rate: Rate,
    pub wallets: u32,
    /// Coins each wallet starts with (from the genesis premine).
    pub coins_per_wallet: u32,
    /// Fee rate in satoshis per byte, or a range drawn uniformly per payment.
    pub fee_rate: FeeRate,
    /// Mean delay per hop for transactions (not blocks): Bitcoin Core announces
    /// transactions in batches on a timer (mean 2 s to outbound peers, 5 s inbound).
    pub tx_trickle: Duration,
    pub relay: TxRelay,
}

/// How payments travel from the node where they are made.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum TxRelay {
    /// Message by message: inv, getdata, tx, each node admitting and announcing.
    Gossip,
    /// Arrival times along shortest paths to the miners, for large networks.
    ShortestPath,
    /// Gossip up to [`TxRelay::AUTO_GOSSIP_NODES`] nodes, shortest paths beyond.
    Auto,
}

impl TxRelay {
    pub const AUTO_GOSSIP_NODES: u32 = 500;

    /// The mode a network of `nodes` nodes uses.
    pub fn resolve(self, nodes: u32) -> TxRelay {
        match self {
            TxRelay::Auto if nodes <= Self::AUTO_GOSSIP_NODES => TxRelay::Gossip,
            TxRelay::Auto => TxRelay::ShortestPath,
            chosen => chosen,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Metrics {
    /// k in "k-confirmation time".
    pub confirmations: u32,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            name: "scenario".into(),
            seed: 1,
            replicates: 1,
            stop: Stop::default(),
            network: Network::default(),
            consensus: Consensus::default(),
            mining: Mining::default(),
            workload: Workload::default(),
            metrics: Metrics::default(),
            cost: Cost::default(),
            attacks: Vec::new(),
            faults: Vec::new(),
            joining: None,
            churn: None,
            routing: None,
            eclipse: None,
            history: None,
            sweep: serde_json::Map::new(),
            source_dir: None,
        }
    }
}

impl Default for Stop {
    fn default() -> Self {
        Stop {
            blocks: Some(144),
            time: None,
            in_flight: InFlight::Deliver,
        }
    }
}

impl Default for Network {
    fn default() -> Self {
        Network {
            nodes: 100,
            outbound: 8,
            topology: TopologySpec::Random,
            latency: Duration(100_000_000),
            jitter: Duration(50_000_000),
            bandwidth: Bandwidth(25e6),
            relay: BlockRelay::InvGetdata,
            regions: RegionModel::None,
            light_nodes: 0.0,
            validation_base: Duration(5_000_000),
            validation_per_tx: Duration(50_000),
            model: NetworkModel::Simple,
            without: Vec::new(),
        }
    }
}

impl Default for Consensus {
    fn default() -> Self {
        Consensus {
            block_interval: Duration(600_000_000_000),
            max_block_bytes: Size(1_000_000),
            retarget_interval: 2016,
            retarget_clamp: 4,
            reward: 50.0,
            halving_interval: 210_000,
            coinbase_maturity: 100,
            hashes_per_block: 4096,
        }
    }
}

impl Default for Mining {
    fn default() -> Self {
        Mining {
            miners: 10,
            shares: Vec::new(),
            pow: PowMode::Sampled,
            block_padding: Size(0),
            schedule: Vec::new(),
        }
    }
}

impl Default for Workload {
    fn default() -> Self {
        Workload {
            tx_rate: Rate(1.0),
            wallets: 100,
            coins_per_wallet: 20,
            fee_rate: FeeRate::fixed(2),
            tx_trickle: Duration(2_000_000_000),
            relay: TxRelay::Auto,
        }
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics { confirmations: 6 }
    }
}

/// Bad input: the message names the file and the place, and says what is allowed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ScenarioError(pub String);

fn is_one(n: &u32) -> bool {
    *n == 1
}

impl Scenario {
    /// Hashrate share per miner.
    pub fn miner_shares(&self) -> Vec<f64> {
        if self.mining.shares.is_empty() {
            vec![1.0 / self.mining.miners as f64; self.mining.miners as usize]
        } else {
            self.mining.shares.clone()
        }
    }

    /// Blocks of the chain grown before the run (`history:`), 0 without one.
    pub fn history_blocks(&self) -> u32 {
        self.history.as_ref().map_or(0, |h| h.blocks)
    }

    /// Bytes chain.dat would hold: the expected blocks (at the run's expected length)
    /// times their padding, and the history's.
    pub fn estimated_chain_bytes(&self) -> f64 {
        let history =
            (self.history.as_ref()).map_or(0.0, |h| f64::from(h.blocks) * h.block_bytes.0 as f64);
        history + self.estimated_run_chain_bytes()
    }

    fn estimated_run_chain_bytes(&self) -> f64 {
        let interval = self.consensus.block_interval.0 as f64;
        let blocks = [
            self.stop.blocks.map(f64::from),
            self.stop.time.map(|t| t.0 as f64 / interval),
        ]
        .into_iter()
        .flatten()
        .fold(f64::INFINITY, f64::min);
        blocks * self.mining.block_padding.0 as f64
    }

    pub fn to_yaml(&self) -> String {
        serde_saphyr::to_string(self).expect("a scenario always serializes")
    }
}

/// Adds "did you mean" to serde's unknown-field message when a known key is close.
pub(crate) fn hint_unknown_key(message: &str) -> String {
    let Some(rest) = message
        .split("unknown field `")
        .nth(1)
        .or_else(|| message.split("unknown variant `").nth(1))
    else {
        return message.to_string();
    };
    let unknown = rest.split('`').next().unwrap_or("");
    // serde_saphyr lists the keys bare, serde_json in backticks; accept both.
    let list = message.split("expected one of ").nth(1).unwrap_or("");
    let list = list.lines().next().unwrap_or("");
    let expected: Vec<&str> = list
        .split(", ")
        .map(|k| k.trim().trim_matches('`'))
        .collect();
    let best = expected
        .iter()
        .map(|k| {
            (
                wording::edit_distance(&unknown.to_lowercase(), &k.to_lowercase()),
                *k,
            )
        })
        .min()
        .filter(|(d, k)| *d <= 2.max(k.len() / 3));
    match best {
        Some((_, k)) => format!("{message} (did you mean `{k}`?)"),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_block_sets_only_the_conditions_it_names() {
        let by_time = Scenario::parse("stop: { time: 1h }\n", "t", &[]).unwrap();
        assert_eq!(
            (by_time.stop.blocks, by_time.stop.time),
            (None, Some(Duration(3_600_000_000_000)))
        );
        let default = Scenario::parse("name: x\n", "t", &[]).unwrap();
        assert_eq!((default.stop.blocks, default.stop.time), (Some(144), None));
        let resolved = Scenario::parse(&by_time.to_yaml(), "resolved", &[]).unwrap();
        assert_eq!(
            resolved, by_time,
            "the resolved file reads back as the same scenario"
        );
        assert!(
            Scenario::parse("stop: {}\n", "t", &[]).is_err(),
            "an empty stop never ends"
        );
    }
}
