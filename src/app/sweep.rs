//! Running a sweep's grid points over all cores, and merging shard tables.

use super::Error;
use crate::report::Summary;
use crate::results::record::Record;
use crate::scenario::sweep::{describe, Point};
use crate::scenario::Scenario;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

const FIGURES: [&str; 17] = [
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
    "stale_rate_seen",
    "received_s_node_mean_p50",
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
/// Results do not depend on `jobs` or on which thread ran which point. A shard also
/// writes its manifest (the base scenario's fingerprint, the grid's size, its points),
/// which `merge` checks.
/// `point_done(done, of)` is called as points finish. Returns the table's path and how
/// many points ran.
pub fn run_sweep(
    base: &Scenario,
    points: Vec<Point>,
    dir: &Path,
    jobs: usize,
    (shard, lean): (Option<(usize, usize)>, bool),
    interrupt: &AtomicBool,
    point_done: impl Fn(usize, usize) + Sync,
) -> Result<(PathBuf, usize), Error> {
    crate::results::outdir::open_own_dir(dir)?;
    remove_points_beyond(dir, points.len())?;
    let selected: Vec<&Point> = points
        .iter()
        .filter(|p| shard.is_none_or(|(i, n)| p.index % n == i))
        .collect();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Summary, Error>>>> =
        Mutex::new((0..selected.len()).map(|_| None).collect());
    let done = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(selected.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(point) = selected.get(i) else { break };
                if interrupt.load(Ordering::Relaxed) {
                    break;
                }
                let point_dir = dir.join(format!("point-{:04}", point.index));
                let outputs = super::Outputs { trace: false, lean };
                let outcome = super::run(&point.scenario, &point_dir, outputs, interrupt, |_| {})
                    .map(|d| d.summary);
                results.lock().expect("results lock")[i] = Some(outcome);
                point_done(done.fetch_add(1, Ordering::SeqCst) + 1, selected.len());
            });
        }
    });
    let mut summaries = Vec::with_capacity(selected.len());
    for (point, outcome) in selected
        .iter()
        .zip(results.into_inner().expect("results lock"))
    {
        match outcome {
            Some(Ok(summary)) => summaries.push(summary),
            None | Some(Err(Error::Interrupted)) => return Err(Error::Interrupted),
            Some(Err(Error::BadInput(m))) => return Err(Error::BadInput(m)),
            Some(Err(e @ Error::Unwritable(_))) => return Err(e),
            Some(Err(Error::Internal(e))) => {
                let settings = describe(&point.settings);
                return Err(Error::Internal(
                    e.context(format!("point {} ({settings})", point.index)),
                ));
            }
        }
    }
    let table = write_table(dir, &points, &selected, &summaries, shard)?;
    if let Some((i, n)) = shard {
        write_manifest(dir, base, points.len(), &selected, (i, n))?;
    } else {
        crate::report::sweep_plots::draw_sweep_plots(dir)?;
    }
    let seeds = selected.iter().map(|p| p.scenario.seed).collect();
    Record::new(Some(&base.to_yaml()), seeds)
        .seal(dir)
        .map_err(|e| Error::Internal(e.into()))?;
    Ok((table, selected.len()))
}

/// Point directories of an earlier, larger grid in the same directory would sit
/// beside this sweep's and be mistaken for its own: removed (open_own_dir proved the
/// directory, point directories included, is chainlab's).
fn remove_points_beyond(dir: &Path, total: usize) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::BadInput(format!("{}: cannot list it: {e}", dir.display())))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let index = name
            .strip_prefix("point-")
            .and_then(|d| d.parse::<usize>().ok());
        if index.is_some_and(|i| i >= total) && crate::results::outdir::is_point_name(&name) {
            std::fs::remove_dir_all(entry.path()).map_err(|e| {
                Error::Internal(anyhow::anyhow!("removing {}: {e}", entry.path().display()))
            })?;
        }
    }
    Ok(())
}

