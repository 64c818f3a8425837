//! `chainlab bench`: runs the benchmark scenarios, each in its own process so that
//! peak memory is per scenario, and prints events/s, wall time and peak RSS.

use crate::app::Error;
use std::path::PathBuf;
use std::process::Command;

pub const STANDARD: &str = "scenarios/bench/simblock-2015.yaml";
pub const LARGE: &str = "scenarios/bench/100k-nodes.yaml";

pub fn run(scenarios: &[PathBuf]) -> Result<String, Error> {
    let internal = |e: String| Error::Internal(anyhow::anyhow!(e));
    let exe =
        std::env::current_exe().map_err(|e| internal(format!("cannot find this program: {e}")))?;
    // A directory of our own, made new (never one that happened to exist), and removed
    // with everything in it when done: only the runs' results are ever in it.
    let scratch = tempfile::Builder::new()
        .prefix("chainlab-bench-")
        .tempdir()
        .map_err(|e| internal(format!("cannot make a scratch directory: {e}")))?;
    let mut table = String::from(
        "scenario                  nodes   blocks      events   wall_s   events/s   peak_RSS_MiB\n",
    );
    for scenario in scenarios {
        let out = scratch
            .path()
            .join(format!("run-{}", table.lines().count()));
        let child = Command::new(&exe)
            .arg("run")
            .arg(scenario)
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .output()
            .map_err(|e| internal(format!("cannot start {}: {e}", exe.display())))?;
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
        let summary = crate::results::run::read_summary(&out).map_err(internal)?;
        let perf =
            (summary.perf.as_ref()).ok_or_else(|| internal("the run wrote no perf.json".into()))?;
        table.push_str(&format!(
            "{:<24} {:>6} {:>8} {:>11} {:>8.2} {:>10.0} {:>14.0}\n",
            summary.scenario,
            summary.nodes,
            summary.blocks_main + summary.blocks_stale,
            perf.events,
            perf.wall_s,
            perf.events_per_s,
            perf.peak_rss_bytes as f64 / (1024.0 * 1024.0),
        ));
    }
    Ok(table)
}
