//! `chainlab run` and `chainlab sweep`: load, run through the application layer with a
//! progress bar, and say what came out in a few readable lines.

use super::{interrupt_flag, progress, say};
use crate::app::{self, Error};
use crate::results::Summary;
use crate::scenario::sweep::{expand, parse_shard};
use crate::scenario::Scenario;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Parallel sweep runs at most: each holds a run in memory.
const MAX_JOBS: usize = 256;

/// What `run` and `sweep` take besides the scenario.
pub struct RunArgs {
    pub seed: Option<u64>,
    pub replicates: Option<u32>,
    pub out: Option<PathBuf>,
    pub sets: Vec<String>,
    pub outputs: app::Outputs,
}

fn load(path: &Path, args: &RunArgs) -> Result<Scenario, Error> {
    let mut sets = args.sets.clone();
    if let Some(r) = args.replicates {
        sets.push(format!("replicates={r}"));
    }
    let mut sc = Scenario::load(path, &sets)?;
    if let Some(seed) = args.seed {
        sc.seed = seed;
    }
    Ok(sc)
}

pub fn run(path: &Path, args: RunArgs) -> Result<(), Error> {
    let sc = load(path, &args)?;
    crate::scenario::sweep::not_a_sweep(&sc, &path.display().to_string())?;
    let dir = args.out.clone().unwrap_or_else(|| app::default_out(&sc));
    if sc.replicates > 1 {
        let runs = app::sweep::plan_replicates(&sc);
        return sweep_into(&sc, runs, &dir, (None, args.outputs), None);
    }
    let bar = progress::RunBar::new();
    let done = app::run(&sc, &dir, args.outputs, &interrupt_flag(), |p| bar.show(p));
    bar.finish();
    let done = done?;
    for w in &done.warnings {
        let _ = writeln!(std::io::stderr(), "chainlab: warning: {w}");
    }
    say(&describe(&sc, &done.summary))?;
    say(&format!("results in {}\n", dir.display()))
}

/// A run's outcome in a few lines (what report.html's table says first).
fn describe(sc: &Scenario, s: &Summary) -> String {
    let secs = |v: Option<f64>| v.map_or("not measured".to_string(), |x| format!("{x:.2} s"));
    let blocks = s.blocks_main + s.blocks_stale;
    let interval = s
        .block_interval_s_mean
        .map_or("no block".into(), |m| format!("{m:.1} s"));
    let mut text = format!(
        "{} (seed {}): {} blocks on the main chain in {:.0} simulated seconds (mean interval {interval}, target {})\n",
        s.scenario, s.seed, s.blocks_main, s.simulated_s, sc.consensus.block_interval
    );
    text += &format!(
        "  stale blocks   {} of {blocks} ({:.2}%)\n",
        s.blocks_stale,
        s.stale_rate * 100.0
    );
    text += &format!(
        "  throughput     {:.2} payments/s confirmed of {:.2} offered\n",
        s.tps_confirmed, s.tps_offered
    );
    text += &format!(
        "  propagation    half the nodes {}, 90% {} (median over blocks)\n",
        secs(s.propagation_s_p50),
        secs(s.propagation_s_p90)
    );
    text += &format!(
        "  confirmation   {} confirmations {} (median); first inclusion {}\n",
        s.confirmations,
        secs(s.confirmation_s_p50),
        secs(s.inclusion_s_p50)
    );
    if let Some(p) = &s.perf {
        text += &format!(
            "  run            {} events in {:.2} s\n",
            p.events, p.wall_s
        );
    }
    text
}

pub fn run_sweep(
    path: &Path,
    jobs: Option<usize>,
    shard: Option<&str>,
    args: RunArgs,
) -> Result<(), Error> {
    let base = load(path, &args)?;
    let points = expand(&base, &path.display().to_string())?;
    let shard = shard
        .map(parse_shard)
        .transpose()
        .map_err(Error::BadInput)?;
    let dir = args.out.clone().unwrap_or_else(|| app::default_out(&base));
    if let Some(j) = jobs.filter(|j| !(1..=MAX_JOBS).contains(j)) {
        return Err(Error::BadInput(format!(
            "--jobs {j}: give 1 to {MAX_JOBS} (or leave it out to use every core); each job holds a whole run in memory"
        )));
    }
    let runs = app::sweep::plan(points, base.replicates);
    sweep_into(&base, runs, &dir, (shard, args.outputs), jobs)
}

fn sweep_into(
    base: &Scenario,
    runs: Vec<app::sweep::RunSpec>,
    dir: &Path,
    (shard, outputs): (Option<(usize, usize)>, app::Outputs),
    jobs: Option<usize>,
) -> Result<(), Error> {
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let bar = progress::SweepBar::new();
    let outcome = app::sweep::run_sweep(
        base,
        runs,
        dir,
        jobs,
        (shard, outputs),
        &interrupt_flag(),
        |p| bar.show(p),
    );
    bar.finish();
    let done = outcome?;
    let reused = match done.reused {
        0 => String::new(),
        n => format!(" ({n} found already done and kept)"),
    };
    say(&format!(
        "{} runs{reused}; tables in {}\n",
        done.runs,
        done.table.display()
    ))
}