fn write_table(
    dir: &Path,
    points: &[Point],
    selected: &[&Point],
    summaries: &[Summary],
    shard: Option<(usize, usize)>,
) -> anyhow::Result<PathBuf> {
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
    for (point, summary) in selected.iter().zip(summaries) {
        let mut row = vec![point.index.to_string()];
        row.extend(point.settings.iter().map(|(_, v)| v.clone()));
        row.extend(figure_values(summary));
        row.push(format!("point-{:04}", point.index));
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(table)
}

/// What a shard ran, so that `merge` can refuse shards of different sweeps, of a
/// different split, or a missing one.
#[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
struct Manifest {
    /// SHA-256 of the base scenario as resolved (with `--set` applied and its grid).
    fingerprint: String,
    points_total: usize,
    shard: usize,
    shards: usize,
    points: Vec<usize>,
}

fn fingerprint(base: &Scenario) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(base.to_yaml().as_bytes()))
}

fn write_manifest(
    dir: &Path,
    base: &Scenario,
    total: usize,
    selected: &[&Point],
    (shard, shards): (usize, usize),
) -> anyhow::Result<()> {
    let manifest = Manifest {
        fingerprint: fingerprint(base),
        points_total: total,
        shard,
        shards,
        points: selected.iter().map(|p| p.index).collect(),
    };
    let path = dir.join(format!("sweep.shard-{shard}-of-{shards}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(&manifest)? + "\n")?;
    Ok(())
}

/// Joins the shards found in `dirs` into `sweep.csv` in the first one. Every shard of
/// one split must be there exactly once, from the same base scenario, each with the
/// points its manifest lists; anything incomplete or mixed is refused, naming the shard.
pub fn merge(dirs: &[PathBuf]) -> Result<PathBuf, String> {
    let mut shards: Vec<(PathBuf, Manifest)> = Vec::new();
    for dir in dirs {
        crate::results::outdir::require_ours(dir).map_err(|e| e.0)?;
        let found = shard_manifests(dir)?;
        if found.is_empty() {
            return Err(format!(
                "{}: holds no sweep shard (sweep.shard-I-of-N.json); merge joins the directories of `chainlab sweep --shard I/N`",
                dir.display()
            ));
        }
        shards.extend(found);
    }
    check_complete(&shards)?;
    let mut header: Option<csv::StringRecord> = None;
    let mut rows: Vec<(usize, csv::StringRecord)> = Vec::new();
    for (path, manifest) in &shards {
        let table = path.with_extension("csv");
        let (h, shard_rows) = read_shard_table(&table, manifest)?;
        match &header {
            Some(first) if *first != h => {
                return Err(format!(
                    "{}: its columns differ from the other shards'",
                    table.display()
                ))
            }
            _ => header = Some(h),
        }
        rows.extend(shard_rows);
    }
    rows.sort_by_key(|(p, _)| *p);
    let header = header.expect("at least one shard");
    let out = dirs[0].join("sweep.csv");
    let mut w = csv::Writer::from_path(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    w.write_record(&header).map_err(|e| e.to_string())?;
    for (_, rec) in rows {
        w.write_record(&rec).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())?;
    crate::report::sweep_plots::draw_sweep_plots(&dirs[0]).map_err(|e| format!("{e:#}"))?;
    let mut record = Record::read(&dirs[0])?;
    record.command = std::env::args().collect();
    record
        .seal(&dirs[0])
        .map_err(|e| format!("{}: {e}", dirs[0].display()))?;
    Ok(out)
}

fn shard_manifests(dir: &Path) -> Result<Vec<(PathBuf, Manifest)>, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: cannot read: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                let n = n.to_string_lossy();
                n.starts_with("sweep.shard-") && n.ends_with(".json")
            })
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            // As chainlab wrote them, manifest and table, before either is read.
            let stem = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let names = [format!("{stem}.json"), format!("{stem}.csv")];
            Record::verify(dir, &[&names[0], &names[1]], &[])?;
            let text = crate::files::read_text_limited(&path, 64 << 20, "shard manifest")
                .map_err(|e| e.0)?;
            let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
                format!(
                    "{}: not a shard manifest (line {}, column {})",
                    path.display(),
                    e.line(),
                    e.column()
                )
            })?;
            Ok((path, manifest))
        })
        .collect()
}

