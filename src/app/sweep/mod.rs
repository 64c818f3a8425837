//! Sweeps: every grid point, and each of its replicates, is one complete deterministic
//! run in a directory of its own, written as soon as it finishes; `jobs` of them run at
//! a time. A rerun skips every run whose directory already holds that run (the same
//! resolved scenario, by its record), so a sweep stopped half way (Ctrl-C, a cluster
//! preempting it) picks up where it stopped. The tables (`tables`) are made from the
//! runs' summaries at the end.

pub mod shards;
pub mod tables;

pub use shards::merge;

use super::{Error, Outputs};
use crate::results::record::Record;
use crate::results::Summary;
use crate::scenario::sweep::{describe, replicate_seed, Point};
use crate::scenario::Scenario;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// One run of a sweep.
pub struct RunSpec {
    pub point: usize,
    pub replicate: u32,
    pub settings: Vec<(String, String)>,
    pub scenario: Scenario,
    /// Its directory's name below the sweep's.
    pub dir: String,
}

/// `point-NNNN`, or with several replicates `point-NNNN-rRR`.
pub fn run_dir_name(point: usize, replicate: u32, replicates: u32) -> String {
    match replicates {
        1 => format!("point-{point:04}"),
        _ => format!("point-{point:04}-r{replicate:02}"),
    }
}

/// Every run of `points`, `replicates` each, their seeds derived from each point's.
/// Several runs of one scenario (`replicates`): a sweep of one point, with the same
/// tables as a sweep.
pub fn plan_replicates(sc: &Scenario) -> Vec<RunSpec> {
    let point = Point {
        index: 0,
        settings: Vec::new(),
        scenario: sc.clone(),
    };
    plan(vec![point], sc.replicates)
}

pub fn plan(points: Vec<Point>, replicates: u32) -> Vec<RunSpec> {
    let mut runs = Vec::new();
    for p in points {
        for r in 0..replicates {
            let mut scenario = p.scenario.clone();
            scenario.seed = replicate_seed(p.scenario.seed, r);
            runs.push(RunSpec {
                point: p.index,
                replicate: r,
                settings: p.settings.clone(),
                scenario,
                dir: run_dir_name(p.index, r, replicates),
            });
        }
    }
    runs
}

/// Where a sweep is: runs finished (those found done included), of how many, and the
/// runs in progress with the fraction each has done.
pub struct SweepProgress<'a> {
    pub done: usize,
    pub total: usize,
    pub running: &'a [(usize, u32, f64)],
}

/// What a sweep did.
pub struct SweepDone {
    pub table: PathBuf,
    pub runs: usize,
    /// Runs found already done (a rerun after an interruption), not run again.
    pub reused: usize,
}

/// Whether `dir` already holds `run`: its record names the same resolved scenario.
fn already_done(dir: &Path, run: &RunSpec) -> bool {
    let want = crate::report::write::resolved_yaml(&run.scenario);
    let want = Record::new(Some(&want), vec![]).scenario_sha256;
    Record::read(dir).is_ok_and(|r| r.scenario_sha256 == want)
        && crate::results::run::read_summary(dir).is_ok()
}

/// Runs a sweep's `runs` (those of `shard` only) into `dir`, `jobs` at a time.
pub fn run_sweep(
    base: &Scenario,
    runs: Vec<RunSpec>,
    dir: &Path,
    jobs: usize,
    (shard, outputs): (Option<(usize, usize)>, Outputs),
    interrupt: &AtomicBool,
    progress: impl Fn(&SweepProgress) + Sync,
) -> Result<SweepDone, Error> {
    crate::results::outdir::open_own_dir(dir)?;
    let mine: Vec<&RunSpec> = (runs.iter())
        .filter(|r| shard.is_none_or(|(i, n)| r.point % n == i))
        .collect();
    tidy(dir, &runs)?;
    let todo: Vec<&RunSpec> = (mine.iter().copied())
        .filter(|r| !already_done(&dir.join(&r.dir), r))
        .collect();
    let reused = mine.len() - todo.len();
    run_all(&todo, dir, (jobs, outputs), interrupt, |done, running| {
        progress(&SweepProgress {
            done: reused + done,
            total: mine.len(),
            running,
        })
    })?;
    let summaries = (mine.iter())
        .map(|r| crate::results::run::read_summary(&dir.join(&r.dir)).map_err(Error::BadInput))
        .collect::<Result<Vec<Summary>, Error>>()?;
    let rows: Vec<tables::RunRow<'_>> = (mine.iter().zip(&summaries))
        .map(|(r, s)| tables::RunRow {
            point: r.point,
            replicate: r.replicate,
            seed: r.scenario.seed,
            settings: &r.settings,
            summary: s,
            dir: &r.dir,
        })
        .collect();
    let table = write_tables(
        dir,
        (base, outputs),
        &runs,
        &tables::runs_table(&rows),
        shard,
    )?;
    let seeds = mine.iter().map(|r| r.scenario.seed).collect();
    let record = Record::new(Some(&base.to_yaml()), seeds);
    let sealed = match shard {
        // Shards may share one directory: each records only its own two files.
        Some((i, n)) => {
            let (table, manifest) = shards::shard_names(i, n);
            record.seal_files(dir, &shards::record_name(i, n), &[table, manifest])
        }
        None => record.seal(dir),
    };
    sealed.map_err(|e| Error::Internal(e.into()))?;
    Ok(SweepDone {
        table,
        runs: mine.len(),
        reused,
    })
}

