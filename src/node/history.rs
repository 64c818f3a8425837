//! A chain already grown when the run starts (`history:`): `blocks` blocks above
//! genesis, each a coinbase padded to `block_bytes` paying an unspendable output,
//! with real proof of work at the scenario's difficulty and valid by every rule. Every
//! node there at the start holds them; a joining node starts from genesis and copies
//! them (initial block download at a realistic chain size, issue #18).
//!
//! Their header times end at the run's start and are spaced so that each retarget
//! period measures exactly its target timespan — the retarget leaves the difficulty as
//! it is, as in a chain whose hashrate was steady: one interval apart, except that the
//! first gap of each period is two intervals and the gap into the next period
//! (which no retarget measures, Bitcoin's off-by-one) is zero.

use super::chain_view::ChainViews;
use super::mining::GENESIS_TIME;
use super::recorder::Recorder;
use crate::ledger::{builder, script, BlockId, BlockTree, Transaction};
use crate::net::NodeId;

/// What `history:` asks for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HistoryPlan {
    pub blocks: u32,
    pub block_bytes: usize,
}

/// Seconds from the block at `height − 1` to the block at `height`.
fn gap(height: u32, retarget_interval: u32, interval_s: u32) -> u32 {
    match retarget_interval {
        0 => interval_s,
        i if height % i == 0 => 0,
        i if height % i == 1 => 2 * interval_s,
        _ => interval_s,
    }
}

/// Genesis's header time: the history's gaps before the run's start.
pub fn genesis_time(plan: Option<HistoryPlan>, retarget_interval: u32, interval_s: u32) -> u32 {
    let Some(h) = plan else {
        return GENESIS_TIME;
    };
    let span: u64 = (1..=h.blocks)
        .map(|height| u64::from(gap(height, retarget_interval, interval_s)))
        .sum();
    // The scenario check bounds the history's span well below GENESIS_TIME.
    GENESIS_TIME - u32::try_from(span).expect("checked: the history spans under 50 years")
}

/// Grows the history on genesis; returns its blocks, lowest first.
pub fn grow(tree: &mut BlockTree, h: HistoryPlan, interval_s: u32) -> Vec<BlockId> {
    let retarget = tree.params().retarget.interval;
    let mut out = Vec::with_capacity(h.blocks as usize);
    for height in 1..=h.blocks {
        let parent = tree.best();
        let time = tree.entry(parent).block.header.time + gap(height, retarget, interval_s);
        let ctx = tree.child_context(parent, time);
        let value = tree.params().block_subsidy(height);
        let tag = b"chainlab history";
        let mut coinbase = builder::coinbase(height, script::op_return(tag), value, tag);
        let used = 80 + 1 + coinbase.size();
        builder::pad_coinbase(&mut coinbase, h.block_bytes.saturating_sub(used));
        let parent_hash = tree.entry(parent).hash;
        let mut block =
            builder::assemble(parent_hash, &ctx, time, coinbase, Vec::<Transaction>::new());
        builder::solve(&mut block);
        let now = block.header.time;
        let accepted = tree
            .add_block(block, now)
            .expect("history blocks are valid");
        out.push(accepted.id());
    }
    out
}

/// Every node there at the start holds the history (`joining` ones do not); the
/// recorder keeps a row per history block, mined before the run by nobody.
pub fn hand_out(
    views: &mut ChainViews,
    rec: &mut Recorder,
    blocks: &[BlockId],
    joins_empty: impl Fn(NodeId) -> bool,
) {
    let held: Vec<bool> = NodeId::all(views.nodes())
        .map(|n| !joins_empty(n))
        .collect();
    for &b in blocks {
        views.add_held_block(b, &held);
        rec.history_block(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each period's measured span (its first block to its last) is exactly the
    /// target, and a period takes `interval` intervals in all.
    #[test]
    fn every_period_measures_its_target() {
        for (i, t) in [(2u32, 60u32), (10, 600), (2016, 600)] {
            let times: Vec<u64> = std::iter::once(0)
                .chain((1..=3 * i).scan(0u64, |acc, h| {
                    *acc += u64::from(gap(h, i, t));
                    Some(*acc)
                }))
                .collect();
            for k in 1..=3u32 {
                let (first, last) = ((k - 1) * i, k * i - 1);
                let span = times[last as usize] - times[first as usize];
                assert_eq!(
                    span,
                    u64::from(i) * u64::from(t),
                    "interval {i}, period {k}"
                );
                assert_eq!(times[(k * i) as usize], u64::from(k * i) * u64::from(t));
            }
        }
    }
}
