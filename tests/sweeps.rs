//! Sweeps for research: replicates with confidence intervals, tables that hold every
//! figure, runs skipped on a rerun, and the same bytes whatever the parallelism.

use std::path::Path;
use std::process::Command;

/// A scratch directory of the test's own (a fresh name), removed when dropped.
fn workdir(name: &str) -> tempfile::TempDir {
    (tempfile::Builder::new().prefix(&format!("chainlab-sweeps-{name}-")))
        .tempdir()
        .unwrap()
}

fn chainlab(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_chainlab"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const GRID: &str = "name: grid
seed: 5
stop: { blocks: 8 }
network: { nodes: 20, outbound: 4 }
consensus: { block_interval: 30s, retarget_interval: 0 }
mining: { miners: 2 }
workload: { tx_rate: 2/s, wallets: 10, coins_per_wallet: 4 }
replicates: 3
sweep:
  consensus.block_interval: [20s, 1m]
";

struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn csv(path: &Path) -> Csv {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>());
    Csv {
        header: lines.next().unwrap(),
        rows: lines.collect(),
    }
}

impl Csv {
    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name}"))
    }
}

#[test]
fn replicates_give_means_and_student_intervals_from_runs_csv() {
    let scratch = workdir("replicates");
    let dir = scratch.path();
    std::fs::write(dir.join("g.yaml"), GRID).unwrap();
    chainlab(dir, &["sweep", "g.yaml", "--out", "s", "--jobs", "2"]);
    let runs = csv(&dir.join("s/runs.csv"));
    let sweep = csv(&dir.join("s/sweep.csv"));
    assert_eq!(runs.rows.len(), 6, "2 points × 3 replicates");
    assert_eq!(sweep.rows.len(), 2);
    // Replicates have seeds of their own; the first is the point's.
    let seeds: Vec<&str> = runs
        .rows
        .iter()
        .map(|r| r[runs.col("seed")].as_str())
        .collect();
    assert_eq!(seeds[0], "5");
    assert!(seeds[1] != seeds[0] && seeds[2] != seeds[1]);
    assert_eq!(seeds[..3], seeds[3..], "the same seeds at every point");
    // The interval is Student's t over the three replicates of runs.csv.
    let (tps, ci) = (sweep.col("tps_confirmed"), sweep.col("tps_confirmed_ci95"));
    let values: Vec<f64> = runs.rows[..3]
        .iter()
        .map(|r| r[runs.col("tps_confirmed")].parse().unwrap())
        .collect();
    let mean = values.iter().sum::<f64>() / 3.0;
    let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 2.0).sqrt();
    let half = 4.303 * sd / 3f64.sqrt();
    let got: f64 = sweep.rows[0][ci].parse().unwrap();
    assert!((sweep.rows[0][tps].parse::<f64>().unwrap() - mean).abs() < 1e-9);
    assert!((got - half).abs() < 1e-9, "{got} vs {half}");
    // Every scalar of the summary is a column, with the SI twin of the swept value.
    for name in [
        "inclusion_s_p99",
        "chain_bytes",
        "txs_reverted",
        "block_interval_s_mean",
        "propagation_s_p100",
    ] {
        runs.col(name);
    }
    assert_eq!(runs.rows[3][runs.col("block_interval_s")], "60");
    // Without float noise: no number runs to more than 12 significant digits.
    for row in &sweep.rows {
        for cell in row {
            let digits = cell.chars().filter(char::is_ascii_digit).count();
            assert!(cell.parse::<f64>().is_err() || digits <= 20, "{cell}");
        }
    }
}

#[test]
fn a_rerun_keeps_what_was_done_and_gives_the_same_tables() {
    let scratch = workdir("resume");
    let dir = scratch.path();
    std::fs::write(dir.join("g.yaml"), GRID).unwrap();
    chainlab(dir, &["sweep", "g.yaml", "--out", "s", "--jobs", "1"]);
    let first = std::fs::read(dir.join("s/sweep.csv")).unwrap();
    let runs = std::fs::read(dir.join("s/runs.csv")).unwrap();
    // As if stopped before one run and the tables were written.
    std::fs::remove_dir_all(dir.join("s/point-0001-r02")).unwrap();
    std::fs::remove_file(dir.join("s/sweep.csv")).unwrap();
    let said = chainlab(dir, &["sweep", "g.yaml", "--out", "s", "--jobs", "2"]);
    assert!(said.contains("5 found already done"), "{said}");
    assert_eq!(std::fs::read(dir.join("s/sweep.csv")).unwrap(), first);
    assert_eq!(std::fs::read(dir.join("s/runs.csv")).unwrap(), runs);
    // Another grid into the same directory: the old runs that are not its own go.
    std::fs::write(dir.join("h.yaml"), GRID.replace("[20s, 1m]", "[20s]")).unwrap();
    chainlab(dir, &["sweep", "h.yaml", "--out", "s"]);
    assert!(!dir.join("s/point-0001-r00").exists());
    assert_eq!(csv(&dir.join("s/runs.csv")).rows.len(), 3);
}

#[test]
fn a_single_run_with_replicates_writes_the_same_tables() {
    let scratch = workdir("single");
    let dir = scratch.path();
    let single = GRID.split("sweep:").next().unwrap();
    std::fs::write(dir.join("one.yaml"), single).unwrap();
    chainlab(
        dir,
        &[
            "run",
            "one.yaml",
            "--out",
            "r",
            "--replicates",
            "4",
            "--lean",
        ],
    );
    let sweep = csv(&dir.join("r/sweep.csv"));
    assert_eq!(sweep.rows.len(), 1);
    assert_eq!(sweep.rows[0][sweep.col("replicates")], "4");
    assert_eq!(csv(&dir.join("r/runs.csv")).rows.len(), 4);
    let lean: Vec<String> = std::fs::read_dir(dir.join("r/point-0000-r00"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !lean.iter().any(|f| f == "chain.dat" || f == "blocks.csv"),
        "{lean:?}"
    );
}

/// A sweep that turns routing on and off: every run has the same columns (routing's
/// figures are zero and empty without it), so the tables are whole.
#[test]
fn a_sweep_can_turn_routing_on_and_off() {
    let scratch = workdir("routing-toggle");
    let dir = scratch.path();
    let grid = GRID.replace(
        "sweep:\n  consensus.block_interval: [20s, 1m]",
        "sweep:\n  routing: [{}, null]",
    );
    std::fs::write(
        dir.join("grid.yaml"),
        grid.replace("replicates: 3", "replicates: 1"),
    )
    .unwrap();
    chainlab(dir, &["sweep", "grid.yaml", "--lean", "--out", "s"]);
    let runs = csv(&dir.join("s/runs.csv"));
    let dials = runs.col("routing_dials");
    assert_eq!(runs.rows.len(), 2);
    assert!(runs.rows.iter().all(|r| r.len() == runs.header.len()));
    assert_eq!(runs.rows[1][dials], "0", "no dials without routing");
    let sweep = csv(&dir.join("s/sweep.csv"));
    assert_eq!(sweep.rows.len(), 2);
}
