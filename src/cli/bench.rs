//! `chainlab bench`: runs the benchmark scenarios, each several times and each run in
//! a process of its own (so that peak memory is per run), and prints the median with
//! the range of wall time and of CPU time — the machines are noisy, and CPU seconds
//! are steadier than wall seconds where other work shares the cores.

use crate::app::Error;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub const STANDARD: &str = "scenarios/bench/simblock-2015.yaml";
pub const LARGE: &str = "scenarios/bench/100k-nodes.yaml";
pub const HUGE: &str = "scenarios/bench/1m-nodes.yaml";
/// How many times a scenario runs unless `--repeat` says otherwise.
pub const REPEAT: u32 = 3;
pub const MAX_REPEAT: u32 = 100;

/// One run of a scenario as the bench saw it.
struct Measured {
    scenario: String,
    nodes: u32,
    blocks: u32,
    events: u64,
    wall_s: f64,
    cpu_s: Option<f64>,
    peak_rss_bytes: u64,
}

fn internal(e: String) -> Error {
    Error::Internal(anyhow::anyhow!(e))
}

pub fn run(scenarios: &[PathBuf], repeat: u32) -> Result<String, Error> {
    // A directory of our own, made new (never one that happened to exist), and removed
    // with everything in it when done: only the runs' results are ever in it.
    let scratch = tempfile::Builder::new()
        .prefix("chainlab-bench-")
        .tempdir()
        .map_err(|e| internal(format!("cannot make a scratch directory: {e}")))?;
    let mut table = format!(
        "{:<24} {:>7} {:>6} {:>11} {:>22} {:>22} {:>9}\n",
        "scenario",
        "nodes",
        "blocks",
        "events",
        "wall_s median (range)",
        "cpu_s median (range)",
        "sim_peak_MiB"
    );
    let mut count = 0;
    for scenario in scenarios {
        let mut runs = Vec::new();
        for _ in 0..repeat {
            count += 1;
            runs.push(measure(
                scenario,
                &scratch.path().join(format!("run-{count}")),
            )?);
        }
        table.push_str(&row(scenario, &runs)?);
    }
    table.push_str(&format!(
        "{repeat} runs each, every run in its own process; wall and CPU seconds of the whole process (results written), CPU = user + system; sim_peak_MiB: the highest resident memory of the runs' simulations, before their results are written\n"
    ));
    Ok(table)
}

/// Runs `scenario` once into `out` in a child process.
fn measure(scenario: &Path, out: &Path) -> Result<Measured, Error> {
    let exe =
        std::env::current_exe().map_err(|e| internal(format!("cannot find this program: {e}")))?;
    let cpu_before = children_cpu_s();
    let started = Instant::now();
    let child = Command::new(&exe)
        .arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .output()
        .map_err(|e| internal(format!("cannot start {}: {e}", exe.display())))?;
    let wall_s = started.elapsed().as_secs_f64();
    let cpu_s = cpu_before.zip(children_cpu_s()).map(|(a, b)| b - a);
    if !child.status.success() {
        // The run's own message, once: bad input stays bad input (exit 2).
        let said = String::from_utf8_lossy(&child.stderr);
        let said = said.trim().trim_start_matches("chainlab: ").to_string();
        return Err(match child.status.code() {
            Some(2) => Error::BadInput(said),
            Some(130) => Error::Interrupted,
            _ => internal(format!(
                "{}: the run failed ({}): {said}",
                scenario.display(),
                child.status
            )),
        });
    }
    let summary = crate::results::run::read_summary(out).map_err(internal)?;
    let perf =
        (summary.perf.as_ref()).ok_or_else(|| internal("the run wrote no perf.json".into()))?;
    let measured = Measured {
        scenario: summary.scenario.clone(),
        nodes: summary.nodes,
        blocks: summary.blocks_main + summary.blocks_stale,
        events: perf.events,
        wall_s,
        cpu_s,
        peak_rss_bytes: perf.peak_rss_bytes,
    };
    // Only the last run's files matter for the next one: keep the scratch small.
    std::fs::remove_dir_all(out).map_err(|e| internal(format!("{}: {e}", out.display())))?;
    Ok(measured)
}

/// One line of the table: the runs must agree on what they simulated.
fn row(path: &Path, runs: &[Measured]) -> Result<String, Error> {
    let first = &runs[0];
    if runs
        .iter()
        .any(|r| r.events != first.events || r.blocks != first.blocks)
    {
        return Err(internal(format!(
            "{}: repeated runs simulated different event counts — chainlab is meant to be deterministic; please report this",
            path.display()
        )));
    }
    let wall = spread(runs.iter().map(|r| r.wall_s).collect());
    let cpu = match runs.iter().map(|r| r.cpu_s).collect::<Option<Vec<_>>>() {
        Some(v) => spread(v),
        None => "n/a".to_string(),
    };
    let peak = runs.iter().map(|r| r.peak_rss_bytes).max().unwrap_or(0);
    Ok(format!(
        "{:<24} {:>7} {:>6} {:>11} {:>22} {:>22} {:>9.0}\n",
        first.scenario,
        first.nodes,
        first.blocks,
        first.events,
        wall,
        cpu,
        peak as f64 / (1024.0 * 1024.0)
    ))
}

/// "median (min–max)".
fn spread(mut v: Vec<f64>) -> String {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    format!("{median:.2} ({:.2}–{:.2})", v[0], v[n - 1])
}

/// CPU seconds (user + system) of this process's finished children, all their
/// threads included: /proc/self/stat's cutime and cstime, in Linux's USER_HZ ticks
/// (100 a second, fixed by the kernel's ABI). `None` where /proc is unavailable.
fn children_cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces and parentheses: count after the last ')'.
    let fields: Vec<&str> = stat
        .get(stat.rfind(')')? + 2..)?
        .split_whitespace()
        .collect();
    // fields[0] is field 3 (state); cutime is field 16 and cstime field 17.
    let cutime: f64 = fields.get(13)?.parse().ok()?;
    let cstime: f64 = fields.get(14)?.parse().ok()?;
    Some((cutime + cstime) / 100.0)
}
