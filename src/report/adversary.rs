//! Figures for attacks and faults: summary.json's `attacks` and `faults`, and
//! `attacks.csv` (one row per attempt or selfish episode).

use super::theory;
use crate::ledger::BlockId;
use crate::node::plan::StrategyPlan;
use crate::node::Outcome;
use crate::node::{AttackOutput, RunOutput};
pub use crate::results::summary::{AttackFigures, FaultFigures};
use crate::sim::to_secs;

pub fn attack_figures(out: &RunOutput) -> Vec<AttackFigures> {
    let tree = &out.tree;
    let main_blocks = f64::from(tree.best_height().max(1));
    out.attacks
        .iter()
        .enumerate()
        .map(|(i, attack)| {
            let decided: Vec<_> = attack
                .records
                .iter()
                .filter(|r| r.outcome != Outcome::Unfinished)
                .collect();
            let wins: Vec<_> = decided
                .iter()
                .filter(|r| r.outcome == Outcome::Success)
                .collect();
            let n = decided.len() as u32;
            let rate = (n > 0).then(|| wins.len() as f64 / f64::from(n));
            let (blocks_main, orphaned, forfeited) = attacker_blocks(out, attack.miner);
            let mean =
                |v: Vec<f64>| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
            let q = attack.plan.hashrate;
            let (ties, gamma_measured, gamma_measured_se) = measured_gamma(attack);
            let (nakamoto, rosenfeld, strict, eyal_sirer) =
                theory_columns(&attack.plan.strategy, q, gamma_measured);
            let (confirmations, gamma, premine) = settings(&attack.plan.strategy);
            AttackFigures {
                attack: i as u32,
                kind: attack.plan.strategy.kind().to_string(),
                hashrate: q,
                confirmations,
                gamma,
                premine,
                attempts: n,
                successes: wins.len() as u32,
                success_rate: rate,
                success_rate_se: rate.map(|r| (r * (1.0 - r) / f64::from(n)).sqrt()),
                unfinished: attack.records.len() as u32 - n,
                revenue_share: f64::from(blocks_main) / main_blocks,
                blocks_main,
                blocks_orphaned: orphaned,
                rewards_forfeited_sat: forfeited,
                time_to_success_s_mean: mean(
                    wins.iter()
                        .filter_map(|r| Some(to_secs(r.ended? - r.started)))
                        .collect(),
                ),
                attacker_blocks_to_success_mean: mean(
                    wins.iter().map(|r| f64::from(r.attacker_blocks)).collect(),
                ),
                reverted_blocks_max: attack
                    .records
                    .iter()
                    .map(|r| r.reverted_blocks)
                    .max()
                    .unwrap_or(0),
                reverted_txs: attack
                    .records
                    .iter()
                    .map(|r| u64::from(r.reverted_txs))
                    .sum(),
                ties_settled: ties,
                gamma_measured,
                gamma_measured_se,
                theory_nakamoto: nakamoto,
                theory_rosenfeld: rosenfeld,
                theory_exact_without_premine: strict,
                theory_eyal_sirer: eyal_sirer,
                theory_eclipse: theory_eclipse(out, attack),
            }
        })
        .collect()
}

pub fn fault_figures(out: &RunOutput) -> Vec<FaultFigures> {
    out.faults
        .iter()
        .enumerate()
        .map(|(i, f)| FaultFigures {
            fault: i as u32,
            kind: f.kind.to_string(),
            start_s: to_secs(f.start),
            end_s: f.end.map(to_secs),
            nodes: f.nodes,
            messages_lost: f.messages_lost,
            reorgs_after: f.reorgs_after,
            reorg_depth_max_after: f.reorg_depth_max_after,
        })
        .collect()
}

/// The transactions of blocks that some node accepted but that ended off the main
/// chain.
pub fn reverted_set(out: &RunOutput) -> std::collections::BTreeSet<crate::ledger::Txid> {
    let tree = &out.tree;
    let mut reverted = std::collections::BTreeSet::new();
    for (id, rec) in out.blocks.iter().enumerate().skip(1) {
        let id = BlockId(id as u32);
        if rec.arrivals.is_empty() || tree.is_on_main_chain(id) {
            continue;
        }
        reverted.extend(tree.entry(id).txids.iter().skip(1).copied());
    }
    reverted
}

