//! Untrusted input, second sweep (issue #11): the machine around chainlab (a closed
//! pipe, a full disk, a shared temporary directory), numbers past 2^64, dense graphs,
//! messages that must name the right place, and results that must stand alone.

mod common;

use common::hostile::*;
use std::io::Read;
use std::process::{Command, Stdio};

#[test]
fn bench_works_in_a_directory_of_its_own_and_removes_only_that() {
    let dir = workspace("bench");
    scenario(&dir, "tiny.yaml", TINY);
    let tmp = dir.join("tmp");
    // What an earlier chainlab's fixed name would have been, holding someone's file.
    std::fs::create_dir_all(tmp.join("chainlab-bench-1/precious")).unwrap();
    std::fs::write(tmp.join("chainlab-bench-1/precious/data.txt"), "x").unwrap();
    let out = chainlab(&dir)
        .args(["bench", "tiny.yaml", "--repeat", "3"])
        .env("TMPDIR", &tmp)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Three runs of one scenario: one row with medians and ranges, CPU measured.
    let table = String::from_utf8_lossy(&out.stdout);
    let row = table.lines().nth(1).unwrap();
    assert_eq!(row.matches('–').count(), 2, "{table}");
    assert!(!row.contains("n/a"), "{table}");
    assert!(table.contains("3 runs each"), "{table}");
    assert_eq!(
        std::fs::read_to_string(tmp.join("chainlab-bench-1/precious/data.txt")).unwrap(),
        "x"
    );
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
    assert_eq!(left.len(), 1, "only what was there before");
    // A run the bench starts that refuses its input is bad input, said once.
    scenario(&dir, "bad.yaml", "network: { nodes: 1 }\n");
    refused(&run(&dir, &["bench", "bad.yaml"]), &["network.nodes"]);
    refused(
        &run(&dir, &["bench", "tiny.yaml", "--repeat", "0"]),
        &["--repeat 0", "give 1 to 100"],
    );
    // --large and --huge name the shipped scenarios, found from the repository root.
    for (flag, file) in [("--large", "100k-nodes.yaml"), ("--huge", "1m-nodes.yaml")] {
        refused(
            &run(&dir, &["bench", "tiny.yaml", flag]),
            &[file, "repository root"],
        );
    }
    untouched(&dir);
}

