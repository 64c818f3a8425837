//! `chainlab bench`: runs the benchmark scenarios, each in its own process so that
//! peak memory is per scenario, and prints events/s, wall time and peak RSS.

use crate::report::Summary;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const STANDARD: &str = "scenarios/bench/simblock-2015.yaml";
pub const LARGE: &str = "scenarios/bench/100k-nodes.yaml";

pub fn run(scenarios: &[PathBuf]) -> Result<String, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let scratch = std::env::temp_dir().join(format!("chainlab-bench-{}", std::process::id()));
    let mut table = String::from(
        "scenario                  nodes   blocks      events   wall_s   events/s   peak_RSS_MiB\n",
    );
    for scenario in scenarios {
        let out = scratch.join(scenario.file_stem().unwrap_or_default());
        let status = Command::new(&exe)
            .arg("run")
            .arg(scenario)
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .status()
            .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
        if !status.success() {
            let _ = std::fs::remove_dir_all(&scratch);
            return Err(format!("{}: the run failed ({status})", scenario.display()));
        }
        let summary = read_summary(&out)?;
        let perf = summary
            .perf
            .as_ref()
            .ok_or("summary.json has no perf block")?;
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
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(table)
}

fn read_summary(dir: &Path) -> Result<Summary, String> {
    let path = dir.join("summary.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}