/// Transactions in blocks that some node accepted but that ended off the main chain
/// (confirmed, then reverted), and how many of those never made the main chain.
pub fn reverted_txs(out: &RunOutput) -> (u64, u64) {
    let tree = &out.tree;
    let reverted = reverted_set(out);
    if reverted.is_empty() {
        return (0, 0);
    }
    // The tx index keeps only a transaction's first block, which may be the reverted
    // one, so look for re-mined copies on the main chain itself.
    let on_main: std::collections::HashSet<_> = tree
        .main_chain()
        .iter()
        .flat_map(|&b| tree.entry(b).txids.iter().copied())
        .collect();
    let lost = reverted.iter().filter(|t| !on_main.contains(*t)).count();
    (reverted.len() as u64, lost as u64)
}

type Theory = (Option<f64>, Option<f64>, Option<f64>, Option<f64>);

/// Ties settled by an honest block, the share built on the attacker's block, and its
/// standard error: withholding strategies only.
fn measured_gamma(attack: &AttackOutput) -> (Option<u32>, Option<f64>, Option<f64>) {
    if !matches!(
        attack.plan.strategy,
        StrategyPlan::Selfish { .. } | StrategyPlan::Stubborn { .. }
    ) {
        return (None, None, None);
    }
    let n = attack.ties.settled_by_honest;
    let g = (n > 0).then(|| f64::from(attack.ties.honest_on_attacker) / f64::from(n));
    (Some(n), g, g.map(|g| (g * (1.0 - g) / f64::from(n)).sqrt()))
}

/// The closed forms at hashrate `q` (Nakamoto, Rosenfeld, the exact count without a
/// premine, Eyal–Sirer at the set γ, else at the measured one), where they apply.
fn theory_columns(strategy: &StrategyPlan, q: f64, measured: Option<f64>) -> Theory {
    match *strategy {
        StrategyPlan::DoubleSpend {
            confirmations: z, ..
        } => (
            Some(theory::nakamoto(q, z)),
            Some(theory::rosenfeld(q, z)),
            Some(theory::exact_without_premine(q, z)),
            None,
        ),
        StrategyPlan::Selfish { gamma } => (
            None,
            None,
            None,
            gamma.or(measured).map(|g| theory::selfish_revenue(q, g)),
        ),
        _ => (None, None, None, None),
    }
}

/// The eclipse double spend's success at the eclipsed side's share: the attacker's
/// and its eclipsed miners'.
fn theory_eclipse(out: &RunOutput, attack: &AttackOutput) -> Option<f64> {
    let StrategyPlan::EclipseSpend {
        confirmations,
        miners,
        ..
    } = &attack.plan.strategy
    else {
        return None;
    };
    let eclipsed: f64 = miners.iter().map(|m| out.shares[m.index()]).sum();
    let s = attack.plan.hashrate + eclipsed;
    Some(theory::eclipse_double_spend(s, *confirmations))
}

/// What the theory columns were computed for: confirmations, γ, premine.
fn settings(strategy: &StrategyPlan) -> (Option<u32>, Option<f64>, Option<bool>) {
    match *strategy {
        StrategyPlan::DoubleSpend {
            confirmations,
            premine,
            ..
        } => (Some(confirmations), None, Some(premine)),
        StrategyPlan::EclipseSpend { confirmations, .. } => (Some(confirmations), None, None),
        StrategyPlan::Selfish { gamma: Some(g) }
        | StrategyPlan::Stubborn { gamma: Some(g), .. } => (None, Some(g), None),
        _ => (None, None, None),
    }
}

/// The attacker's blocks on the main chain, its orphaned ones, and the rewards those
/// forfeited.
fn attacker_blocks(out: &RunOutput, miner: crate::node::MinerId) -> (u32, u32, u128) {
    let tree = &out.tree;
    let (mut blocks_main, mut orphaned, mut forfeited) = (0, 0, 0u128);
    for (id, rec) in out.blocks.iter().enumerate().skip(1) {
        if rec.miner != Some(miner) {
            continue;
        }
        if tree.is_on_main_chain(BlockId(id as u32)) {
            blocks_main += 1;
        } else {
            orphaned += 1;
            forfeited += u128::from(super::summary::coinbase_value(tree, BlockId(id as u32)).0);
        }
    }
    (blocks_main, orphaned, forfeited)
}
