//! The scenario file: schema with defaults (docs/scenario.md), loading with clear
//! errors, `--set` overrides and validation of values.

pub mod adversary;
pub mod sweep;
pub mod topology_file;
pub mod units;

pub use adversary::{Attack, Fault, Gamma, GiveUp, NodeSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
pub use units::{Bandwidth, Duration, FeeRate, Rate, Size};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Scenario {
    pub name: String,
    pub seed: u64,
    pub stop: Stop,
    pub network: Network,
    pub consensus: Consensus,
    pub mining: Mining,
    pub workload: Workload,
    pub metrics: Metrics,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attacks: Vec<Attack>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<Fault>,
    /// Grid for `chainlab sweep`: key path -> values; every combination is one run.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub sweep: BTreeMap<String, Vec<serde_json::Value>>,
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
            stop: Stop::default(),
            network: Network::default(),
            consensus: Consensus::default(),
            mining: Mining::default(),
            workload: Workload::default(),
            metrics: Metrics::default(),
            attacks: Vec::new(),
            faults: Vec::new(),
            sweep: BTreeMap::new(),
        }
    }
}

impl Default for Stop {
    fn default() -> Self {
        Stop {
            blocks: Some(144),
            time: None,
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

impl Scenario {
    /// Reads `path`, applies `overrides` (`key.path=value`), fills defaults and checks
    /// every value.
    pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ScenarioError(format!("{}: cannot read: {e}", path.display())))?;
        let mut sc = Self::parse(&text, &path.display().to_string(), overrides)?;
        if let TopologySpec::Csv { file } = &mut sc.network.topology {
            // Made absolute, so that scenario.resolved.yaml names the same file wherever
            // it is read from.
            let joined = path.parent().unwrap_or(Path::new("")).join(&*file);
            *file = std::fs::canonicalize(&joined).unwrap_or(joined);
        }
        sc.check_files()
            .map_err(|msg| ScenarioError(format!("{}: {msg}", path.display())))?;
        Ok(sc)
    }

    /// Checks what the scenario refers to outside itself (a topology file).
    pub fn check_files(&self) -> Result<(), String> {
        if let TopologySpec::Csv { file } = &self.network.topology {
            topology_file::read(file, self.network.nodes)
                .map_err(|e| format!("network.topology: {e}"))?;
        }
        Ok(())
    }

    pub fn parse(
        text: &str,
        origin: &str,
        overrides: &[String],
    ) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = if overrides.is_empty() {
            serde_saphyr::from_str(text)
                .map_err(|e| ScenarioError(format!("{origin}: {}", hint(&e.to_string()))))?
        } else {
            let mut tree: serde_json::Value = serde_saphyr::from_str(text)
                .map_err(|e| ScenarioError(format!("{origin}: {}", hint(&e.to_string()))))?;
            if tree.is_null() {
                tree = serde_json::json!({});
            }
            for o in overrides {
                apply_override(&mut tree, o)?;
            }
            serde_json::from_value(tree).map_err(|e| {
                ScenarioError(format!(
                    "{origin} with --set {}: {}",
                    overrides.join(" "),
                    hint(&e.to_string())
                ))
            })?
        };
        scenario
            .check()
            .map_err(|msg| ScenarioError(format!("{origin}: {msg}")))?;
        Ok(scenario)
    }