fn check_complete(shards: &[(PathBuf, Manifest)]) -> Result<(), String> {
    use crate::scenario::sweep::MAX_POINTS;
    for (path, m) in shards {
        if !(1..=MAX_POINTS).contains(&m.shards)
            || m.shard >= m.shards
            || m.points_total > MAX_POINTS
        {
            return Err(format!(
                "{}: shard {} of {} of a {}-point grid is not a split chainlab makes",
                path.display(),
                m.shard,
                m.shards,
                m.points_total
            ));
        }
    }
    let (first_path, first) = &shards[0];
    let mut seen: Vec<Option<&Path>> = vec![None; first.shards];
    for (path, m) in shards {
        if (m.fingerprint.as_str(), m.points_total, m.shards)
            != (first.fingerprint.as_str(), first.points_total, first.shards)
        {
            return Err(format!(
                "{}: a shard of a different sweep or split than {} (base scenario, grid size or shard count differ); merge shards of one `chainlab sweep --shard I/N` only",
                path.display(),
                first_path.display()
            ));
        }
        let slot = seen
            .get_mut(m.shard)
            .ok_or_else(|| format!("{}: shard {} of {}?", path.display(), m.shard, m.shards))?;
        if let Some(other) = slot {
            return Err(format!(
                "shard {} of {} appears twice: {} and {}",
                m.shard,
                m.shards,
                other.display(),
                path.display()
            ));
        }
        *slot = Some(path);
        let expected: Vec<usize> = (m.shard..m.points_total).step_by(m.shards).collect();
        if m.points != expected {
            return Err(format!(
                "{}: lists points {}, but shard {} of {} of a {}-point grid runs points {}",
                path.display(),
                few(&m.points),
                m.shard,
                m.shards,
                m.points_total,
                few(&expected)
            ));
        }
    }
    if let Some(missing) = seen.iter().position(Option::is_none) {
        return Err(format!(
            "shard {missing} of {} is missing; give every shard's directory (found {})",
            first.shards,
            shards.len()
        ));
    }
    Ok(())
}

/// A list of point numbers for a message: the first few and how many in all.
fn few(points: &[usize]) -> String {
    let shown: Vec<String> = points.iter().take(8).map(usize::to_string).collect();
    match points.len() {
        n if n > 8 => format!("{}, … ({n} in all)", shown.join(", ")),
        0 => "none".into(),
        _ => shown.join(", "),
    }
}

fn read_shard_table(
    table: &Path,
    manifest: &Manifest,
) -> Result<(csv::StringRecord, Vec<(usize, csv::StringRecord)>), String> {
    let bytes = crate::files::read_limited(table, 1 << 30, "shard table").map_err(|e| e.0)?;
    let mut r = csv::Reader::from_reader(bytes.as_slice());
    let header = r
        .headers()
        .map_err(|e| format!("{}: {e}", table.display()))?
        .clone();
    let mut rows = Vec::new();
    for (line, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| format!("{}: {e}", table.display()))?;
        let point = rec.get(0).and_then(|p| p.parse().ok()).ok_or_else(|| {
            format!(
                "{} row {}: the first column must be the point number",
                table.display(),
                line + 2
            )
        })?;
        rows.push((point, rec));
    }
    let listed: Vec<usize> = rows.iter().map(|(p, _)| *p).collect();
    if listed != manifest.points {
        return Err(format!(
            "{}: holds points {} but its manifest lists {}; the shard is incomplete (rerun it)",
            table.display(),
            few(&listed),
            few(&manifest.points)
        ));
    }
    Ok((header, rows))
}