/// runs.csv and sweep.csv with the plots, or a shard's runs table and manifest.
fn write_tables(
    dir: &Path,
    (base, outputs): (&Scenario, Outputs),
    runs: &[RunSpec],
    table: &tables::Table,
    shard: Option<(usize, usize)>,
) -> Result<PathBuf, Error> {
    if let Some((i, n)) = shard {
        let (name, _) = shards::shard_names(i, n);
        tables::write(&dir.join(&name), table)?;
        let mut points: Vec<usize> = runs
            .iter()
            .map(|r| r.point)
            .filter(|p| p % n == i)
            .collect();
        points.dedup();
        let total = runs.iter().map(|r| r.point + 1).max().unwrap_or(0);
        shards::write_manifest(dir, base, total, &points, (i, n))?;
        return Ok(dir.join(name));
    }
    tables::write(&dir.join("runs.csv"), table)?;
    tables::write(&dir.join("sweep.csv"), &tables::sweep_table(table))?;
    crate::report::sweep_plots::draw_sweep_plots(dir, outputs.plot_style())?;
    Ok(dir.join("sweep.csv"))
}

/// Before running: the tables of an earlier sweep here go (they are rewritten at the
/// end; an interrupted sweep leaves none), and so do run directories this sweep has no
/// run for (another grid's). Everything removed is chainlab's: open_own_dir proved the
/// directory is, and only point directories and chainlab's table names are touched.
fn tidy(dir: &Path, runs: &[RunSpec]) -> Result<(), Error> {
    let wanted: std::collections::HashSet<&str> = runs.iter().map(|r| r.dir.as_str()).collect();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::BadInput(format!("{}: cannot list it: {e}", dir.display())))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let removed =
            if crate::results::outdir::is_point_name(&name) && !wanted.contains(name.as_str()) {
                std::fs::remove_dir_all(&path)
            } else if name == "sweep.csv" || name == "runs.csv" {
                std::fs::remove_file(&path)
            } else {
                continue;
            };
        removed
            .map_err(|e| Error::Internal(anyhow::anyhow!("removing {}: {e}", path.display())))?;
    }
    Ok(())
}

/// Runs `todo` on `jobs` threads; results do not depend on `jobs` or on which thread
/// ran which run. `report(done, running)` is called as runs progress and finish.
fn run_all(
    todo: &[&RunSpec],
    dir: &Path,
    (jobs, outputs): (usize, Outputs),
    interrupt: &AtomicBool,
    report: impl Fn(usize, &[(usize, u32, f64)]) + Sync,
) -> Result<(), Error> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let running: Mutex<Vec<(usize, u32, f64)>> = Mutex::new(Vec::new());
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    let show = |running: &Mutex<Vec<(usize, u32, f64)>>| {
        let now = running.lock().map(|r| r.clone()).unwrap_or_default();
        report(done.load(Ordering::SeqCst), &now);
    };
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(todo.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(run) = todo.get(i) else { break };
                if interrupt.load(Ordering::Relaxed) || failure.lock().is_ok_and(|f| f.is_some()) {
                    break;
                }
                let key = (run.point, run.replicate);
                set_running(&running, key, Some(0.0));
                let outcome = super::run(
                    &run.scenario,
                    &dir.join(&run.dir),
                    outputs,
                    interrupt,
                    |p| {
                        set_running(&running, key, Some(p.fraction));
                        show(&running);
                    },
                );
                set_running(&running, key, None);
                match outcome {
                    Ok(_) => {
                        done.fetch_add(1, Ordering::SeqCst);
                        show(&running);
                    }
                    Err(e) => {
                        let e = match e {
                            Error::Internal(e) => Error::Internal(e.context(format!(
                                "point {} ({})",
                                run.point,
                                describe(&run.settings)
                            ))),
                            other => other,
                        };
                        failure.lock().expect("failure lock").get_or_insert(e);
                    }
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().expect("failure lock") {
        return Err(e);
    }
    if interrupt.load(Ordering::Relaxed) {
        return Err(Error::Interrupted);
    }
    Ok(())
}

/// Marks run `key` as at `fraction`, or no longer running.
fn set_running(running: &Mutex<Vec<(usize, u32, f64)>>, key: (usize, u32), fraction: Option<f64>) {
    if let Ok(mut r) = running.lock() {
        r.retain(|&(p, rep, _)| (p, rep) != key);
        if let Some(f) = fraction {
            r.push((key.0, key.1, f));
            r.sort_by_key(|&(p, rep, _)| (p, rep));
        }
    }
}
