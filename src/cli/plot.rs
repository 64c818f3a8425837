//! `chainlab plot DIR`: redraw the plots of a results directory from the files it
//! holds, without running the simulation again.

use super::inspect;
use crate::node::{BlockRecord, RunOutput, TxRecord};
use crate::report::{plots::draw_plots, sweep_plots::draw_sweep_plots, Summary};
use crate::scenario::Scenario;
use std::path::Path;

fn secs_to_ns(text: &str) -> Option<u64> {
    text.parse::<f64>().ok().map(|s| (s * 1e9).round() as u64)
}

fn read_csv(path: &Path) -> Result<Vec<csv::StringRecord>, String> {
    let mut r = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    r.records()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn field<'a>(rec: &'a csv::StringRecord, i: usize, path: &Path) -> Result<&'a str, String> {
    rec.get(i)
        .ok_or_else(|| format!("{}: a row has no column {}", path.display(), i + 1))
}

/// Rebuilds what the plots need from a run's files: the chain from chain.dat (re-
/// validated), block times and miners from blocks.csv, arrival delays from
/// propagation.csv, payments from txs.csv and the miner figures from summary.json.
pub(super) fn reload_run(dir: &Path) -> Result<(Scenario, RunOutput, Summary), String> {
    let tree = inspect::load(dir)?;
    let sc = Scenario::load(&dir.join("scenario.resolved.yaml"), &[]).map_err(|e| e.to_string())?;
    let summary_path = dir.join("summary.json");
    let summary: Summary = std::fs::read_to_string(&summary_path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        .map_err(|e| format!("{}: {e}", summary_path.display()))?;

    let blocks_path = dir.join("blocks.csv");
    let mut blocks = Vec::new();
    for rec in read_csv(&blocks_path)? {
        let bad = || format!("{}: malformed row {:?}", blocks_path.display(), rec);
        blocks.push(BlockRecord {
            miner: field(&rec, 4, &blocks_path)?.parse().ok(),
            mined_at: secs_to_ns(field(&rec, 5, &blocks_path)?).ok_or_else(bad)?,
            arrivals: Vec::new(),
        });
    }
    if blocks.len() != tree.len() {
        return Err(format!(
            "{} lists {} blocks but chain.dat holds {}",
            blocks_path.display(),
            blocks.len(),
            tree.len()
        ));
    }
    let propagation_path = dir.join("propagation.csv");
    for rec in read_csv(&propagation_path)? {
        let bad = || format!("{}: malformed row {:?}", propagation_path.display(), rec);
        let block: usize = field(&rec, 0, &propagation_path)?
            .parse()
            .map_err(|_| bad())?;
        let delay = secs_to_ns(field(&rec, 2, &propagation_path)?).ok_or_else(bad)?;
        blocks.get_mut(block).ok_or_else(bad)?.arrivals.push(delay);
    }
    let txs_path = dir.join("txs.csv");
    let mut txs = Vec::new();
    for rec in read_csv(&txs_path)? {
        let bad = || format!("{}: malformed row {:?}", txs_path.display(), rec);
        txs.push(TxRecord {
            txid: field(&rec, 0, &txs_path)?.parse().map_err(|_| bad())?,
            created: secs_to_ns(field(&rec, 1, &txs_path)?).ok_or_else(bad)?,
            origin: field(&rec, 2, &txs_path)?.parse().map_err(|_| bad())?,
            size: field(&rec, 3, &txs_path)?.parse().map_err(|_| bad())?,
            fee: field(&rec, 4, &txs_path)?.parse().map_err(|_| bad())?,
        });
    }
    let out = RunOutput {
        tree,
        trace: None,
        blocks,
        txs,
        miner_nodes: summary.miners.iter().map(|m| m.node).collect(),
        shares: summary.miners.iter().map(|m| m.hashrate_share).collect(),
        // Plots of one run draw nothing from attacks or faults.
        attacks: Vec::new(),
        faults: Vec::new(),
        light_proofs: Vec::new(),
        light_nodes: 0,
        tx_relay: sc.workload.relay.resolve(sc.network.nodes),
        tx_reach: Vec::new(),
        end_time: (summary.simulated_s * 1e9).round() as u64,
        events: summary.perf.as_ref().map_or(0, |p| p.events),
        reorgs: summary.reorgs,
        reorg_depth_max: summary.reorg_depth_max,
    };
    Ok((sc, out, summary))
}

/// Redraws a sweep's plots (a directory with sweep.csv) or a run's.
pub fn replot(dir: &Path) -> Result<(), String> {
    if dir.join("sweep.csv").is_file() {
        return draw_sweep_plots(dir).map_err(|e| format!("{e:#}"));
    }
    let (sc, out, summary) = reload_run(dir)?;
    draw_plots(dir, &sc, &out, &summary).map_err(|e| format!("{e:#}"))?;
    crate::report::html::write_report(dir, &sc, &out, &summary).map_err(|e| format!("{e:#}"))
}
