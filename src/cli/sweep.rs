//! Running a sweep's grid points over all cores, and merging shard tables.

use crate::report::Summary;
use crate::scenario::sweep::{describe, Point};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

const FIGURES: [&str; 15] = [
    "tps_offered",
    "tps_confirmed",
    "inclusion_s_p50",
    "confirmation_s_p50",
    "confirmation_s_p90",
    "propagation_s_p50",
    "propagation_s_p90",
    "tx_propagation_s_p50",
    "tx_propagation_s_p90",
    "blocks_main",
    "blocks_stale",
    "stale_rate",
    "reorgs",
    "reorg_depth_max",
    "chain_bytes_per_day",
];

/// The first attack's figures (empty cells when the scenario has none), so that an
/// attack sweep's table holds what its plots need.
const ATTACK_FIGURES: [&str; 13] = [
    "kind",
    "hashrate",
    "confirmations",
    "gamma",
    "premine",
    "attempts",
    "success_rate",
    "success_rate_se",
    "revenue_share",
    "theory_nakamoto",
    "theory_rosenfeld",
    "theory_exact_without_premine",
    "theory_eyal_sirer",
];

fn figure_values(summary: &Summary) -> Vec<String> {
    let json = serde_json::to_value(summary).expect("a summary serializes");
    let cell = |v: &serde_json::Value| match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        v => v.to_string(),
    };
    let attack = &json["attacks"][0];
    FIGURES
        .iter()
        .map(|k| cell(&json[*k]))
        .chain(ATTACK_FIGURES.iter().map(|k| cell(&attack[*k])))
        .collect()
}

/// Each point is one single-threaded deterministic run; `jobs` of them at a time.
/// Results do not depend on `jobs` or on which thread ran which point.
pub fn run_sweep(
    points: Vec<Point>,
    dir: &Path,
    jobs: usize,
    shard: Option<(usize, usize)>,
) -> Result<()> {
    let selected: Vec<&Point> = points
        .iter()
        .filter(|p| shard.is_none_or(|(i, n)| p.index % n == i))
        .collect();
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Summary>>>> =
        Mutex::new((0..selected.len()).map(|_| None).collect());
    let bar = indicatif::ProgressBar::new(selected.len() as u64);
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(selected.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(point) = selected.get(i) else { break };
                let point_dir = dir.join(format!("point-{:04}", point.index));
                let outcome = super::run_quietly(point.scenario.clone(), &point_dir, false, false);
                results.lock().expect("results lock")[i] = Some(outcome);
                bar.inc(1);
            });
        }
    });
    bar.finish_and_clear();

    let keys: Vec<String> = points[0].settings.iter().map(|(k, _)| k.clone()).collect();
    let table = match shard {
        Some((i, n)) => dir.join(format!("sweep.shard-{i}-of-{n}.csv")),
        None => dir.join("sweep.csv"),
    };
    let mut w = csv::Writer::from_path(&table)?;
    let mut header = vec!["point".to_string()];
    header.extend(keys.iter().cloned());
    header.extend(FIGURES.iter().map(|s| s.to_string()));
    header.extend(ATTACK_FIGURES.iter().map(|s| format!("attack_{s}")));
    header.push("dir".into());
    w.write_record(&header)?;
    for (point, outcome) in selected
        .iter()
        .zip(results.into_inner().expect("results lock"))
    {
        let summary = outcome
            .expect("every selected point ran")
            .with_context(|| format!("point {} ({})", point.index, describe(&point.settings)))?;
        let mut row = vec![point.index.to_string()];
        row.extend(point.settings.iter().map(|(_, v)| v.clone()));
        row.extend(figure_values(&summary));
        row.push(format!("point-{:04}", point.index));
        w.write_record(&row)?;
    }
    w.flush()?;
    if shard.is_none() {
        crate::report::sweep_plots::draw_sweep_plots(dir)?;
    }
    println!("{} points; table in {}", selected.len(), table.display());
    Ok(())
}

/// Joins every `sweep.shard-*.csv` found in `dirs` into `sweep.csv` in the first one,
/// sorted by point; shards must share one header and no point may appear twice.
pub fn merge(dirs: &[PathBuf]) -> std::result::Result<PathBuf, String> {
    let mut header: Option<csv::StringRecord> = None;
    let mut rows: Vec<(usize, csv::StringRecord)> = Vec::new();
    for dir in dirs {
        let mut shards: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: cannot read: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("sweep.shard-"))
            })
            .collect();
        shards.sort();
        for shard in shards {
            let mut r =
                csv::Reader::from_path(&shard).map_err(|e| format!("{}: {e}", shard.display()))?;
            let h = r
                .headers()
                .map_err(|e| format!("{}: {e}", shard.display()))?
                .clone();
            match &header {
                None => header = Some(h),
                Some(first) if *first != h => {
                    return Err(format!(
                    "{}: its columns differ from the other shards'; merge shards of one sweep only",
                    shard.display()
                ))
                }
                _ => {}
            }
            for (line, rec) in r.records().enumerate() {
                let rec = rec.map_err(|e| format!("{}: {e}", shard.display()))?;
                let point = rec.get(0).and_then(|p| p.parse().ok()).ok_or_else(|| {
                    format!(
                        "{} row {}: the first column must be the point number",
                        shard.display(),
                        line + 2
                    )
                })?;
                rows.push((point, rec));
            }
        }
    }
    let header = header.ok_or_else(|| "no sweep.shard-*.csv files in the given directories; run chainlab sweep --shard I/N first".to_string())?;
    rows.sort_by_key(|(p, _)| *p);
    if let Some(w) = rows.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(format!("point {} appears in more than one shard", w[0].0));
    }
    let out = dirs[0].join("sweep.csv");
    let mut w = csv::Writer::from_path(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    w.write_record(&header).map_err(|e| e.to_string())?;
    for (_, rec) in rows {
        w.write_record(&rec).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())?;
    crate::report::sweep_plots::draw_sweep_plots(&dirs[0]).map_err(|e| format!("{e:#}"))?;
    Ok(out)
}
