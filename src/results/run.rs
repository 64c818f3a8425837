//! A run's results as the plots, the report, the story and the bindings read them:
//! the resolved scenario, the summary and the tables. Built in memory right after a
//! run (`report::results_of`) or read back from a results directory ([`RunResults::read`]);
//! everything drawn from it is drawn the same way in both cases, so `chainlab plot`
//! redraws exactly what the run drew.

use super::summary::Summary;
use super::tables::{read_table, ArrivalRow, AttackRow, BlockRow, ForkRow, Table, TxRow};
use crate::scenario::Scenario;
use std::path::Path;

pub struct RunResults {
    pub scenario: Scenario,
    pub summary: Summary,
    pub blocks: Vec<BlockRow>,
    /// Per block (genesis included, empty): seconds after mining at which each node
    /// that got it had validated it, ascending (propagation.csv).
    pub arrivals: Vec<Vec<f64>>,
    pub txs: Vec<TxRow>,
    pub forks: Vec<ForkRow>,
    pub attacks: Vec<AttackRow>,
    /// The animated replay's data (replay.json), where the run wrote one.
    pub replay: Option<crate::report::replay::Replay>,
}

/// The largest summary.json read back (a summary is a few kB).
const SUMMARY_LIMIT: u64 = 64 << 20;

impl RunResults {
    /// Reads a run's directory. Every table is checked against the scenario and
    /// against the other tables (ids in range, parents before children, arrivals in
    /// order), so an edited or damaged directory gets a message, never a panic or a
    /// picture of something that cannot have happened.
    pub fn read(dir: &Path) -> Result<RunResults, String> {
        let tables = [
            "scenario.resolved.yaml",
            "summary.json",
            "miners.csv",
            "blocks.csv",
            "txs.csv",
            "propagation.csv",
            "forks.csv",
        ];
        let optional = [
            "attacks.csv",
            "attacks_summary.csv",
            "faults.csv",
            "eclipse.csv",
            "routing_eclipse.csv",
            "topology.csv",
            crate::report::replay::FILE,
        ];
        super::record::Record::verify(dir, &tables, &optional)?;
        let scenario =
            Scenario::load(&dir.join("scenario.resolved.yaml"), &[]).map_err(|e| e.to_string())?;
        let summary = read_summary(dir)?;
        let blocks = read_table::<BlockRow>(dir)?;
        let place = |file: &str| dir.join(file).display().to_string();
        let run = RunResults {
            arrivals: read_arrivals(dir, blocks.len(), scenario.network.nodes)?,
            txs: read_table(dir)?,
            forks: read_table(dir)?,
            attacks: if dir.join("attacks.csv").exists() {
                read_table(dir)?
            } else {
                Vec::new()
            },
            replay: crate::report::replay::read(dir)?,
            scenario,
            summary,
            blocks,
        };
        check_summary(&run).map_err(|e| format!("{}: {e}", place("summary.json")))?;
        check_blocks(&run)
            .map_err(|(i, e)| format!("{} line {}: {e}", place("blocks.csv"), i + 2))?;
        check_txs(&run).map_err(|e| format!("{}: {e}", place("txs.csv")))?;
        if let Some(a) = run
            .attacks
            .iter()
            .find(|a| a.attack as usize >= run.summary.attacks.len())
        {
            return Err(format!(
                "{}: attack {} is not one of the run's {} attacks",
                place("attacks.csv"),
                a.attack,
                run.summary.attacks.len()
            ));
        }
        Ok(run)
    }

    /// Miners of the run: honest ones first, then one per attack.
    pub fn miners(&self) -> usize {
        self.summary.miners.len()
    }

    /// Height of the main chain's tip.
    pub fn best_height(&self) -> u32 {
        (self.blocks.iter())
            .filter(|b| b.main_chain)
            .map(|b| b.height)
            .max()
            .unwrap_or(0)
    }
}

/// summary.json with its tables (miners.csv; attacks_summary.csv, faults.csv and
/// eclipse.csv when the run had attacks, faults or an eclipse section; perf.json).
pub fn read_summary(dir: &Path) -> Result<Summary, String> {
    use super::tables::read_records;
    let path = dir.join("summary.json");
    let text = crate::files::read_text_limited(&path, SUMMARY_LIMIT, "summary").map_err(|e| e.0)?;
    let mut summary: Summary = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: not the summary of a chainlab run (line {}, column {})",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    summary.miners = read_records(&dir.join("miners.csv"))?;
    let optional = |name: &str| dir.join(name).exists().then(|| dir.join(name));
    if let Some(p) = optional("attacks_summary.csv") {
        summary.attacks = read_records(&p)?;
    }
    if let Some(p) = optional("faults.csv") {
        summary.faults = read_records(&p)?;
    }
    if let Some(p) = optional("eclipse.csv") {
        summary.eclipse_trials = read_records(&p)?;
    }
    if let Some(p) = optional("routing_eclipse.csv") {
        summary.routing.routing_eclipse_rows = read_records(&p)?;
    }
    if let Some(p) = optional("perf.json") {
        let text = crate::files::read_text_limited(&p, SUMMARY_LIMIT, "perf").map_err(|e| e.0)?;
        summary.perf = serde_json::from_str(&text).ok();
    }
    Ok(summary)
}

