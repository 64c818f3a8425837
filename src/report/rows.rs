//! A finished run turned into the results' tables ([`RunResults`]): what is written
//! to the directory and what the plots, the report and the story are drawn from.

use super::summary::{block_reach_s, summarize, tx_latencies};
use crate::ledger::BlockId;
use crate::node::RunOutput;
use crate::results::tables::{
    as_written, secs_as_written as secs, AttackRow, BlockRow, ForkRow, TxRow,
};
use crate::results::RunResults;
use crate::scenario::Scenario;

/// The summary and every table of a run. Times in the tables are held as they are
/// written (to the microsecond), so that the plots drawn now and a later redraw from
/// the files are the same picture.
pub fn results_of(sc: &Scenario, out: &RunOutput) -> RunResults {
    let summary = summarize(sc, out);
    let blocks = block_rows(sc, out);
    RunResults {
        scenario: sc.clone(),
        replay: Some(super::replay::of(sc, &summary, &blocks, out)),
        summary,
        blocks,
        arrivals: (out.blocks.iter())
            .map(|b| b.arrivals.iter().map(|&t| secs(t)).collect())
            .collect(),
        txs: tx_rows(sc, out),
        forks: fork_rows(out),
        attacks: attack_rows(out),
    }
}

fn block_rows(sc: &Scenario, out: &RunOutput) -> Vec<BlockRow> {
    // Fractions of the nodes in the network when the block was mined (all of them
    // unless some had not joined yet or were away).
    let reach = |rec: &crate::node::BlockRecord, q| {
        block_reach_s(&rec.arrivals, rec.present.min(sc.network.nodes), q).map(as_written)
    };
    (out.blocks.iter().enumerate())
        .map(|(id, rec)| {
            let id = BlockId(id as u32);
            let e = out.tree.entry(id);
            BlockRow {
                block: id,
                hash: e.hash,
                height: e.height,
                parent: e.parent,
                miner: rec.miner,
                mined_s: secs(rec.mined_at),
                size_bytes: e.size as u64,
                txs: e.txids.len() as u32,
                fees_sat: e.fees,
                main_chain: out.tree.is_on_main_chain(id),
                reach_s: [reach(rec, 0.5), reach(rec, 0.9), reach(rec, 1.0)],
            }
        })
        .collect()
}

fn tx_rows(sc: &Scenario, out: &RunOutput) -> Vec<TxRow> {
    let latencies = tx_latencies(out, sc.metrics.confirmations);
    let reverted = super::adversary::reverted_set(out);
    let main = out.tree.main_chain();
    (out.txs.iter().zip(&latencies))
        .map(|(r, l)| TxRow {
            txid: r.txid,
            created_s: secs(r.created),
            origin_node: r.origin,
            size_bytes: r.size as u64,
            fee_sat: r.fee,
            block_height: l.height,
            block_hash: l.height.map(|h| out.tree.entry(main[h as usize]).hash),
            reverted: reverted.contains(&r.txid),
            inclusion_s: l.inclusion_s.map(as_written),
            confirmation_s: l.confirmation_s.map(as_written),
        })
        .collect()
}

fn fork_rows(out: &RunOutput) -> Vec<ForkRow> {
    (out.tree.stale_branch_depths().into_iter())
        .map(|(tip, depth)| {
            let height = out.tree.entry(tip).height;
            ForkRow {
                stale_tip: tip,
                height,
                fork_height: height - depth,
                depth_blocks: depth,
            }
        })
        .collect()
}

fn attack_rows(out: &RunOutput) -> Vec<AttackRow> {
    let mut rows = Vec::new();
    for (i, attack) in out.attacks.iter().enumerate() {
        for (n, r) in attack.records.iter().enumerate() {
            rows.push(AttackRow {
                attack: i as u32,
                kind: attack.plan.strategy.kind().to_string(),
                attempt: n as u32 + 1,
                started_s: secs(r.started),
                ended_s: r.ended.map(secs),
                outcome: r.outcome.as_str().to_string(),
                confirmed_s: r.confirmed_at.map(secs),
                released_s: r.released_at.map(secs),
                attacker_blocks: r.attacker_blocks,
                reverted_blocks: r.reverted_blocks,
                reverted_txs: r.reverted_txs,
            });
        }
    }
    rows
}
