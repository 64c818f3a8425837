//! The figures of `summary.json` (one flat record: `summary.csv` holds the same as one
//! row) and of the per-miner, per-attack and per-fault tables: the contract's field
//! names and types (docs/results.md), written after a run and read back as untrusted
//! input. Computed in `report`.

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
    /// Block messages nodes received from peers, duplicates included, per block they
    /// received (own blocks counted once, as received): 1 when no block came twice.
    #[serde(default)]
    pub block_downloads_per_block: Option<f64>,
    /// At the stop (before a drain), how long each node's uplink would still be busy
    /// sending what it had queued; the 99th percentile and the largest over nodes (0 where nothing
    /// was queued). Growing with the run's length: queues that never drain.
    #[serde(default)]
    pub uplink_backlog_s_p99: f64,
    #[serde(default)]
    pub uplink_backlog_s_max: f64,
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
    /// What each confirmed payment cost (`report::cost`).
    #[serde(flatten)]
    pub cost: CostFigures,
    /// Nodes that joined and copied the chain (`report::joins`).
    #[serde(flatten)]
    pub joins: JoinFigures,
    /// Routing nodes' connections and address gossip (`node::routing`); zero and
    /// empty without `routing:`.
    #[serde(flatten)]
    pub routing: crate::node::routing::RoutingFigures,
    /// The eclipse attack's trials (`report::eclipse`); absent without `eclipse:`.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub eclipse: Option<EclipseFigures>,
    /// One row per eclipse trial, in eclipse.csv.
    #[serde(skip)]
    pub eclipse_trials: Vec<crate::net::eclipse::Trial>,
    /// In tables of their own (miners.csv, attacks_summary.csv, faults.csv), so that
    /// summary.json is one flat record; `perf` measures the machine, not the run, and
    /// goes to perf.json.
    #[serde(skip)]
    pub miners: Vec<MinerFigures>,
    #[serde(skip)]
    pub attacks: Vec<AttackFigures>,
    #[serde(skip)]
    pub faults: Vec<FaultFigures>,
    #[serde(skip)]
    pub perf: Option<Perf>,
}

/// `summary.json`'s cost fields (flattened into it; docs/results.md), computed in
/// `report::cost`. `None` where no payment was confirmed, or no `cost.coin_price`
/// was given.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(default)]
pub struct CostFigures {
    pub hashes_total: f64,
    pub energy_j_total: f64,
    pub relayed_bytes_total: u64,
    pub cost_hashes_per_tx: Option<f64>,
    pub cost_energy_j_per_tx: Option<f64>,
    pub cost_subsidy_sat_per_tx: Option<f64>,
    pub cost_fees_sat_per_tx: Option<f64>,
    pub cost_paid_usd_per_tx: Option<f64>,
    pub cost_stored_bytes_per_tx: Option<f64>,
    pub cost_relayed_bytes_per_tx: Option<f64>,
}

/// `summary.json`'s eclipse figures (flattened into it; docs/results.md): over the
/// trials, the share of victims eclipsed and its standard error, the attacker's mean
/// share of tried at the restart, and two analyses of Heilman et al. at each trial's
/// share — eq. 3 (bitcoind 0.9.3's selection) and f^outbound (their countermeasure of
/// selection without regard to age) — averaged.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct EclipseFigures {
    /// The attack as run: the attacker's addresses (groups × per group) and τ_ℓ.
    pub eclipse_addresses: u64,
    pub eclipse_attack_s: f64,
    pub eclipse_trials: u32,
    pub eclipse_success: f64,
    pub eclipse_success_se: f64,
    pub eclipse_attacker_share_tried: f64,
    pub eclipse_tried_entries: f64,
    pub eclipse_trash_share_new: f64,
    pub eclipse_p_theory: f64,
    pub eclipse_p_random_selection: f64,
}

/// `summary.json`'s figures of the nodes that joined during the run (flattened into
/// it; docs/results.md), computed in `report::joins`. Zero and `None` without joining.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(default)]
pub struct JoinFigures {
    pub joined_nodes: u32,
    pub synced_nodes: u32,
    pub sync_s_p50: Option<f64>,
    pub sync_s_p90: Option<f64>,
    pub sync_s_max: Option<f64>,
    pub ibd_downloaded_bytes_mean: Option<f64>,
    pub ibd_served_bytes_total: u64,
    pub ibd_served_bytes_max: u64,
    /// Churn: returns of nodes that had left, how many caught up, and how long that
    /// took them.
    pub churn_returns: u32,
    pub churn_resynced: u32,
    pub resync_s_p50: Option<f64>,
    pub resync_s_p90: Option<f64>,
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
    /// Withholding attacks (selfish, stubborn): the ties settled by an honest block,
    /// and the share of them in which that block built on the attacker's — γ as the
    /// run measured it — with its binomial standard error.
    pub ties_settled: Option<u32>,
    pub gamma_measured: Option<f64>,
    pub gamma_measured_se: Option<f64>,
    /// Closed forms at this hashrate (double spend: the attack's confirmations;
    /// selfish: its γ when set, else the measured γ), `null` where they do not apply.
    pub theory_nakamoto: Option<f64>,
    pub theory_rosenfeld: Option<f64>,
    pub theory_exact_without_premine: Option<f64>,
    pub theory_eyal_sirer: Option<f64>,
    /// Eclipse double spend: the success probability at the eclipsed side's share
    /// (attacker and eclipsed miners) with instant blocks (docs/attacks.md).
    #[serde(default)]
    pub theory_eclipse: Option<f64>,
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

/// The summary's fields as (name, value) pairs, in the contract's order: every scalar,
/// for one-row tables (summary.csv) and sweep tables. Numbers are written without
/// float noise ([`number`]).
pub fn scalars(value: &impl Serialize) -> Vec<(String, String)> {
    let json = serde_json::to_value(value).expect("figures serialize");
    let serde_json::Value::Object(map) = json else {
        return Vec::new();
    };
    map.into_iter()
        .filter(|(_, v)| !v.is_array() && !v.is_object())
        .map(|(k, v)| (k, cell(&v)))
        .collect()
}

/// A JSON scalar as a table cell: empty for null, numbers via [`number`].
pub fn cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) if n.is_f64() => number(n.as_f64().unwrap_or(f64::NAN)),
        other => other.to_string(),
    }
}

/// A float with at most 12 significant digits and no trailing zeros (with an
/// exponent from 10^15 on): arithmetic
/// leaves noise in the last places (122893344.00000001) that no measurement has.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.abs() >= 1e15 {
        // Past 2^53 a float is no longer a whole count; write its 12 significant
        // digits with an exponent (hashes run to 10^22 and beyond) rather than a tail of
        // zeros.
        let text = format!("{x:.11e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{exponent}");
    }
    let digits = 12 - (x.abs().log10().floor() as i32 + 1);
    let text = format!("{:.*}", digits.clamp(0, 17) as usize, x);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lose_their_float_noise_not_their_figures() {
        assert_eq!(number(122893344.00000001), "122893344");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(0.00012345678901234), "0.000123456789012");
        assert_eq!(number(-2.5), "-2.5");
        assert_eq!(number(1e14), "100000000000000");
        assert_eq!(number(1e20), "1e20");
        assert_eq!(number(-4.0135184e22), "-4.0135184e22");
        assert_eq!(number(123456789012345678.0), "1.23456789012e17");
        assert_eq!(number(0.0), "0");
    }
}
