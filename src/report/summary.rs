//! The figures of `summary.json`, computed from a finished run.

use super::adversary::{attack_figures, fault_figures, reverted_txs};
use crate::ledger::{Amount, BlockId};
use crate::node::RunOutput;
pub use crate::results::summary::{MinerFigures, Perf, Summary};
use crate::scenario::Scenario;
use crate::sim::to_secs;
use std::collections::HashMap;

/// The value below which a fraction `q` of the sorted sample lies (nearest rank).
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// Time for a block to reach a fraction `q` of all nodes, if it did.
/// `arrivals` must be ascending, as [`crate::node::BlockRecord::arrivals`] are.
pub fn block_reach_s(arrivals: &[crate::sim::SimTime], nodes: u32, q: f64) -> Option<f64> {
    debug_assert!(arrivals.is_sorted(), "arrivals are recorded in time order");
    let needed = ((q * f64::from(nodes)).ceil() as usize).max(1);
    arrivals.get(needed - 1).map(|&t| to_secs(t))
}

/// Median over payments of the delay to the `slot`-th reach fraction (50/90/100%).
fn tx_reach(out: &RunOutput, slot: usize) -> Option<f64> {
    let mut delays: Vec<f64> = out
        .tx_reach
        .iter()
        .filter_map(|r| r[slot].map(to_secs))
        .collect();
    delays.sort_by(f64::total_cmp);
    quantile(&delays, 0.5)
}

/// Where and when one payment made it into the final main chain.
#[derive(Clone, Copy, Debug, Default)]
pub struct TxLatency {
    /// Height of the first main-chain block holding it.
    pub height: Option<u32>,
    /// Seconds from creation to that block being mined.
    pub inclusion_s: Option<f64>,
    /// Seconds from creation to the block k − 1 above it being mined (k confirmations).
    pub confirmation_s: Option<f64>,
}

/// One entry per transaction of `out.txs`, in the same order. Confirmation is judged
/// on the final main chain: the view a merchant has once the run has settled.
pub fn tx_latencies(out: &RunOutput, k: u32) -> Vec<TxLatency> {
    let mut first: HashMap<crate::ledger::Txid, (u32, BlockId)> = HashMap::new();
    let main = out.tree.main_chain();
    for &id in main {
        let e = out.tree.entry(id);
        for txid in e.txids.iter().skip(1) {
            first.entry(*txid).or_insert((e.height, id));
        }
    }
    let mined_at = |id: BlockId| out.blocks[id.index()].mined_at;
    out.txs
        .iter()
        .map(|r| match first.get(&r.txid) {
            None => TxLatency::default(),
            Some(&(height, block)) => TxLatency {
                height: Some(height),
                inclusion_s: Some(to_secs(mined_at(block).saturating_sub(r.created))),
                confirmation_s: main
                    .get((height + k - 1) as usize)
                    .map(|&kth| to_secs(mined_at(kth).saturating_sub(r.created))),
            },
        })
        .collect()
}

/// The inclusion and k-confirmation samples, each sorted.
pub fn latency_samples(latencies: &[TxLatency]) -> (Vec<f64>, Vec<f64>) {
    let mut inclusion: Vec<f64> = latencies.iter().filter_map(|l| l.inclusion_s).collect();
    let mut confirmation: Vec<f64> = latencies.iter().filter_map(|l| l.confirmation_s).collect();
    inclusion.sort_by(f64::total_cmp);
    confirmation.sort_by(f64::total_cmp);
    (inclusion, confirmation)
}

/// Main-chain blocks mined in the run, blocks off the main chain, and the main chain's
/// bytes. Blocks of the history (`history:`, ids up to `history`) were mined before
/// the run and are not its figures; a history block that a fork below the tip
/// orphaned counts as stale all the same.
fn chain_counts(out: &RunOutput, main: &[BlockId], history: u32) -> (u32, u32, u64) {
    let tree = &out.tree;
    let blocks_main = main
        .iter()
        .filter(|id| id.index() > history as usize)
        .count() as u32;
    let blocks_stale = (tree.len() as u32 - 1) - tree.best_height();
    let chain_bytes: u64 = (main.iter())
        .filter(|id| id.index() == 0 || id.index() > history as usize)
        .map(|&id| tree.entry(id).size as u64)
        .sum();
    (blocks_main, blocks_stale, chain_bytes)
}

