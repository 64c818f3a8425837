//! A run told in plain sentences, block by block, for classrooms (`chainlab explain`
//! and report.html).

use crate::ledger::BlockId;
use crate::results::RunResults;
use std::fmt::Write as _;

/// Sentences for the first `limit` blocks, then the outcome.
pub fn tell(run: &RunResults, limit: usize) -> Vec<String> {
    let summary = &run.summary;
    let mut lines = vec![opening(run)];
    let block = |b: BlockId| &run.blocks[b.index()];
    // The history's blocks (ids 1 to `history`) were there before the run began.
    let history = run.scenario.history_blocks();
    let mut order: Vec<BlockId> = (history + 1..run.blocks.len() as u32)
        .map(BlockId)
        .collect();
    order.sort_by(|&a, &b| {
        block(a)
            .mined_s
            .total_cmp(&block(b).mined_s)
            .then(a.cmp(&b))
    });
    // Attackers are the last miners.
    let attackers = run.miners() - summary.attacks.len();
    // Blocks, faults and attack attempts in the order they happened (at the same moment
    // a fault or an attack comes first: it is what the block then met).
    let mut moments: Vec<(f64, u8, String)> = (order.iter().take(limit))
        .map(|&b| {
            (
                block(b).mined_s,
                1,
                block_sentence(run, &order, b, attackers),
            )
        })
        .collect();
    moments.extend(super::story_events::faults(summary));
    moments.extend(super::story_events::attacks(run));
    moments.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    // Past the last block told, faults and attacks follow the "more blocks" line.
    let told_until = match order.get(limit) {
        Some(&next) => block(next).mined_s,
        None => f64::INFINITY,
    };
    let later = moments.iter().position(|m| m.0 >= told_until);
    let rest = later.map_or(Vec::new(), |i| moments.split_off(i));
    lines.extend(moments.into_iter().map(|(_, _, line)| line));
    if order.len() > limit {
        lines.push(format!(
            "... {} more blocks (chainlab explain --limit N shows more).",
            order.len() - limit
        ));
    }
    lines.extend(
        rest.into_iter()
            .map(|(_, _, line)| format!("Later: {line}")),
    );
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

/// The first sentence: the network, the miners, the target interval beside the one
/// measured, the payments offered.
fn opening(run: &RunResults) -> String {
    let (sc, summary) = (&run.scenario, &run.summary);
    let measured = summary.block_interval_s_mean.map_or(String::new(), |m| {
        format!(" ({m:.1} s measured in this run)")
    });
    let history = sc.history.as_ref().map_or(String::new(), |h| {
        format!(
            " The chain was {} blocks of {} long when the run began.",
            h.blocks, h.block_bytes
        )
    });
    format!(
        "{} (seed {}): {} nodes, {} miners, a target of one block every {}{measured}, {} payments offered per second.{history}",
        sc.name,
        sc.seed,
        sc.network.nodes,
        run.miners(),
        sc.consensus.block_interval,
        sc.workload.tx_rate.0
    )
}

/// What happened to one block: who found it on top of what, rivals at its height, how
/// far it spread, whether it ended stale.
fn block_sentence(run: &RunResults, order: &[BlockId], b: BlockId, attackers: usize) -> String {
    let n = run.scenario.network.nodes;
    let block = |b: BlockId| &run.blocks[b.index()];
    let entry = block(b);
    let arrivals = &run.arrivals[b.index()];
    let parent = entry.parent.unwrap_or(BlockId::GENESIS);
    let who = match entry.miner {
        Some(m) if m.index() >= attackers => format!("attacker {}", m.index() - attackers),
        Some(m) => format!("miner {m}"),
        None => "someone".into(),
    };
    let mut s = format!(
        "t={:.1}s {who} found block {b} (height {}) on top of block {parent}, with {} payment(s)",
        entry.mined_s,
        entry.height,
        entry.txs - 1
    );
    let rivals: Vec<BlockId> = order
        .iter()
        .copied()
        .filter(|&o| o != b && block(o).height == entry.height && block(o).mined_s < entry.mined_s)
        .collect();
    if !rivals.is_empty() {
        let list: Vec<String> = rivals.iter().map(|r| format!("block {r}")).collect();
        let _ = write!(
            s,
            " — a fork: it competes with {} at that height",
            list.join(" and ")
        );
    }
    match (entry.reach_s[0], entry.reach_s[2]) {
        (Some(half), Some(all)) => {
            let _ = write!(
                s,
                "; half the nodes had it after {half:.1} s, all after {all:.1} s"
            );
        }
        (Some(half), None) => {
            let share = arrivals.len() as f64 / f64::from(n) * 100.0;
            let _ = write!(
                s,
                "; half the nodes had it after {half:.1} s, {share:.0}% in the end"
            );
        }
        _ => {
            let share = arrivals.len() as f64 / f64::from(n) * 100.0;
            let _ = write!(s, "; only {share:.0}% of nodes ever took it");
        }
    }
    if !entry.main_chain {
        s.push_str(". It ends stale: the longest chain grew elsewhere");
    }
    s.push('.');
    s
}