#[test]
fn a_closed_pipe_ends_quietly_and_a_full_disk_is_reported() {
    let root = env!("CARGO_MANIFEST_DIR");
    let quickstart = format!("{root}/scenarios/quickstart.yaml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_chainlab"))
        .args(["validate", &quickstart])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read a byte, then hang up, as `| head -c 1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut byte = [0u8; 1];
    stdout.read_exact(&mut byte).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        out.status.success() || out.status.code() == Some(0),
        "{err}"
    );
    if std::path::Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_chainlab"))
            .args(["validate", &quickstart])
            .stdout(full)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("cannot write to standard output"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn revenue_past_two_to_the_64_satoshis_is_counted_not_wrapped() {
    let dir = workspace("revenue");
    // 21 million coins a block, never halving: 900 blocks pay 1.89e18 satoshis... and
    // 9,000 would pass 2^64. Every block's coinbase claims the full subsidy.
    let yaml = "stop: { blocks: 9000 }\nnetwork: { nodes: 4, outbound: 1 }\nmining: { miners: 1 }\nconsensus: { reward: 21000000, halving_interval: 0, block_interval: 1m, retarget_interval: 0 }\nworkload: { tx_rate: 0/s }\n";
    scenario(&dir, "rich.yaml", yaml);
    assert!(run(&dir, &["run", "rich.yaml", "--out", "r"])
        .status
        .success());
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("r/summary.json")).unwrap()).unwrap();
    let blocks = summary["blocks_main"].as_u64().unwrap() as u128;
    // Read as text: a JSON or CSV reader's f64 would round the integer.
    let miners = std::fs::read_to_string(dir.join("r/miners.csv")).unwrap();
    let column = miners
        .lines()
        .next()
        .unwrap()
        .split(',')
        .position(|c| c == "revenue_sat");
    let revenue: u128 = miners
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(column.unwrap())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(revenue, blocks * 21_000_000 * 100_000_000);
    assert!(revenue > u128::from(u64::MAX));
    untouched(&dir);
}

#[test]
fn a_workload_is_bounded_for_as_long_as_a_run_may_last() {
    let dir = workspace("longest");
    // 20 minutes expected, but a run that cannot mine goes on for ten times that.
    scenario(
        &dir,
        "stalled.yaml",
        "stop: { blocks: 2 }\nnetwork: { nodes: 4, outbound: 1 }\nmining: { miners: 1 }\nworkload: { tx_rate: 8000/s }\n",
    );
    refused(
        &run(&dir, &["validate", "stalled.yaml"]),
        &[
            "workload.tx_rate",
            "ten times its expected length",
            "give stop.time",
        ],
    );
    // A fault or an attack timed after the longest such a run can take never happens.
    let late = format!("{TINY}faults: [ {{ kind: partition, at: 3650d, for: 1h, nodes: 0.5 }} ]\n");
    scenario(&dir, "late.yaml", &late);
    refused(
        &run(&dir, &["validate", "late.yaml"]),
        &["faults[0].at", "never happen"],
    );
    untouched(&dir);
}

#[test]
fn messages_name_the_place_in_the_users_words() {
    let dir = workspace("words");
    let cases: &[(&str, &[&str])] = &[
        (
            "attacks: [ { kind: selfish, hashrate: 0.3, confirmations: 6 } ]\n",
            &["not a key of attacks[0]"],
        ),
        (
            "faults: [ { kind: crash, at: 1s, for: 1s, nodes: half } ]\n",
            &["neither a list of node ids", "fraction"],
        ),
        (
            "a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n",
            &["larger or more deeply nested than a scenario can be"],
        ),
        (
            "network: { topology: { kind: random, rewire: 0.5 } }\n",
            &["network.topology.rewire is not a key of kind random"],
        ),
        (
            "network: { topology: { kind: csv, file: \"\" } }\n",
            &["network.topology.file is empty"],
        ),
        (
            "sweep: { network.nodes: 10 }\n",
            &["sweep.network.nodes is 10", "list"],
        ),
        (
            "workload: { tx_rate: 1/s, wallets: 100000, coins_per_wallet: 20 }\nattacks: [ { kind: double-spend, hashrate: 0.3, confirmations: 1, amount: 1000000, attempts: 10000000 } ]\n",
            &["10000020100000 coins", "10000000100000 for double spenders"],
        ),
    ];
    for (i, (yaml, expected)) in cases.iter().enumerate() {
        let file = format!("case{i}.yaml");
        scenario(&dir, &file, yaml);
        refused(&run(&dir, &["validate", &file]), expected);
    }
    scenario(&dir, "s.yaml", TINY);
    refused(
        &run(&dir, &["validate", "s.yaml", "--set", "network.nodes=0"]),
        &["with --set network.nodes=0", "network.nodes is 0"],
    );
    refused(
        &run(
            &dir,
            &["validate", "s.yaml", "--set", "network.nodes={a: 1, a: 2}"],
        ),
        &["--set network.nodes"],
    );
    // A topology file's own line numbers, blank lines and all; bytes that are not text.
    std::fs::write(dir.join("net.csv"), "a,b,latency\n0,1,10ms\n\n\n1,9,10ms\n").unwrap();
    let csv = "stop: { blocks: 2 }\nnetwork: { nodes: 4, outbound: 1, topology: { kind: csv, file: net.csv } }\nmining: { miners: 1 }\n";
    scenario(&dir, "csv.yaml", csv);
    refused(
        &run(&dir, &["validate", "csv.yaml"]),
        &["line 5", "node 9 is unknown"],
    );
    std::fs::write(
        dir.join("net.csv"),
        b"a,b,latency\n0,1,10ms\xff\n".as_slice(),
    )
    .unwrap();
    refused(
        &run(&dir, &["validate", "csv.yaml"]),
        &["line 2", "not UTF-8 text"],
    );
    refused(&run(&dir, &["bench", "/dev/null"]), &["not a regular file"]);
    untouched(&dir);
}

#[test]
fn dense_regular_graphs_are_what_was_asked() {
    let dir = workspace("dense");
    // Degree 18 on 20 nodes: random pairing keeps failing; the graph must still be
    // exactly regular (it silently became another kind once).
    let yaml = "stop: { blocks: 1 }\nnetwork: { nodes: 20, outbound: 9, topology: { kind: regular } }\nmining: { miners: 1 }\nworkload: { tx_rate: 0/s }\n";
    scenario(&dir, "dense.yaml", yaml);
    let out = run(&dir, &["run", "dense.yaml", "--out", "r", "--trace"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The block reached every node, and every node but its miner heard it from all 18.
    let trace = std::fs::read_to_string(dir.join("r/trace.csv")).unwrap();
    let invs = trace.lines().filter(|l| l.contains(",inv,")).count();
    assert!(invs > 0);
    untouched(&dir);
}

#[test]
fn output_names_and_commands_are_checked_before_the_run() {
    let dir = workspace("names");
    scenario(&dir, "s.yaml", TINY);
    let long = "é".repeat(130); // 260 bytes
    refused(
        &run(&dir, &["run", "s.yaml", "--out", &long]),
        &["260 bytes", "at most 255"],
    );
    assert!(run(&dir, &["run", "s.yaml", "--out", "r"]).status.success());
    refused(
        &run(&dir, &["inspect", "r", "--svg", "."]),
        &["name the file itself"],
    );
    let both = run(&dir, &["inspect", "r", "--block", "1", "--tx", "00"]);
    assert_eq!(both.status.code(), Some(2));
    scenario(
        &dir,
        "g.yaml",
        &format!("{TINY}sweep: {{ seed: [1, 2] }}\n"),
    );
    refused(
        &run(&dir, &["sweep", "g.yaml", "--out", "r"]),
        &["holds a run's results"],
    );
    refused(
        &run(&dir, &["sweep", "g.yaml", "--jobs", "100000"]),
        &["--jobs 100000", "1 to 256"],
    );
    untouched(&dir);
}

#[test]
fn a_results_directory_stands_alone_wherever_it_is_moved() {
    let dir = workspace("movable");
    std::fs::create_dir_all(dir.join("topo")).unwrap();
    std::fs::write(
        dir.join("topo/net.csv"),
        "a,b,latency\n0,1,10ms\n1,2,10ms\n2,3,10ms\n3,0,10ms\n",
    )
    .unwrap();
    let yaml = "stop: { blocks: 3 }\nnetwork: { nodes: 4, outbound: 1, topology: { kind: csv, file: net.csv } }\nmining: { miners: 1 }\nworkload: { tx_rate: 0/s }\n";
    scenario(&dir, "topo/s.yaml", yaml);
    // Run from elsewhere: the file is found beside the scenario, copied into the results.
    assert!(run(&dir, &["run", "topo/s.yaml", "--out", "r"])
        .status
        .success());
    std::fs::rename(dir.join("topo/net.csv"), dir.join("topo/gone.csv")).unwrap();
    std::fs::rename(dir.join("r"), dir.join("project/moved")).unwrap();
    for cmd in ["explain", "inspect", "plot"] {
        let out = run(&dir, &[cmd, "project/moved"]);
        assert!(
            out.status.success(),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let resolved =
        std::fs::read_to_string(dir.join("project/moved/scenario.resolved.yaml")).unwrap();
    assert!(resolved.contains("file: topology.csv"), "{resolved}");
    // A sweep point's topology file is read from the scenario's directory too.
    std::fs::rename(dir.join("topo/gone.csv"), dir.join("topo/net.csv")).unwrap();
    let sweep = format!("{yaml}sweep: {{ network.topology: [ {{ kind: csv, file: net.csv }}, {{ kind: csv, file: missing.csv }} ] }}\n");
    scenario(&dir, "topo/sw.yaml", &sweep);
    refused(
        &run(&dir, &["validate", "topo/sw.yaml"]),
        &["sweep point 1", "missing.csv"],
    );
}
