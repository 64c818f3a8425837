//! The command line as a user meets it: runs, determinism, and bad input.

mod common;

use common::cli::{chainlab, run_small, temp_dir, write, SMALL};
use std::path::Path;

/// Every file of a results directory, with the wall-clock `perf` block removed from
/// summary.json and without record.json (the places the contract allows figures of
/// the machine and the command line).
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.ends_with("record.json") && !p.ends_with("perf.json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let mut bytes = std::fs::read(&p).unwrap();
            if name == "summary.json" {
                let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                v.as_object_mut().unwrap().remove("perf");
                bytes = serde_json::to_vec(&v).unwrap();
            }
            (name, bytes)
        })
        .collect();
    if dir.join("plots").is_dir() {
        for (name, bytes) in contents(&dir.join("plots")) {
            files.push((format!("plots/{name}"), bytes));
        }
    }
    files.sort();
    files
}

/// Runs `scenario` into `out` with extra flags; returns the results' contents.
fn run_into(scenario: &Path, out: &Path, extra: &[&str]) -> Vec<(String, Vec<u8>)> {
    let status = chainlab()
        .arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    contents(out)
}

#[test]
fn same_seed_gives_identical_results_and_another_seed_does_not() {
    let dir = temp_dir("determinism");
    let scenario = write(&dir, "small.yaml", SMALL);
    let run = |out: &str, extra: &[&str]| run_into(&scenario, &dir.join(out), extra);
    let a = run("a", &[]);
    let b = run("b", &[]);
    let c = run("c", &["--seed", "8"]);
    assert_eq!(
        a.len(),
        24,
        "the marker, scenario, summary (JSON and CSV), miners.csv, four more CSV files, chain.dat, report.html, replay.json and six plots as PNG and SVG (SMALL retargets: the block-interval plot is drawn)"
    );
    assert_eq!(a, b);
    assert_ne!(a, c);
    let summary: serde_json::Value =
        serde_json::from_slice(&a.iter().find(|(n, _)| n == "summary.json").unwrap().1).unwrap();
    assert_eq!(summary["blocks_main"], 12);
    assert!(summary["tps_confirmed"].as_f64().unwrap() > 0.0);
}

#[test]
fn runs_with_attacks_and_faults_are_reproducible_too() {
    let dir = temp_dir("determinism-attacks");
    let yaml = format!(
        "{SMALL}attacks:\n  - {{ kind: selfish, hashrate: 0.3 }}\n  - {{ kind: double-spend, hashrate: 0.2, confirmations: 2, give_up_behind: 4 }}\nfaults:\n  - {{ kind: partition, at: 2m, for: 3m, nodes: 0.4 }}\n  - {{ kind: loss, rate: 0.05 }}\n"
    );
    let scenario = write(&dir, "attacked.yaml", &yaml);
    let run = |out: &str| run_into(&scenario, &dir.join(out), &[]);
    let a = run("a");
    assert_eq!(a, run("b"));
    assert!(a.iter().any(|(n, _)| n == "attacks.csv"));
}

fn expect_bad_input(yaml: &str, sets: &[&str], needle: &str) {
    expect_bad_input_with(yaml, &[], sets, needle);
}

