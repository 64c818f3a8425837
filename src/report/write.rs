//! Writing the results directory atomically: everything goes to a fresh sibling
//! directory that replaces the target only when complete, and only if the target is
//! free or a results directory chainlab wrote (`results::outdir`), so a failed run never
//! leaves a half-written directory and never removes anything it did not create.

use crate::node::RunOutput;
use crate::results::record::Record;
use crate::results::tables::{write_table, ArrivalRow};
use crate::results::{RunResults, Staging};
use crate::sim::to_secs;
use anyhow::Result;
use std::path::Path;

pub fn write_results(dir: &Path, results: &RunResults, out: &RunOutput) -> Result<()> {
    let staging = Staging::begin(dir)?;
    write_all(staging.path(), results, out, Default::default())?;
    staging.commit()?;
    Ok(())
}

/// Writes the scenario, the summary and the record only (`--lean`).
pub fn write_lean(dir: &Path, results: &RunResults) -> Result<()> {
    let yaml = write_scenario(dir, &results.scenario)?;
    write_summary(dir, &results.summary)?;
    Record::new(Some(&yaml), vec![results.scenario.seed]).seal(dir)?;
    Ok(())
}

/// Writes every file of the results into `dir` (a staging directory).
pub fn write_all(
    dir: &Path,
    results: &RunResults,
    out: &RunOutput,
    style: super::plots::PlotStyle,
) -> Result<()> {
    let yaml = write_scenario(dir, &results.scenario)?;
    write_summary(dir, &results.summary)?;
    write_table(dir, results.blocks.iter().cloned())?;
    write_table(dir, results.txs.iter().cloned())?;
    write_table(dir, arrival_rows(results))?;
    write_table(dir, results.forks.iter().cloned())?;
    if !results.scenario.attacks.is_empty() {
        write_table(dir, results.attacks.iter().cloned())?;
    }
    write_chain(dir, out)?;
    write_trace(dir, out)?;
    if let Some(replay) = &results.replay {
        super::replay::write(dir, replay)?;
    }
    super::plots::draw_plots(dir, results, style)?;
    super::html::write_report(dir, results)?;
    Record::new(Some(&yaml), vec![results.scenario.seed]).seal(dir)?;
    Ok(())
}

/// scenario.resolved.yaml, and a topology file copied beside it as topology.csv (named
/// so in the resolved scenario): a results directory stands alone, wherever it is
/// moved. Returns the YAML written.
fn write_scenario(dir: &Path, sc: &crate::scenario::Scenario) -> Result<String> {
    if let crate::scenario::TopologySpec::Csv { file } = &sc.network.topology {
        let limit = crate::scenario::topology_file::MAX_TOPOLOGY_BYTES;
        let bytes = crate::files::read_limited(file, limit, "topology file")
            .map_err(|e| anyhow::anyhow!(e.0))?;
        std::fs::write(dir.join("topology.csv"), bytes)?;
    }
    let yaml = resolved_yaml(sc);
    std::fs::write(dir.join("scenario.resolved.yaml"), &yaml)?;
    Ok(yaml)
}

/// The resolved scenario as a results directory holds it: a topology file named as
/// the copy beside it.
pub fn resolved_yaml(sc: &crate::scenario::Scenario) -> String {
    let mut sc = sc.clone();
    if let crate::scenario::TopologySpec::Csv { file } = &mut sc.network.topology {
        *file = "topology.csv".into();
    }
    sc.to_yaml()
}

/// summary.json (one flat record) and summary.csv (the same as one row), the
/// per-miner, per-attack and per-fault figures as tables, and perf.json.
fn write_summary(dir: &Path, summary: &crate::results::Summary) -> Result<()> {
    use crate::results::tables::write_records;
    let mut json = serde_json::to_string_pretty(summary)?;
    json.push('\n');
    std::fs::write(dir.join("summary.json"), json)?;
    let mut w = csv::Writer::from_path(dir.join("summary.csv"))?;
    let fields = crate::results::summary::scalars(summary);
    w.write_record(fields.iter().map(|(k, _)| k))?;
    w.write_record(fields.iter().map(|(_, v)| v))?;
    w.flush()?;
    write_records(&dir.join("miners.csv"), &summary.miners)?;
    if !summary.attacks.is_empty() {
        write_records(&dir.join("attacks_summary.csv"), &summary.attacks)?;
    }
    if !summary.faults.is_empty() {
        write_records(&dir.join("faults.csv"), &summary.faults)?;
    }
    if !summary.eclipse_trials.is_empty() {
        write_records(&dir.join("eclipse.csv"), &summary.eclipse_trials)?;
    }
    let victims = &summary.routing.routing_eclipse_rows;
    if !victims.is_empty() {
        write_records(&dir.join("routing_eclipse.csv"), victims)?;
    }
    if let Some(perf) = &summary.perf {
        std::fs::write(
            dir.join("perf.json"),
            serde_json::to_string_pretty(perf)? + "\n",
        )?;
    }
    Ok(())
}

/// One row per (block, node reached), in the order nodes got it: the propagation CDF.
fn arrival_rows(results: &RunResults) -> impl Iterator<Item = ArrivalRow> + '_ {
    (results.arrivals.iter().enumerate().skip(1)).flat_map(|(id, delays)| {
        (delays.iter().enumerate()).map(move |(i, &delay_s)| ArrivalRow {
            block: crate::ledger::BlockId(id as u32),
            nodes_reached: i as u32 + 1,
            delay_s,
        })
    })
}

/// Every block in the tree, in the order the tree received them (genesis first), as
/// consensus-encoded bytes each behind a 4-byte little-endian length: what
/// `chainlab inspect` reloads and re-validates.
fn write_chain(dir: &Path, out: &RunOutput) -> Result<()> {
    use crate::ledger::encode::Encodable;
    use std::io::Write;
    // Streamed: a long run of large blocks is gigabytes, never held twice in memory.
    let mut file = std::io::BufWriter::new(std::fs::File::create(dir.join(CHAIN_FILE))?);
    for entry in out.tree.entries() {
        let block = entry.block.to_bytes();
        file.write_all(&(block.len() as u32).to_le_bytes())?;
        file.write_all(&block)?;
    }
    file.flush()?;
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