/// Seconds from each valid light-node proof's block being mined to the proof, sorted.
fn light_proof_delays(out: &RunOutput) -> Vec<f64> {
    let mut delays: Vec<f64> = (out.light_proofs.iter())
        .filter(|p| p.valid)
        .map(|p| to_secs(p.at - out.blocks[p.block.index()].mined_at))
        .collect();
    delays.sort_by(f64::total_cmp);
    delays
}

pub fn summarize(sc: &Scenario, out: &RunOutput) -> Summary {
    let tree = &out.tree;
    let duration_s = to_secs(out.end_time).max(1e-9);
    let k = sc.metrics.confirmations;
    let main = tree.main_chain();
    let (inclusion, confirmation) = latency_samples(&tx_latencies(out, k));

    let reach = |q: f64| median_reach(out, sc.network.nodes, q);

    let (blocks_main, blocks_stale, chain_bytes) = chain_counts(out, main, sc.history_blocks());
    let interval_mean = (blocks_main > 0).then(|| {
        to_secs(out.blocks[main.last().unwrap().index()].mined_at) / f64::from(blocks_main)
    });

    let (miners, received) = (miner_figures(out), received_node_means(out));
    let (txs_reverted, txs_reverted_lost) = reverted_txs(out);
    let proof_delays = light_proof_delays(out);
    let cost = super::cost::cost_figures(sc, out, inclusion.len() as u64, chain_bytes);
    let (eclipse, eclipse_trials) = super::eclipse::eclipse_figures(sc);
    let mut backlogs: Vec<f64> = out.uplink_backlogs.iter().map(|&t| to_secs(t)).collect();
    backlogs.sort_by(f64::total_cmp);
    Summary {
        scenario: sc.name.clone(),
        seed: sc.seed,
        simulated_s: duration_s,
        nodes: sc.network.nodes,
        txs_offered: out.txs.len() as u64,
        txs_confirmed: inclusion.len() as u64,
        tps_offered: out.txs.len() as f64 / duration_s,
        tps_confirmed: inclusion.len() as f64 / duration_s,
        confirmations: k,
        inclusion_s_p50: quantile(&inclusion, 0.5),
        inclusion_s_p90: quantile(&inclusion, 0.9),
        inclusion_s_p99: quantile(&inclusion, 0.99),
        confirmation_s_p50: quantile(&confirmation, 0.5),
        confirmation_s_p90: quantile(&confirmation, 0.9),
        confirmation_s_p99: quantile(&confirmation, 0.99),
        propagation_s_p50: reach(0.5),
        propagation_s_p90: reach(0.9),
        propagation_s_p100: reach(1.0),
        tx_relay: out.tx_relay.name().into(),
        tx_propagation_s_p50: tx_reach(out, 0),
        tx_propagation_s_p90: tx_reach(out, 1),
        tx_propagation_s_p100: tx_reach(out, 2),
        block_interval_s_mean: interval_mean,
        blocks_main,
        blocks_stale,
        stale_rate: if blocks_main + blocks_stale > 0 {
            f64::from(blocks_stale) / f64::from(blocks_main + blocks_stale)
        } else {
            0.0
        },
        stale_rate_seen: stale_rate_seen(out),
        received_s_node_mean_p10: quantile(&received, 0.1),
        received_s_node_mean_p50: quantile(&received, 0.5),
        received_s_node_mean_p90: quantile(&received, 0.9),
        block_downloads_per_block: downloads_per_block(out),
        uplink_backlog_s_p99: quantile(&backlogs, 0.99).unwrap_or(0.0),
        uplink_backlog_s_max: backlogs.last().copied().unwrap_or(0.0),
        reorgs: out.reorgs,
        reorg_depth_max: out.reorg_depth_max,
        chain_bytes,
        chain_bytes_per_day: chain_bytes as f64 / duration_s * 86_400.0,
        txs_reverted,
        txs_reverted_lost,
        light_nodes: out.light_nodes,
        light_proofs: out.light_proofs.iter().filter(|p| p.valid).count() as u64,
        light_proof_s_p50: quantile(&proof_delays, 0.5),
        cost,
        joins: super::joins::join_figures(out),
        routing: out.routing.clone().unwrap_or_default(),
        eclipse,
        eclipse_trials,
        miners,
        attacks: attack_figures(out),
        faults: fault_figures(out),
        perf: None,
    }
}