/// As [`expect_bad_input`], with `files` (name, contents) written beside the scenario.
fn expect_bad_input_with(yaml: &str, files: &[(&str, &str)], sets: &[&str], needle: &str) {
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = temp_dir(&format!(
        "bad-{}",
        COUNT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    for (name, text) in files {
        write(&dir, name, text);
    }
    let scenario = write(&dir, "bad.yaml", yaml);
    let out = dir.join("out");
    let result = chainlab()
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args(sets.iter().flat_map(|s| ["--set", s]))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
    assert!(
        stderr.contains("bad.yaml"),
        "the message names the file: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists(), "no results directory for bad input");
}

#[test]
fn a_topology_file_naming_an_unknown_node_is_bad_input() {
    let yaml =
        "network: { nodes: 4, topology: { kind: csv, file: net.csv } }\nmining: { miners: 2 }\n";
    let good = "a,b,latency,bandwidth\n0,1,50ms,10Mbps\n1,2,50ms,\n2,3,80ms,10Mbps\n";
    for (csv, needle) in [
        (
            "a,b,latency\n0,1,50ms\n1,7,50ms\n",
            "net.csv: line 3: node 7 is unknown; network.nodes is 4",
        ),
        ("a,b,latency\n0,1,fast\n", "line 2: latency"),
        (
            "a,b,latency\n0,1,5ms\n2,3,5ms\n",
            "cannot be reached from node 0",
        ),
        ("a,b,latency\n0,1,5ms\n1,0,5ms\n", "already linked"),
        ("from,to,delay\n0,1,5ms\n", "the header must be a,b,latency"),
        (
            "a,b,latency,bandwidth\n0,1,5ms,-3Mbps\n",
            "line 2: bandwidth",
        ),
    ] {
        expect_bad_input_with(yaml, &[("net.csv", csv)], &[], needle);
    }
    // The good file runs.
    let dir = temp_dir("topology-ok");
    write(&dir, "net.csv", good);
    let scenario = write(
        &dir,
        "ok.yaml",
        &format!("{yaml}stop: {{ blocks: 3 }}\nworkload: {{ tx_rate: 0/s }}\n"),
    );
    let files = run_into(&scenario, &dir.join("out"), &[]);
    assert!(files.iter().any(|(n, _)| n == "summary.json"));
}

#[test]
fn yaml_syntax_error_names_line_and_column() {
    expect_bad_input("name: x\nnetwork: { nodes: 5\n", &[], "line");
}

#[test]
fn unknown_key_gets_a_did_you_mean_hint() {
    expect_bad_input("network: { nodez: 5 }\n", &[], "did you mean `nodes`");
}

#[test]
fn wrong_type_is_reported() {
    expect_bad_input("network: { nodes: many }\n", &[], "nodes");
}

#[test]
fn zero_or_negative_rates_and_bad_units_are_rejected() {
    expect_bad_input("workload: { tx_rate: -3/s }\n", &[], "rate");
    expect_bad_input(
        "consensus: { block_interval: 10 parsecs }\n",
        &[],
        "duration",
    );
    expect_bad_input(
        "consensus: { block_interval: 0s }\n",
        &[],
        "consensus.block_interval",
    );
    expect_bad_input("workload: { fee_rate: \"50..1\" }\n", &[], "low end");
    expect_bad_input("workload: { relay: flood }\n", &[], "shortest-path");
}

#[test]
fn hashrate_shares_must_sum_to_one() {
    expect_bad_input(
        "mining: { miners: 2, shares: [0.5, 0.7] }\n",
        &[],
        "sum to 1.2",
    );
}

#[test]
fn set_overrides_a_key_and_rejects_unknown_ones() {
    expect_bad_input(SMALL, &["network.nodez=10"], "did you mean `nodes`");
    let dir = temp_dir("set");
    let scenario = write(&dir, "s.yaml", SMALL);
    let out = chainlab()
        .args([
            "validate",
            scenario.to_str().unwrap(),
            "--set",
            "network.nodes=77",
            "--set",
            "consensus.block_interval=2m",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("nodes: 77"), "{text}");
    assert!(text.contains("block_interval: 2m"), "{text}");
}

#[test]
fn every_shipped_scenario_validates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut checked = 0;
    let mut paths = Vec::new();
    for dir in [
        root.clone(),
        root.join("classroom"),
        root.join("bench"),
        root.join("topologies"),
    ] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            paths.push(entry.unwrap().path());
        }
    }
    for path in paths {
        if path.extension().is_some_and(|e| e == "yaml") {
            let out = chainlab()
                .args(["validate", path.to_str().unwrap()])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            checked += 1;
        }
    }
    assert!(checked >= 18, "found {checked} scenarios");
}

#[test]
fn sharded_sweep_merges_into_the_same_table_as_a_whole_sweep() {
    let dir = temp_dir("sweep");
    let yaml = format!(
        "{SMALL}sweep: {{ network.nodes: [20, 30], consensus.block_interval: [20s, 40s] }}\n"
    );
    let scenario = write(&dir, "sweep.yaml", &yaml);
    let sweep = |out: &Path, extra: &[&str]| {
        let r = chainlab()
            .args([
                "sweep",
                scenario.to_str().unwrap(),
                "--jobs",
                "2",
                "--out",
                out.to_str().unwrap(),
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    };
    let whole = dir.join("whole");
    sweep(&whole, &[]);
    let sharded = dir.join("sharded");
    sweep(&sharded, &["--shard", "0/2"]);
    sweep(&sharded, &["--shard", "1/2"]);
    let merged = chainlab()
        .args(["merge", sharded.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let table = std::fs::read_to_string(whole.join("sweep.csv")).unwrap();
    assert_eq!(
        table,
        std::fs::read_to_string(sharded.join("sweep.csv")).unwrap()
    );
    assert_eq!(table.lines().count(), 5, "header and four points:\n{table}");
    assert!(
        // Columns in the order of the file's sweep block, each unit's SI twin beside it.
        table.starts_with(
            "point,network.nodes,consensus.block_interval,block_interval_s,replicates,seed,scenario"
        ),
        "{table}"
    );
    let runs = std::fs::read_to_string(whole.join("runs.csv")).unwrap();
    assert_eq!(
        runs,
        std::fs::read_to_string(sharded.join("runs.csv")).unwrap()
    );
}

#[test]
fn sweep_over_a_missing_key_is_bad_input() {
    let dir = temp_dir("sweep-bad");
    let scenario = write(
        &dir,
        "bad.yaml",
        &format!("{SMALL}sweep: {{ network.nodez: [20, 30] }}\n"),
    );
    let out = dir.join("out");
    let r = chainlab()
        .args([
            "sweep",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("did you mean `nodes`"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn trace_records_every_block_found_and_is_reproducible() {
    let dir = temp_dir("trace");
    let scenario = write(&dir, "small.yaml", SMALL);
    let run = |out: &str| {
        let out = dir.join(out);
        let r = chainlab()
            .args([
                "run",
                scenario.to_str().unwrap(),
                "--trace",
                "--out",
                out.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        (
            std::fs::read_to_string(out.join("trace.csv")).unwrap(),
            std::fs::read_to_string(out.join("blocks.csv")).unwrap(),
        )
    };
    let (trace, blocks) = run("a");
    assert_eq!(trace, run("b").0);
    let mined = trace
        .lines()
        .filter(|l| l.split(',').nth(2) == Some("mined"))
        .count();
    assert_eq!(
        mined,
        blocks.lines().count() - 2,
        "one row per block except genesis"
    );
    assert!(trace.lines().any(|l| l.contains(",validated,")));
}

#[test]
fn plot_redraws_a_run_from_its_files_identically() {
    let (dir, out) = run_small("plot");
    let before = contents(&out.join("plots"));
    std::fs::remove_dir_all(out.join("plots")).unwrap();
    let r = chainlab()
        .args(["plot", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert_eq!(contents(&out.join("plots")), before);
    let missing = chainlab()
        .args(["plot", dir.join("nowhere").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn a_shard_starts_beside_another_shards_point_still_being_written() {
    // Shards of one sweep share its directory (a cluster's array job): one may start
    // while the other's first point is still staged, before anything else is there.
    let dir = temp_dir("shard-beside");
    let yaml = format!("{SMALL}sweep: {{ network.nodes: [20, 30] }}\n");
    let scenario = write(&dir, "sweep.yaml", &yaml);
    let out = dir.join("out");
    let staging = out.join(".point-0001.partial-4242-0");
    std::fs::create_dir_all(&staging).unwrap();
    let marker = "This directory was written by chainlab (a results directory).\n";
    std::fs::write(out.join(".chainlab-results"), marker).unwrap();
    std::fs::write(staging.join(".chainlab-results"), marker).unwrap();
    let r = chainlab()
        .args([
            "sweep",
            scenario.to_str().unwrap(),
            "--shard",
            "0/2",
            "--jobs",
            "1",
        ])
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(out.join("point-0000/summary.json").is_file());
    // The other shard's point is left as it was.
    assert!(staging.join(".chainlab-results").is_file());
}
