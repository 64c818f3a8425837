//! `chainlab plot DIR`: redraw the plots of a results directory from the files it
//! holds, without running the simulation again.

use super::inspect;
use crate::ledger::Amount;
use crate::net::NodeId;
use crate::node::{BlockRecord, MinerId, RunOutput, TxRecord};
use crate::report::{plots::draw_plots, sweep_plots::draw_sweep_plots, Summary};
use crate::scenario::Scenario;
use crate::sim::SimTime;
use std::path::Path;

/// Rebuilds what the plots need from a run's files: the chain from chain.dat (re-
/// validated), block times and miners from blocks.csv, arrival delays from
/// propagation.csv, payments from txs.csv and the miner figures from summary.json.
/// Every row is checked against the chain and the scenario it claims to describe.
pub(super) fn reload_run(dir: &Path) -> Result<(Scenario, RunOutput, Summary), String> {
    use crate::results::read::{for_each_row, index_below, seconds};
    let tree = inspect::load(dir)?;
    let sc = Scenario::load(&dir.join("scenario.resolved.yaml"), &[]).map_err(|e| e.to_string())?;
    let summary_path = dir.join("summary.json");
    let summary: Summary = crate::files::read_text_limited(&summary_path, 256 << 20, "summary")
        .map_err(|e| e.0)
        .and_then(|t| {
            serde_json::from_str(&t).map_err(|e| {
                format!(
                    "{}: not the summary of a chainlab run ({e})",
                    summary_path.display()
                )
            })
        })?;
    let miners = sc.mining.miners as usize + sc.attacks.len();
    if summary.miners.len() != miners {
        return Err(format!(
            "{}: lists {} miners, but its scenario has {miners}",
            summary_path.display(),
            summary.miners.len()
        ));
    }
    let nodes = sc.network.nodes as usize;
    let mut blocks = Vec::new();
    let columns = ["block", "hash", "miner", "mined_s"];
    for_each_row(&dir.join("blocks.csv"), &columns, |_, row| {
        let id = blocks.len();
        let entry = (id < tree.len()).then(|| tree.entry(crate::ledger::BlockId(id as u32)));
        if row[0] != id.to_string() || entry.is_none_or(|e| e.hash.to_string() != row[1]) {
            return Err(format!(
                "block {} ({}) is not block {id} of chain.dat",
                row[0], row[1]
            ));
        }
        blocks.push(BlockRecord {
            miner: match row[2] {
                "" => None,
                m => Some(MinerId(index_below("miner", m, miners)?)),
            },
            mined_at: SimTime(seconds("mined_s", row[3])?),
            arrivals: Vec::new(),
        });
        Ok(())
    })?;
    if blocks.len() != tree.len() {
        return Err(format!(
            "{}: lists {} blocks but chain.dat holds {}",
            dir.join("blocks.csv").display(),
            blocks.len(),
            tree.len()
        ));
    }
    for_each_row(
        &dir.join("propagation.csv"),
        &["block", "delay_s"],
        |_, row| {
            let block = index_below("block", row[0], blocks.len())? as usize;
            let arrivals = &mut blocks[block].arrivals;
            if arrivals.len() >= nodes {
                return Err(format!(
                    "block {block} reaches more than the run's {nodes} nodes"
                ));
            }
            arrivals.push(SimTime(seconds("delay_s", row[1])?));
            Ok(())
        },
    )?;
    let mut txs = Vec::new();
    let columns = ["txid", "created_s", "origin_node", "size_bytes", "fee_sat"];
    for_each_row(&dir.join("txs.csv"), &columns, |_, row| {
        let number = |column: &str, text: &str| {
            text.parse::<u64>()
                .map_err(|_| format!("{column} is {text:?}, not a whole number"))
        };
        txs.push(TxRecord {
            txid: row[0].parse().map_err(|e| format!("txid: {e}"))?,
            created: SimTime(seconds("created_s", row[1])?),
            origin: NodeId(index_below("origin_node", row[2], nodes)?),
            size: number("size_bytes", row[3])? as usize,
            fee: Amount(number("fee_sat", row[4])?),
        });
        Ok(())
    })?;
    let end_time = seconds("simulated_s", &summary.simulated_s.to_string())
        .map_err(|e| format!("{}: {e}", summary_path.display()))?;
    if let Some(bad) = summary
        .miners
        .iter()
        .find(|m| !(0.0..=1.0).contains(&m.hashrate_share) || m.node as usize >= nodes)
    {
        return Err(format!(
            "{}: miner on node {} with hashrate share {} does not fit the run",
            summary_path.display(),
            bad.node,
            bad.hashrate_share
        ));
    }
    let out = RunOutput {
        interrupted: false,
        time_capped: false,
        tree,
        trace: None,
        blocks,
        txs,
        miner_nodes: summary.miners.iter().map(|m| NodeId(m.node)).collect(),
        shares: summary.miners.iter().map(|m| m.hashrate_share).collect(),
        // Plots of one run draw nothing from attacks or faults.
        attacks: Vec::new(),
        faults: Vec::new(),
        light_proofs: Vec::new(),
        light_nodes: 0,
        tx_relay: crate::scenario::compile::tx_relay_kind(&sc),
        tx_reach: Vec::new(),
        end_time: SimTime(end_time),
        events: summary.perf.as_ref().map_or(0, |p| p.events),
        reorgs: summary.reorgs,
        reorg_depth_max: summary.reorg_depth_max,
    };
    Ok((sc, out, summary))
}

/// Redraws a sweep's plots (a directory with sweep.csv) or a run's.
pub fn replot(dir: &Path) -> Result<(), String> {
    crate::results::outdir::require_ours(dir).map_err(|e| e.0)?;
    if dir.join("sweep.csv").is_file() {
        return draw_sweep_plots(dir).map_err(|e| format!("{e:#}"));
    }
    let (sc, out, summary) = reload_run(dir)?;
    draw_plots(dir, &sc, &out, &summary).map_err(|e| format!("{e:#}"))?;
    crate::report::html::write_report(dir, &sc, &out, &summary).map_err(|e| format!("{e:#}"))
}
