//! A run told in plain sentences, block by block, for classrooms (`chainlab explain`
//! and report.html).

use super::summary::{block_reach_s, Summary};
use crate::ledger::BlockId;
use crate::node::RunOutput;
use crate::scenario::Scenario;
use crate::sim::to_secs;
use std::fmt::Write as _;

/// Sentences for the first `limit` blocks, then the outcome.
pub fn tell(sc: &Scenario, out: &RunOutput, summary: &Summary, limit: usize) -> Vec<String> {
    let tree = &out.tree;
    let n = sc.network.nodes;
    let mut lines = vec![format!(
        "{} (seed {}): {} nodes, {} miners, one block every {} on average, {} payments offered per second.",
        sc.name,
        sc.seed,
        n,
        out.miner_nodes.len(),
        sc.consensus.block_interval,
        sc.workload.tx_rate.0
    )];
    let mut order: Vec<BlockId> = (1..out.blocks.len() as u32).map(BlockId).collect();
    order.sort_by_key(|&b| (out.blocks[b.index()].mined_at, b));
    // Attackers are the last miners (also when the run was reloaded from its files).
    let attackers = out.miner_nodes.len() - summary.attacks.len();
    for &b in order.iter().take(limit) {
        let rec = &out.blocks[b.index()];
        let entry = tree.entry(b);
        let parent = entry.parent.unwrap_or(BlockId::GENESIS);
        let who = match rec.miner {
            Some(m) if m.index() >= attackers => format!("attacker {}", m.index() - attackers),
            Some(m) => format!("miner {m}"),
            None => "someone".into(),
        };
        let mut s = format!(
            "t={:.1}s {who} found block {b} (height {}) on top of block {parent}, with {} payment(s)",
            to_secs(rec.mined_at),
            entry.height,
            entry.txids.len() - 1
        );
        let rivals: Vec<BlockId> = order
            .iter()
            .copied()
            .filter(|&o| {
                o != b
                    && tree.entry(o).height == entry.height
                    && out.blocks[o.index()].mined_at < rec.mined_at
            })
            .collect();
        if !rivals.is_empty() {
            let list: Vec<String> = rivals.iter().map(|r| format!("block {r}")).collect();
            let _ = write!(
                s,
                " — a fork: it competes with {} at that height",
                list.join(" and ")
            );
        }
        match (
            block_reach_s(&rec.arrivals, n, 0.5),
            block_reach_s(&rec.arrivals, n, 1.0),
        ) {
            (Some(half), Some(all)) => {
                let _ = write!(
                    s,
                    "; half the nodes had it after {half:.1} s, all after {all:.1} s"
                );
            }
            (Some(half), None) => {
                let share = rec.arrivals.len() as f64 / f64::from(n) * 100.0;
                let _ = write!(
                    s,
                    "; half the nodes had it after {half:.1} s, {share:.0}% in the end"
                );
            }
            _ => {
                let share = rec.arrivals.len() as f64 / f64::from(n) * 100.0;
                let _ = write!(s, "; only {share:.0}% of nodes ever took it");
            }
        }
        if !tree.is_on_main_chain(b) {
            s.push_str(". It ends stale: the longest chain grew elsewhere");
        }
        s.push('.');
        lines.push(s);
    }
    if order.len() > limit {
        lines.push(format!(
            "... {} more blocks (chainlab explain --limit N shows more).",
            order.len() - limit
        ));
    }
    for (i, a) in summary.attacks.iter().enumerate() {
        lines.push(format!(
            "Attack {i} ({}, {:.0}% of the hashrate): {} of {} attempts succeeded; it earned {:.1}% of main-chain blocks.",
            a.kind,
            a.hashrate * 100.0,
            a.successes,
            a.attempts,
            a.revenue_share * 100.0
        ));
    }
    let conf = summary
        .confirmation_s_p50
        .map(|c| {
            format!(
                "a payment took {c:.0} s to get {} confirmations (median)",
                summary.confirmations
            )
        })
        .unwrap_or_else(|| "no payment reached the confirmations counted".into());
    lines.push(format!(
        "In the end: {} blocks on the main chain and {} stale ({:.1}%); nodes switched to another branch {} times in all (deepest: {} block(s) abandoned); {conf}.",
        summary.blocks_main,
        summary.blocks_stale,
        summary.stale_rate * 100.0,
        summary.reorgs,
        summary.reorg_depth_max
    ));
    lines
}