fn read_arrivals(dir: &Path, blocks: usize, nodes: u32) -> Result<Vec<Vec<f64>>, String> {
    let mut arrivals: Vec<Vec<f64>> = vec![Vec::new(); blocks];
    let path = dir.join("propagation.csv");
    super::read::for_each_row(&path, ArrivalRow::COLUMNS, |_, cells| {
        let row = ArrivalRow::parse(cells)?;
        let list = arrivals.get_mut(row.block.index()).ok_or_else(|| {
            format!(
                "block {} is not one of the run's {blocks} blocks",
                row.block
            )
        })?;
        if list.len() as u32 + 1 != row.nodes_reached || row.nodes_reached > nodes {
            return Err(format!(
                "nodes_reached is {} where {} was due (the run has {nodes} nodes)",
                row.nodes_reached,
                list.len() + 1
            ));
        }
        if list.last().is_some_and(|&last| row.delay_s < last) {
            return Err(format!(
                "delay_s {} is earlier than the row before",
                row.delay_s
            ));
        }
        list.push(row.delay_s);
        Ok(())
    })?;
    Ok(arrivals)
}

fn check_summary(run: &RunResults) -> Result<(), String> {
    let sc = &run.scenario;
    let miners = sc.mining.miners as usize + sc.attacks.len();
    if run.summary.miners.len() != miners {
        return Err(format!(
            "lists {} miners, but its scenario has {miners}",
            run.summary.miners.len()
        ));
    }
    if run.summary.attacks.len() != sc.attacks.len() {
        return Err(format!(
            "lists {} attacks, but its scenario has {}",
            run.summary.attacks.len(),
            sc.attacks.len()
        ));
    }
    let nodes = sc.network.nodes;
    match (run.summary.miners.iter())
        .find(|m| !(0.0..=1.0).contains(&m.hashrate_share) || m.node >= nodes)
    {
        Some(bad) => Err(format!(
            "miner on node {} with hashrate share {} does not fit the run",
            bad.node, bad.hashrate_share
        )),
        None => Ok(()),
    }
}

/// Block ids in order, genesis first and alone without a parent, each parent earlier
/// and one lower, miners among the run's, genesis on the main chain.
/// Errors carry the row's index.
fn check_blocks(run: &RunResults) -> Result<(), (usize, String)> {
    let miners = run.miners();
    for (i, b) in run.blocks.iter().enumerate() {
        let fault = if b.block.index() != i {
            Some(format!(
                "block {} is listed where block {i} is due",
                b.block
            ))
        } else if let Some(p) = b.parent {
            let parent = run.blocks.get(p.index()).filter(|_| p.index() < i);
            match parent {
                None => Some(format!("block {i} has parent {p}, which is not before it")),
                Some(parent) if parent.height.checked_add(1) != Some(b.height) => Some(format!(
                    "block {i} has height {} on a parent of height {}",
                    b.height, parent.height
                )),
                Some(_) => None,
            }
        } else if i != 0 || b.height != 0 || !b.main_chain {
            Some(format!("block {i} has no parent, but only genesis may"))
        } else {
            None
        };
        let fault = fault.or_else(|| {
            (b.miner.is_some_and(|m| m.index() >= miners)).then(|| {
                format!(
                    "block {i} names miner {}; the run has {miners}",
                    b.miner.unwrap()
                )
            })
        });
        if let Some(f) = fault {
            return Err((i, f));
        }
    }
    if run.blocks.is_empty() {
        return Err((0, "lists no blocks (not even genesis)".into()));
    }
    Ok(())
}

fn check_txs(run: &RunResults) -> Result<(), String> {
    let (nodes, best) = (run.scenario.network.nodes, run.best_height());
    match run.txs.iter().enumerate().find(|(_, t)| {
        t.origin_node.0 >= nodes || t.block_height.is_some_and(|h| h > best)
    }) {
        Some((i, t)) => Err(format!(
            "line {}: payment {} comes from node {} or sits at height {:?}; the run has {nodes} nodes and {best} blocks",
            i + 2,
            t.txid,
            t.origin_node,
            t.block_height
        )),
        None => Ok(()),
    }
}
