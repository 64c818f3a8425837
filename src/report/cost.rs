//! What each confirmed transaction cost (issue #18, the article's measure of a chain's
//! competitiveness): hashes and energy, subsidy and fees paid, bytes stored and bytes
//! relayed, each over the payments in the final main chain.
//!
//! Hashes are counted from the blocks found, not from hashrate × time: every hash
//! succeeds with probability 1 / work, so the sum of the found blocks' work is an
//! unbiased count of the hashes tried — whoever tried them, crashed or not, at whatever
//! the schedule and the retarget made the rate — with a relative standard error of
//! about 1 / √blocks. The simulated difficulty is scaled down; `cost.hashrate` scales
//! it back to the network it stands for.

use crate::ledger::BlockId;
use crate::node::plan::TxRelayKind;
use crate::node::RunOutput;
pub use crate::results::summary::CostFigures;
use crate::scenario::Scenario;

/// The run's cost figures; `confirmed` payments are in the final main chain, whose
/// blocks hold `chain_bytes`.
pub fn cost_figures(
    sc: &Scenario,
    out: &RunOutput,
    confirmed: u64,
    chain_bytes: u64,
) -> CostFigures {
    let tree = &out.tree;
    let work = |id: BlockId| {
        let bits = tree.entry(id).block.header.bits;
        bits.work().map_or(0.0, |w| w.to_f64())
    };
    // Simulated hashes → real ones: a block at the starting difficulty (genesis's bits,
    // which the first retarget period keeps) stands for `cost.hashrate` × the interval.
    let interval_s = sc.consensus.block_interval.secs();
    let scale = sc.cost.real_hashes_per_block(interval_s) / work(BlockId(0)).max(1.0);
    // The history's blocks (ids 1 to `history`) were mined before the run.
    let history = sc.history_blocks();
    let simulated: f64 = (history + 1..tree.len() as u32)
        .map(|i| work(BlockId(i)))
        .sum();
    let hashes_total = simulated * scale;
    let (mut subsidy, mut fees) = (0u128, 0u128);
    for &id in tree.main_chain().iter().skip(1 + history as usize) {
        let paid = u128::from(super::summary::coinbase_value(tree, id).0);
        let fee = u128::from(tree.entry(id).fees.0).min(paid);
        subsidy += paid - fee;
        fees += fee;
    }
    let relayed_bytes_total = out.relayed_bytes + unrelayed_payment_bytes(sc, out);
    let per_tx = |x: f64| (confirmed > 0).then(|| x / confirmed as f64);
    let paid_coins = (subsidy + fees) as f64 / 1e8;
    CostFigures {
        hashes_total,
        energy_j_total: hashes_total * sc.cost.joules_per_hash,
        relayed_bytes_total,
        cost_hashes_per_tx: per_tx(hashes_total),
        cost_energy_j_per_tx: per_tx(hashes_total * sc.cost.joules_per_hash),
        cost_subsidy_sat_per_tx: per_tx(subsidy as f64),
        cost_fees_sat_per_tx: per_tx(fees as f64),
        cost_paid_usd_per_tx: (sc.cost.coin_price).and_then(|p| per_tx(paid_coins * p)),
        cost_stored_bytes_per_tx: per_tx(chain_bytes as f64),
        cost_relayed_bytes_per_tx: per_tx(relayed_bytes_total as f64),
    }
}

/// With `workload.relay: shortest-path` payments reach miners without travelling on
/// the transport; counted here as gossip delivers them: once to every full node but
/// the one that made them (announcements and requests not counted).
fn unrelayed_payment_bytes(sc: &Scenario, out: &RunOutput) -> u64 {
    if out.tx_relay != TxRelayKind::ShortestPath {
        return 0;
    }
    let receivers = u64::from(sc.network.nodes - out.light_nodes).saturating_sub(1);
    let bytes: u64 = out.txs.iter().map(|t| t.size as u64).sum();
    bytes * receivers
}