/// Median over mined blocks of the time to reach a fraction `q` of the nodes.
fn median_reach(out: &RunOutput, nodes: u32, q: f64) -> Option<f64> {
    let mut v: Vec<f64> = (out.blocks.iter().skip(1))
        .filter_map(|b| block_reach_s(&b.arrivals, b.present.min(nodes), q))
        .collect();
    v.sort_by(f64::total_cmp);
    quantile(&v, 0.5)
}

/// Σ over nodes of the blocks beyond one per height, over Σ of the blocks held with
/// genesis: what Gervais et al. call the stale rate.
fn stale_rate_seen(out: &RunOutput) -> f64 {
    let (stale, held) = (out.node_seen.iter()).fold((0u64, 0u64), |(s, h), n| {
        (
            s + u64::from(n.connected.saturating_sub(n.height)),
            h + u64::from(n.connected) + 1,
        )
    });
    stale as f64 / held.max(1) as f64
}

/// Each node's mean delay to receive a block, sorted (nodes that received none left out).
fn received_node_means(out: &RunOutput) -> Vec<f64> {
    let mut means: Vec<f64> = (out.node_seen.iter())
        .filter(|n| n.received > 0)
        .map(|n| to_secs(n.received_delay_sum) / f64::from(n.received))
        .collect();
    means.sort_by(f64::total_cmp);
    means
}

/// Σ over nodes of the block messages received, over Σ of the blocks received: how
/// many times a node got each block (Gervais et al.'s bandwidth over block size).
fn downloads_per_block(out: &RunOutput) -> Option<f64> {
    let (messages, blocks) = (out.node_seen.iter()).fold((0u64, 0u64), |(m, b), n| {
        (m + u64::from(n.downloads), b + u64::from(n.received))
    });
    (blocks > 0).then(|| messages as f64 / blocks as f64)
}

/// What a block's coinbase pays out (subsidy and fees).
pub fn coinbase_value(tree: &crate::ledger::BlockTree, id: BlockId) -> Amount {
    let coinbase = &tree.entry(id).block.txdata[0];
    coinbase.total_output().unwrap_or(Amount::ZERO)
}

/// Blocks and revenue per miner (honest miners first, then attackers).
fn miner_figures(out: &RunOutput) -> Vec<MinerFigures> {
    let tree = &out.tree;
    let mut miners: Vec<MinerFigures> = out
        .miner_nodes
        .iter()
        .enumerate()
        .map(|(i, &node)| MinerFigures {
            miner: i as u32,
            node: node.0,
            hashrate_share: out.shares[i],
            blocks_main: 0,
            blocks_stale: 0,
            revenue_sat: 0,
            revenue_share: 0.0,
        })
        .collect();
    for (id, rec) in out.blocks.iter().enumerate().skip(1) {
        let Some(m) = rec.miner else { continue };
        let figures = &mut miners[m.index()];
        if tree.is_on_main_chain(BlockId(id as u32)) {
            figures.blocks_main += 1;
            figures.revenue_sat += u128::from(coinbase_value(tree, BlockId(id as u32)).0);
        } else {
            figures.blocks_stale += 1;
        }
    }
    let revenue_total: u128 = miners.iter().map(|m| m.revenue_sat).sum();
    for m in &mut miners {
        m.revenue_share = if revenue_total > 0 {
            m.revenue_sat as f64 / revenue_total as f64
        } else {
            0.0
        };
    }

    miners
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimTime;

    #[test]
    fn quantiles_use_nearest_rank() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), Some(2.0));
        assert_eq!(quantile(&v, 0.9), Some(4.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn reach_needs_enough_nodes() {
        let arrivals = [SimTime::from_secs(1), SimTime::from_secs(3)];
        assert_eq!(block_reach_s(&arrivals, 4, 0.5), Some(3.0));
        assert_eq!(block_reach_s(&arrivals, 4, 1.0), None);
    }
}
