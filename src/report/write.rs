//! Writing the results directory atomically: everything goes to a fresh sibling
//! directory that replaces the target only when complete, and only if the target is
//! free or a results directory chainlab wrote (`results::outdir`), so a failed run never
//! leaves a half-written directory and never removes anything it did not create.

use super::summary::{block_reach_s, tx_latencies, Summary};
use crate::node::RunOutput;
use crate::results::Staging;
use crate::scenario::Scenario;
use crate::sim::to_secs;
use anyhow::Result;
use std::path::Path;

pub fn write_results(dir: &Path, sc: &Scenario, out: &RunOutput, summary: &Summary) -> Result<()> {
    let staging = Staging::begin(dir)?;
    write_all(staging.path(), sc, out, summary)?;
    staging.commit()?;
    Ok(())
}

fn write_all(dir: &Path, sc: &Scenario, out: &RunOutput, summary: &Summary) -> Result<()> {
    std::fs::write(dir.join("scenario.resolved.yaml"), sc.to_yaml())?;
    let mut json = serde_json::to_string_pretty(summary)?;
    json.push('\n');
    std::fs::write(dir.join("summary.json"), json)?;
    write_blocks(dir, sc, out)?;
    write_txs(dir, sc, out)?;
    write_propagation(dir, out)?;
    write_forks(dir, out)?;
    super::adversary::write_attacks_csv(dir, out)?;
    write_chain(dir, out)?;
    write_trace(dir, out)?;
    super::plots::draw_plots(dir, sc, out, summary)?;
    super::html::write_report(dir, sc, out, summary)?;
    Ok(())
}

fn write_blocks(dir: &Path, sc: &Scenario, out: &RunOutput) -> Result<()> {
    let mut w = csv::Writer::from_path(dir.join("blocks.csv"))?;
    w.write_record([
        "block",
        "hash",
        "height",
        "parent",
        "miner",
        "mined_s",
        "size_bytes",
        "txs",
        "fees_sat",
        "main_chain",
        "reach50_s",
        "reach90_s",
        "reach100_s",
    ])?;
    let opt = |v: Option<f64>| v.map(|x| format!("{x:.6}")).unwrap_or_default();
    for (id, rec) in out.blocks.iter().enumerate() {
        let e = out.tree.entry(crate::ledger::BlockId(id as u32));
        w.write_record([
            id.to_string(),
            e.hash.to_string(),
            e.height.to_string(),
            e.parent.map(|p| p.to_string()).unwrap_or_default(),
            rec.miner.map(|m| m.to_string()).unwrap_or_default(),
            format!("{:.6}", to_secs(rec.mined_at)),
            e.size.to_string(),
            e.txids.len().to_string(),
            e.fees.to_string(),
            out.tree
                .is_on_main_chain(crate::ledger::BlockId(id as u32))
                .to_string(),
            opt(block_reach_s(&rec.arrivals, sc.network.nodes, 0.5)),
            opt(block_reach_s(&rec.arrivals, sc.network.nodes, 0.9)),
            opt(block_reach_s(&rec.arrivals, sc.network.nodes, 1.0)),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn write_txs(dir: &Path, sc: &Scenario, out: &RunOutput) -> Result<()> {
    let latencies = tx_latencies(out, sc.metrics.confirmations);
    let mut w = csv::Writer::from_path(dir.join("txs.csv"))?;
    w.write_record([
        "txid",
        "created_s",
        "origin_node",
        "size_bytes",
        "fee_sat",
        "block_height",
        "inclusion_s",
        "confirmation_s",
    ])?;
    let opt = |v: Option<f64>| v.map(|x| format!("{x:.6}")).unwrap_or_default();
    for (r, l) in out.txs.iter().zip(&latencies) {
        w.write_record([
            r.txid.to_string(),
            format!("{:.6}", to_secs(r.created)),
            r.origin.to_string(),
            r.size.to_string(),
            r.fee.to_string(),
            l.height.map(|h| h.to_string()).unwrap_or_default(),
            opt(l.inclusion_s),
            opt(l.confirmation_s),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// One row per (block, node reached), in the order nodes got it: the propagation CDF.
fn write_propagation(dir: &Path, out: &RunOutput) -> Result<()> {
    let mut w = csv::Writer::from_path(dir.join("propagation.csv"))?;
    w.write_record(["block", "nodes_reached", "delay_s"])?;
    for (id, rec) in out.blocks.iter().enumerate().skip(1) {
        for (i, t) in rec.arrivals.iter().enumerate() {
            w.write_record([
                id.to_string(),
                (i + 1).to_string(),
                format!("{:.6}", to_secs(*t)),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

fn write_forks(dir: &Path, out: &RunOutput) -> Result<()> {
    let mut w = csv::Writer::from_path(dir.join("forks.csv"))?;
    w.write_record(["stale_tip", "height", "fork_height", "depth_blocks"])?;
    for (tip, depth) in out.tree.stale_branch_depths() {
        let h = out.tree.entry(tip).height;
        w.write_record([
            tip.to_string(),
            h.to_string(),
            (h - depth).to_string(),
            depth.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Every block in the tree, in the order the tree received them (genesis first), as
/// consensus-encoded bytes each behind a 4-byte little-endian length: what
/// `chainlab inspect` reloads and re-validates.
fn write_chain(dir: &Path, out: &RunOutput) -> Result<()> {
    use crate::ledger::encode::Encodable;
    let mut bytes = Vec::new();
    for entry in out.tree.entries() {
        let block = entry.block.to_bytes();
        bytes.extend_from_slice(&(block.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&block);
    }
    std::fs::write(dir.join(CHAIN_FILE), bytes)?;
    Ok(())
}

pub const CHAIN_FILE: &str = "chain.dat";

/// `trace.csv`, when the run traced: one row per event, in the order the engine ran them.
fn write_trace(dir: &Path, out: &RunOutput) -> Result<()> {
    let Some(rows) = &out.trace else {
        return Ok(());
    };
    let mut w = csv::Writer::from_path(dir.join("trace.csv"))?;
    w.write_record(["time_s", "node", "kind", "block", "detail"])?;
    for r in rows {
        w.write_record([
            format!("{:.9}", to_secs(r.time)),
            r.node.map(|n| n.to_string()).unwrap_or_default(),
            r.kind.to_string(),
            r.block.map(|b| b.to_string()).unwrap_or_default(),
            r.detail.clone(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