    /// Value checks that types alone cannot express.
    pub(crate) fn check(&self) -> Result<(), String> {
        let positive = |key: &str, ok: bool, allowed: &str| {
            if ok {
                Ok(())
            } else {
                Err(format!("{key} must be {allowed}"))
            }
        };
        positive(
            "stop",
            self.stop.blocks.is_some() || self.stop.time.is_some(),
            "given as { blocks: N } or { time: 1d }",
        )?;
        positive("stop.blocks", self.stop.blocks != Some(0), "at least 1")?;
        positive("network.nodes", self.network.nodes >= 2, "at least 2")?;
        positive("network.outbound", self.network.outbound >= 1, "at least 1")?;
        positive(
            "network.bandwidth",
            self.network.bandwidth.0 > 0.0,
            "positive, such as 25Mbps",
        )?;
        positive(
            "network.jitter",
            self.network.jitter.0 <= self.network.latency.0,
            "at most network.latency",
        )?;
        positive(
            "consensus.block_interval",
            self.consensus.block_interval.0 > 0,
            "positive, such as 10m",
        )?;
        positive(
            "consensus.max_block_bytes",
            self.consensus.max_block_bytes.0 >= 1000,
            "at least 1kB",
        )?;
        positive(
            "consensus.hashes_per_block",
            (2..=1 << 24).contains(&self.consensus.hashes_per_block),
            "between 2 and 16777216",
        )?;
        positive(
            "consensus.reward",
            self.consensus.reward >= 0.0 && self.consensus.reward <= 21e6,
            "between 0 and 21000000 coins",
        )?;
        positive(
            "mining.miners",
            self.mining.miners >= 1 && self.mining.miners <= self.network.nodes,
            "between 1 and network.nodes",
        )?;
        positive(
            "workload.tx_rate",
            self.workload.tx_rate.0 >= 0.0 && self.workload.tx_rate.0.is_finite(),
            "zero or positive, such as 7/s",
        )?;
        positive(
            "workload.wallets",
            self.workload.tx_rate.0 == 0.0 || self.workload.wallets >= 2,
            "at least 2 when transactions are offered",
        )?;
        positive(
            "metrics.confirmations",
            self.metrics.confirmations >= 1,
            "at least 1",
        )?;
        if !self.mining.shares.is_empty() {
            if self.mining.shares.len() != self.mining.miners as usize {
                return Err(format!(
                    "mining.shares has {} entries but mining.miners is {}; give one share per miner or none for equal shares",
                    self.mining.shares.len(),
                    self.mining.miners
                ));
            }
            if let Some(bad) = self
                .mining
                .shares
                .iter()
                .find(|s| !(**s > 0.0 && s.is_finite()))
            {
                return Err(format!(
                    "mining.shares contains {bad}; every share must be positive"
                ));
            }
            let sum: f64 = self.mining.shares.iter().sum();
            if (sum - 1.0).abs() > 1e-6 {
                return Err(format!("mining.shares sum to {sum}; they are fractions of the hashrate and must sum to 1"));
            }
        }
        if let TopologySpec::SmallWorld { rewire } = self.network.topology {
            positive(
                "network.topology.rewire",
                (0.0..=1.0).contains(&rewire),
                "a probability between 0 and 1",
            )?;
        }
        positive(
            "network.regions",
            !(matches!(self.network.topology, TopologySpec::Csv { .. })
                && self.network.regions != RegionModel::None),
            "none when the topology file gives each link's latency",
        )?;
        positive(
            "network.light_nodes",
            (0.0..1.0).contains(&self.network.light_nodes),
            "a fraction of the nodes, at least 0 and below 1",
        )?;
        positive(
            "mining.block_padding",
            self.mining.block_padding.0 <= self.consensus.max_block_bytes.0,
            "at most consensus.max_block_bytes",
        )?;
        for (i, attack) in self.attacks.iter().enumerate() {
            attack.check(&format!("attacks[{i}]"), self.network.nodes)?;
        }
        let attack_share: f64 = self.attacks.iter().map(Attack::hashrate).sum();
        if attack_share >= 1.0 {
            return Err(format!(
                "attacks' hashrates sum to {attack_share}; honest miners need some share, so keep the sum below 1"
            ));
        }
        positive(
            "mining.miners plus attackers",
            self.mining.miners + self.attacks.len() as u32 <= self.network.nodes,
            "at most network.nodes (each miner and attacker sits on its own node)",
        )?;
        for (i, fault) in self.faults.iter().enumerate() {
            fault.check(&format!("faults[{i}]"), self.network.nodes)?;
        }
        Ok(())
    }

    /// Hashrate share per miner.
    pub fn miner_shares(&self) -> Vec<f64> {
        if self.mining.shares.is_empty() {
            vec![1.0 / self.mining.miners as f64; self.mining.miners as usize]
        } else {
            self.mining.shares.clone()
        }
    }

    pub fn to_yaml(&self) -> String {
        serde_saphyr::to_string(self).expect("a scenario always serializes")
    }
}

/// Sets `a.b.c=value` in the parsed tree; the value is read as YAML so that numbers,
/// lists and units all work. The key must exist in the schema (checked when the tree is
/// deserialized, which rejects unknown keys).
pub(crate) fn apply_override(
    tree: &mut serde_json::Value,
    assignment: &str,
) -> Result<(), ScenarioError> {
    let (path, raw) = assignment.split_once('=').ok_or_else(|| {
        ScenarioError(format!(
            "--set {assignment:?}: expected key.path=value, such as network.nodes=500"
        ))
    })?;
    let value: serde_json::Value = serde_saphyr::from_str(raw)
        .map_err(|e| ScenarioError(format!("--set {path}: cannot read value {raw:?}: {e}")))?;
    let mut node = tree;
    let keys: Vec<&str> = path.split('.').collect();
    for (i, key) in keys.iter().enumerate() {
        let last = i + 1 == keys.len();
        // A number indexes a list, as in attacks.0.confirmations.
        if let (true, Ok(index)) = (node.is_array(), key.parse::<usize>()) {
            let list = node.as_array_mut().expect("checked");
            let len = list.len();
            let slot = list.get_mut(index).ok_or_else(|| {
                ScenarioError(format!(
                    "--set {path}: {} has {len} entries, so there is no entry {index}",
                    keys[..i].join(".")
                ))
            })?;
            if last {
                *slot = value;
                return Ok(());
            }
            node = slot;
            continue;
        }
        let map = node.as_object_mut().ok_or_else(|| {
            ScenarioError(format!(
                "--set {path}: {} is not a section",
                keys[..i].join(".")
            ))
        })?;
        if last {
            map.insert((*key).to_string(), value);
            return Ok(());
        }
        node = map
            .entry(key.to_string())
            .or_insert_with(|| serde_json::json!({}));
    }
    Ok(())
}

/// Adds "did you mean" to serde's unknown-field message when a known key is close.
pub(crate) fn hint(message: &str) -> String {
    let Some(rest) = message.split("unknown field `").nth(1) else {
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
        .map(|k| (edit_distance(unknown, k), *k))
        .min()
        .filter(|(d, k)| *d <= 2.max(k.len() / 3));
    match best {
        Some((_, k)) => format!("{message} (did you mean `{k}`?)"),
        None => message.to_string(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
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
