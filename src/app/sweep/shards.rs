//! Sweeps across machines: a shard runs every point whose index is I modulo N and
//! writes its runs table with a manifest (the base scenario's fingerprint, the grid's
//! size, the points it ran); `merge` refuses anything incomplete or mixed and joins the
//! shards into the tables one machine would have written, byte for byte.

use super::tables::{self, Table};
use crate::results::record::Record;
use crate::scenario::Scenario;
use std::path::{Path, PathBuf};

/// The record of shard I of N: its table and manifest only.
pub fn record_name(i: usize, n: usize) -> String {
    format!("record.shard-{i}-of-{n}.json")
}

/// The runs table of shard I of N, and its manifest beside it.
pub fn shard_names(i: usize, n: usize) -> (String, String) {
    (
        format!("runs.shard-{i}-of-{n}.csv"),
        format!("sweep.shard-{i}-of-{n}.json"),
    )
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

pub(super) fn write_manifest(
    dir: &Path,
    base: &Scenario,
    total: usize,
    points: &[usize],
    (shard, shards): (usize, usize),
) -> anyhow::Result<()> {
    let manifest = Manifest {
        fingerprint: fingerprint(base),
        points_total: total,
        shard,
        shards,
        points: points.to_vec(),
    };
    let path = dir.join(shard_names(shard, shards).1);
    std::fs::write(&path, serde_json::to_string_pretty(&manifest)? + "\n")?;
    Ok(())
}

/// Joins the shards found in `dirs` into runs.csv and sweep.csv in the first one.
/// Every shard of one split must be there exactly once, from the same base scenario,
/// each with the points its manifest lists; anything else is refused, naming the shard.
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
    let mut merged: Option<Table> = None;
    for (path, manifest) in &shards {
        let table_path = path.with_file_name(shard_names(manifest.shard, manifest.shards).0);
        let table = tables::read(&table_path)?;
        let listed: Vec<usize> = (table.rows.iter())
            .filter_map(|r| r.first()?.parse().ok())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if listed != manifest.points {
            return Err(format!(
                "{}: holds points {} but its manifest lists {}; the shard is incomplete (rerun it)",
                table_path.display(),
                few(&listed),
                few(&manifest.points)
            ));
        }
        match &mut merged {
            Some(m) if m.header != table.header => {
                return Err(format!(
                    "{}: its columns differ from the other shards'",
                    table_path.display()
                ))
            }
            Some(m) => m.rows.extend(table.rows),
            None => merged = Some(table),
        }
    }
    let mut runs = merged.expect("at least one shard");
    // Point then replicate, as one machine writes them.
    let key = |r: &Vec<String>| {
        (
            r[0].parse::<usize>().unwrap_or(0),
            r[1].parse::<u32>().unwrap_or(0),
        )
    };
    runs.rows.sort_by_key(key);
    let out = &dirs[0];
    let fail = |e: anyhow::Error| format!("{}: {e:#}", out.display());
    tables::write(&out.join("runs.csv"), &runs).map_err(fail)?;
    tables::write(&out.join("sweep.csv"), &tables::sweep_table(&runs)).map_err(fail)?;
    crate::report::sweep_plots::draw_sweep_plots(out, Default::default()).map_err(fail)?;
    // The merged directory's own record, over everything in it now; the base
    // scenario's hash and the seeds as the shards recorded them.
    let mut record = Record::new(None, Vec::new());
    for (path, manifest) in &shards {
        let dir = path.parent().unwrap_or(Path::new("."));
        let shard = Record::read_named(dir, &record_name(manifest.shard, manifest.shards))?;
        record.scenario_sha256 = shard.scenario_sha256;
        record.seeds.extend(shard.seeds);
    }
    record
        .seal(out)
        .map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(out.join("sweep.csv"))
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
            let table = format!("{}.csv", stem.replacen("sweep.", "runs.", 1));
            let names = [format!("{stem}.json"), table];
            let record = format!("{}.json", stem.replacen("sweep.", "record.", 1));
            Record::verify_named(dir, &record, &[&names[0], &names[1]], &[])?;
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
