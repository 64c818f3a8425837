//! The figures of `summary.json`: the contract's field names and types (docs/DESIGN.md),
//! written after a run and read back as untrusted input. Computed in `report`.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct MinerFigures {
    pub miner: u32,
    pub node: u32,
    pub hashrate_share: f64,
    pub blocks_main: u32,
    pub blocks_stale: u32,
    /// Satoshis (summed as a wide integer: over a long run with a large reward the
    /// total can pass 2^64).
    pub revenue_sat: u128,
    pub revenue_share: f64,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Perf {
    pub events: u64,
    pub wall_s: f64,
    pub events_per_s: f64,
    pub peak_rss_bytes: u64,
}

/// Field names are the contract: SI units in the names; `None` is `null` in JSON and
/// means "not measurable in this run" (e.g. no transaction reached k confirmations).
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Summary {
    pub scenario: String,
    pub seed: u64,
    pub simulated_s: f64,
    pub nodes: u32,
    pub txs_offered: u64,
    pub txs_confirmed: u64,
    pub tps_offered: f64,
    pub tps_confirmed: f64,
    pub confirmations: u32,
    pub inclusion_s_p50: Option<f64>,
    pub inclusion_s_p90: Option<f64>,
    #[serde(default)]
    pub inclusion_s_p99: Option<f64>,
    pub confirmation_s_p50: Option<f64>,
    pub confirmation_s_p90: Option<f64>,
    pub confirmation_s_p99: Option<f64>,
    pub propagation_s_p50: Option<f64>,
    pub propagation_s_p90: Option<f64>,
    pub propagation_s_p100: Option<f64>,
    /// How payments travelled: `gossip` or `shortest-path`.
    #[serde(default)]
    pub tx_relay: String,
    /// Gossip only: median over payments of the time from creation until 50%, 90%
    /// and 100% of the full nodes held it (payments that never got there left out).
    #[serde(default)]
    pub tx_propagation_s_p50: Option<f64>,
    #[serde(default)]
    pub tx_propagation_s_p90: Option<f64>,
    #[serde(default)]
    pub tx_propagation_s_p100: Option<f64>,
    pub block_interval_s_mean: Option<f64>,
    pub blocks_main: u32,
    pub blocks_stale: u32,
    pub stale_rate: f64,
    /// Stale as each node saw it (Gervais et al.'s `sr`): blocks that landed on a
    /// height the node already held, over all blocks nodes held (genesis included),
    /// summed over nodes.
    #[serde(default)]
    pub stale_rate_seen: f64,
    /// Per node, the mean delay from a block's mining to the node having all of it
    /// (before validating it; its own blocks count 0 s); then these quantiles over
    /// nodes (Gervais et al.'s t10, tmedian, t90).
    #[serde(default)]
    pub received_s_node_mean_p10: Option<f64>,
    #[serde(default)]
    pub received_s_node_mean_p50: Option<f64>,
    #[serde(default)]
    pub received_s_node_mean_p90: Option<f64>,
    pub reorgs: u64,
    pub reorg_depth_max: u32,
    pub chain_bytes: u64,
    pub chain_bytes_per_day: f64,
    /// Transactions in blocks that some node accepted and that ended off the main
    /// chain; and of those, how many never made it back into the main chain.
    pub txs_reverted: u64,
    pub txs_reverted_lost: u64,
    /// Light (headers-only) nodes, the payments to their wallets they checked with a
    /// Merkle branch, and the median time from a block being mined to that check.
    pub light_nodes: u32,
    pub light_proofs: u64,
    pub light_proof_s_p50: Option<f64>,
    pub miners: Vec<MinerFigures>,
    pub attacks: Vec<AttackFigures>,
    pub faults: Vec<FaultFigures>,
    pub perf: Option<Perf>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct AttackFigures {
    pub attack: u32,
    pub kind: String,
    pub hashrate: f64,
    /// The merchant's confirmations (double spend), γ when set (selfish), and whether
    /// the double spender pre-mines: what the theory columns were computed for.
    pub confirmations: Option<u32>,
    pub gamma: Option<f64>,
    pub premine: Option<bool>,
    /// Attempts decided (success or given up; selfish: episodes won or lost).
    pub attempts: u32,
    pub successes: u32,
    pub success_rate: Option<f64>,
    /// Standard error of `success_rate` (binomial).
    pub success_rate_se: Option<f64>,
    pub unfinished: u32,
    /// The attacker's share of main-chain blocks.
    pub revenue_share: f64,
    pub blocks_main: u32,
    /// The attacker's own blocks that ended off the main chain: work spent for nothing.
    pub blocks_orphaned: u32,
    pub rewards_forfeited_sat: u128,
    pub time_to_success_s_mean: Option<f64>,
    pub attacker_blocks_to_success_mean: Option<f64>,
    pub reverted_blocks_max: u32,
    pub reverted_txs: u64,
    /// Closed forms at this hashrate (double spend: the attack's confirmations;
    /// selfish: its γ when set), `null` where they do not apply.
    pub theory_nakamoto: Option<f64>,
    pub theory_rosenfeld: Option<f64>,
    pub theory_exact_without_premine: Option<f64>,
    pub theory_eyal_sirer: Option<f64>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct FaultFigures {
    pub fault: u32,
    pub kind: String,
    pub start_s: f64,
    pub end_s: Option<f64>,
    pub nodes: usize,
    pub messages_lost: u64,
    pub reorgs_after: u64,
    pub reorg_depth_max_after: u32,
}
