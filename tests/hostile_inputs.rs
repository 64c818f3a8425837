//! Untrusted input, class by class (issue #11): each case must end with exit 2 and one
//! message naming the place and what is allowed — never a panic, a hang, a huge
//! allocation, a wrapped number or a silently clamped value — and must leave the
//! files around it as they were: a sentinel beside the output survives, and no
//! results or partial directory is left behind.

mod common;

use common::hostile::*;
use std::process::Command;

#[test]
fn an_output_path_that_chainlab_did_not_write_is_never_replaced() {
    let dir = workspace("out");
    scenario(&dir, "s.yaml", TINY);
    // The project directory itself, `.`, a file, a link, a directory with a foreign file.
    refused(
        &run(&dir.join("project"), &["run", "../s.yaml", "--out", "."]),
        &["name the results directory itself"],
    );
    refused(
        &run(&dir, &["run", "s.yaml", "--out", "project"]),
        &[
            "project",
            "no .chainlab-results marker",
            "Choose another --out",
        ],
    );
    refused(
        &run(&dir, &["run", "s.yaml", "--out", "sentinel.txt"]),
        &["sentinel.txt", "is a file"],
    );
    std::os::unix::fs::symlink(dir.join("project"), dir.join("link")).unwrap();
    refused(
        &run(&dir, &["run", "s.yaml", "--out", "link"]),
        &["link", "symbolic link"],
    );
    refused(&run(&dir, &["run", "s.yaml", "--out", ".."]), &[".."]);
    untouched(&dir);
    assert!(!dir.join("results").exists());
    // A results directory of chainlab's is replaced; once a user adds a file, it is not.
    assert!(run(&dir, &["run", "s.yaml", "--out", "mine"])
        .status
        .success());
    assert!(
        run(&dir, &["run", "s.yaml", "--out", "mine"])
            .status
            .success(),
        "rerun replaces its own"
    );
    std::fs::write(dir.join("mine/my-analysis.txt"), "precious").unwrap();
    refused(
        &run(&dir, &["run", "s.yaml", "--out", "mine"]),
        &["my-analysis.txt"],
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("mine/my-analysis.txt")).unwrap(),
        "precious"
    );
    untouched(&dir);
}

#[test]
fn a_scenario_name_is_a_label_not_a_path() {
    let dir = workspace("names");
    for name in [
        "\"..\"",
        "\".\"",
        "\"\"",
        "/tmp/x",
        "../../x",
        "a/b",
        "\"has space\"",
    ] {
        let text = format!("name: {name}\n{TINY}");
        scenario(&dir, "named.yaml", &text);
        refused(
            &run(&dir, &["run", "named.yaml"]),
            &["name is", "letters, digits"],
        );
        refused(&run(&dir, &["validate", "named.yaml"]), &["name is"]);
    }
    untouched(&dir);
    assert!(
        !dir.join("results").exists(),
        "nothing written for a bad name"
    );
}

#[test]
fn svg_pictures_and_replots_write_only_over_their_own_files() {
    let dir = workspace("svg");
    scenario(&dir, "s.yaml", TINY);
    assert!(run(&dir, &["run", "s.yaml", "--out", "r"]).status.success());
    refused(
        &run(&dir, &["inspect", "r", "--svg", "sentinel.txt"]),
        &["sentinel.txt", "not written by chainlab"],
    );
    assert!(run(&dir, &["inspect", "r", "--svg", "tree.svg"])
        .status
        .success());
    assert!(
        run(&dir, &["inspect", "r", "--svg", "tree.svg"])
            .status
            .success(),
        "its own picture"
    );
    refused(
        &run(&dir, &["plot", "project"]),
        &["project", "not a chainlab results directory"],
    );
    untouched(&dir);
}

#[test]
fn numbers_that_would_wrap_or_saturate_are_refused_with_their_range() {
    let dir = workspace("numbers");
    let cases: &[(&str, &[&str])] = &[
        (
            "network: { nodes: 10, outbound: 4294967295 }",
            &["network.outbound", "1 to 125"],
        ),
        (
            "network: { nodes: 10, latency: 99999999999d }",
            &["network.latency", "too large"],
        ),
        (
            "network: { nodes: 10, latency: 200d }",
            &["network.latency", "allowed: 0ns to 1h"],
        ),
        (
            "consensus: { max_block_bytes: 18446744073709551616B }",
            &["max_block_bytes", "too large"],
        ),
        (
            "mining: { block_padding: 2000000000000B }",
            &["mining.block_padding"],
        ),
        (
            "network: { nodes: 4294967295 }",
            &["network.nodes", "2 to 2000000"],
        ),
        (
            "workload: { fee_rate: 99999999999999 }",
            &["workload.fee_rate"],
        ),
        (
            "attacks: [ { kind: majority, hashrate: 0.3, depth: 3, connections: 4294967295 } ]",
            &["attacks[0].connections"],
        ),
    ];
    for (text, expected) in cases {
        scenario(&dir, "n.yaml", text);
        refused(&run(&dir, &["run", "n.yaml"]), expected);
    }
    untouched(&dir);
}

#[test]
fn sizes_derived_from_input_are_bounded_before_anything_is_allocated() {
    let dir = workspace("alloc");
    scenario(
        &dir,
        "wide.yaml",
        "network: { nodes: 1000, outbound: 10000000 }\n",
    );
    refused(&run(&dir, &["run", "wide.yaml"]), &["network.outbound"]);
    let forty: Vec<String> = (0..40).map(|i| (i + 2).to_string()).collect();
    let keys = [
        "network.nodes",
        "mining.miners",
        "seed",
        "metrics.confirmations",
        "network.outbound",
        "workload.wallets",
    ];
    let grid: Vec<String> = keys
        .iter()
        .map(|k| format!("{k}: [{}]", forty.join(", ")))
        .collect();
    scenario(
        &dir,
        "grid.yaml",
        &format!("sweep: {{ {} }}\n", grid.join(", ")),
    );
    refused(
        &run(&dir, &["sweep", "grid.yaml"]),
        &["40 × 40 × 40 × 40 × 40 × 40", "at most 10000"],
    );
    refused(&run(&dir, &["validate", "grid.yaml"]), &["at most 10000"]);
    scenario(
        &dir,
        "rate.yaml",
        "workload: { tx_rate: 1000000000000/s }\n",
    );
    refused(&run(&dir, &["run", "rate.yaml"]), &["workload.tx_rate"]);
    scenario(
        &dir,
        "long.yaml",
        "stop: { time: 3000d }\nworkload: { tx_rate: 1000/s }\n",
    );
    refused(&run(&dir, &["run", "long.yaml"]), &["payments", "at most"]);
    untouched(&dir);
}

#[test]
fn files_that_never_end_are_not_read() {
    let dir = workspace("reads");
    scenario(
        &dir,
        "dev.yaml",
        "network: { nodes: 10, topology: { kind: csv, file: /dev/zero } }\n",
    );
    refused(
        &run(&dir, &["run", "dev.yaml"]),
        &["/dev/zero", "not a regular file"],
    );
    refused(
        &run(&dir, &["run", "/dev/zero"]),
        &["/dev/zero", "not a regular file"],
    );
    refused(&run(&dir, &["validate", "project"]), &["a directory"]);
    // A results directory whose resolved scenario names /dev/zero.
    scenario(&dir, "s.yaml", TINY);
    assert!(run(&dir, &["run", "s.yaml", "--out", "r"]).status.success());
    let resolved = std::fs::read_to_string(dir.join("r/scenario.resolved.yaml")).unwrap();
    let hostile = resolved.replace("kind: random", "kind: csv\n    file: /dev/zero");
    std::fs::write(dir.join("r/scenario.resolved.yaml"), hostile).unwrap();
    for cmd in ["inspect", "explain", "plot"] {
        refused(
            &run(&dir, &[cmd, "r"]),
            &["changed since chainlab wrote it"],
        );
    }
    // With the record forged to match, the file is still never read.
    common::reseal(&dir.join("r"), "scenario.resolved.yaml");
    for cmd in ["inspect", "explain", "plot"] {
        refused(&run(&dir, &[cmd, "r"]), &["/dev/zero"]);
    }
    untouched(&dir);
}

#[test]
fn impossible_values_are_refused_not_replaced() {
    let dir = workspace("impossible");
    let cases: &[(&str, &[&str])] = &[
        (
            "network: { nodes: 10, outbound: 5, topology: { kind: regular } }",
            &["regular", "10 peers"],
        ),
        (
            "network: { nodes: 5, outbound: 8 }",
            &["network.outbound", "only 4 others"],
        ),
        (
            "consensus: { retarget_clamp: 0 }",
            &["consensus.retarget_clamp", "1 to 100"],
        ),
        (
            "stop: { time: 1h }\nfaults: [ { kind: crash, at: 2h, for: 1m, nodes: [1] } ]",
            &["faults[0].at", "never happen"],
        ),
        (
            "stop: { time: 1h }\nattacks: [ { kind: selfish, hashrate: 0.3, start: 5h } ]",
            &["attacks[0].start", "never happen"],
        ),
        ("", &["holds no scenario"]),
        ("# only a comment\n", &["holds no scenario"]),
        ("name: x\nname: y\n", &["`name` appears twice", "line 2"]),
        ("name: x\n---\nname: y\n", &["one document", "line 3"]),
        (
            "network:\n  nodes: many\n",
            &[
                "line 2",
                "network.nodes",
                "found \"many\"",
                "whole number from 2",
            ],
        ),
        ("[1, 2]", &["a mapping of sections"]),
    ];
    for (text, expected) in cases {
        scenario(&dir, "x.yaml", text);
        refused(&run(&dir, &["run", "x.yaml"]), expected);
    }
    untouched(&dir);
}

#[test]
fn the_sweep_block_is_checked_by_validate_and_run() {
    let dir = workspace("sweep");
    let cases: &[(&str, &[&str])] = &[
        (
            "sweep: { network.nodez: [10, 20] }",
            &["nodez", "did you mean `nodes`"],
        ),
        (
            "sweep: { network.nodes: [] }",
            &["sweep.network.nodes has no values"],
        ),
        ("sweep: { network.nodes: [10, many] }", &["network.nodes"]),
        (
            "sweep: { network.nodes: [10, 1] }",
            &["sweep point 1", "network.nodes is 1"],
        ),
    ];
    for (text, expected) in cases {
        scenario(&dir, "s.yaml", &format!("{TINY}{text}\n"));
        refused(&run(&dir, &["validate", "s.yaml"]), expected);
        refused(&run(&dir, &["run", "s.yaml"]), expected);
    }
    scenario(
        &dir,
        "ok.yaml",
        &format!("{TINY}sweep: {{ seed: [1, 2] }}\n"),
    );
    let ok = run(&dir, &["validate", "ok.yaml"]);
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stdout)
        .contains("ok.yaml is a valid scenario, and its sweep: grid of 2 points"));
    untouched(&dir);
}

#[test]
fn ctrl_c_stops_a_run_and_writes_nothing() {
    let dir = workspace("interrupt");
    let out = interrupted(&dir, &["run", "long.yaml", "--out", "r"], "-INT");
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
    assert!(!dir.join("r").exists(), "no results written");
    untouched(&dir);
}

/// Found by the hostile-input sweep (issue #11's closing note lists them).
#[test]
fn inputs_found_by_the_sweep_are_refused_or_handled() {
    let dir = workspace("sweep-findings");
    let cases: &[(&str, &[&str])] = &[
        ("consensus: { block_interval: 100ms, retarget_interval: 10 }", &["consensus.block_interval", "1s to 1d"]),
        ("consensus: { retarget_interval: 1 }", &["retarget_interval is 1", "at least 2"]),
        ("consensus: { block_interval: 1s, retarget_interval: 2, retarget_clamp: 100 }", &["at least consensus.retarget_clamp"]),
        ("consensus: { max_block_bytes: 999.5B }", &["whole number"]),
        ("consensus: { reward: 0.000000001 }", &["whole number of satoshis"]),
        ("stop: [5]", &["stop is a list", "section of keys"]),
        ("network: [10, 3]", &["network is a list"]),
        ("attacks: [[selfish, 0.3]]", &["attacks[0] is a list"]),
        ("sweep: { sweep: [1] }", &["cannot sweep sweep"]),
        ("faults: [ { kind: partition, at: 1m, for: 1m, nodes: 0.0001 } ]", &["rounds to no node"]),
        ("faults: [ { kind: crash, at: 1m, for: 1m, nodes: [1, 1] } ]", &["node 1 twice"]),
        ("attacks: [ { kind: double-spend, hashrate: 0.3, confirmations: 1, attempts: 40, amount: 1000000 } ]", &["premine", "double spenders"]),
    ];
    for (text, expected) in cases {
        scenario(&dir, "x.yaml", &format!("{text}\n"));
        refused(&run(&dir, &["validate", "x.yaml"]), expected);
    }
    // --set paths that name no entry, or use brackets.
    scenario(&dir, "s.yaml", TINY);
    refused(
        &run(
            &dir,
            &["validate", "s.yaml", "--set", "attacks.0.hashrate=0.2"],
        ),
        &["no entry 0"],
    );
    refused(
        &run(
            &dir,
            &["validate", "s.yaml", "--set", "attacks[0].hashrate=0.2"],
        ),
        &["attacks.0.hashrate"],
    );
    refused(
        &run(&dir, &["validate", "s.yaml", "--set", "NETWORK.nodes=5"]),
        &["did you mean `network`"],
    );
    // Topology files: the same ranges as the keys, and no extra columns.
    for (csv, expected) in [
        ("a,b,latency\n0,1,3650d\n", "latency is 3650d"),
        ("a,b,latency,bandwidth\n0,1,50ms,0.001bps\n", "bandwidth is"),
        (
            "a,b,latency,bandwidth,foo\n0,1,50ms,1Mbps,x\n",
            "the header must be",
        ),
        ("a,b,latency\n0,1,50ms,extra\n", "has 4 fields"),
    ] {
        std::fs::write(dir.join("net.csv"), csv).unwrap();
        scenario(&dir, "t.yaml", "network: { nodes: 2, topology: { kind: csv, file: net.csv } }\nmining: { miners: 1 }\n");
        refused(&run(&dir, &["validate", "t.yaml"]), &[expected]);
    }
    // A FIFO is refused without blocking on it.
    if Command::new("mkfifo")
        .arg(dir.join("fifo.yaml"))
        .status()
        .is_ok_and(|s| s.success())
    {
        refused(
            &run(&dir, &["validate", "fifo.yaml"]),
            &["not a regular file"],
        );
    }
    untouched(&dir);
}

/// Found by the hostile-input sweep too: outputs and files beside them.
#[test]
fn outputs_found_by_the_sweep_are_refused_or_handled() {
    let dir = workspace("sweep-outputs");
    scenario(&dir, "s.yaml", TINY);
    // `--out DIR/.` replaces DIR (not empties it and fails).
    assert!(run(&dir, &["run", "s.yaml", "--out", "r"]).status.success());
    assert!(run(&dir, &["run", "s.yaml", "--out", "r/."])
        .status
        .success());
    assert!(dir.join("r/summary.json").is_file());
    // A picture of one's own in plots/, or a file that merely quotes the SVG mark.
    std::fs::write(dir.join("r/plots/my_figure.png"), "mine").unwrap();
    refused(
        &run(&dir, &["run", "s.yaml", "--out", "r"]),
        &["my_figure.png"],
    );
    std::fs::write(dir.join("notes.txt"), "notes\n<!-- drawn by chainlab -->\n").unwrap();
    std::fs::remove_file(dir.join("r/plots/my_figure.png")).unwrap();
    refused(
        &run(&dir, &["inspect", "r", "--svg", "notes.txt"]),
        &["notes.txt"],
    );
    // Padding equal to a large limit, and a reward at the cap with fees: runs, no panic.
    scenario(&dir, "pad.yaml", "consensus: { max_block_bytes: 4MB }\nmining: { block_padding: 4MB, miners: 1 }\nstop: { blocks: 1 }\nnetwork: { nodes: 4, outbound: 2 }\nworkload: { tx_rate: 0/s }\n");
    assert!(run(&dir, &["run", "pad.yaml", "--out", "pad"])
        .status
        .success());
    scenario(&dir, "reward.yaml", "stop: { blocks: 3 }\nnetwork: { nodes: 2, outbound: 1 }\nmining: { miners: 1 }\nconsensus: { reward: 21000000 }\nworkload: { tx_rate: 1/s, wallets: 2, coins_per_wallet: 1 }\n");
    assert!(run(&dir, &["run", "reward.yaml", "--out", "reward"])
        .status
        .success());
    untouched(&dir);
}

#[test]
fn a_run_that_cannot_mine_stops_at_ten_times_its_length_and_says_so() {
    let dir = workspace("stuck");
    scenario(&dir, "stuck.yaml", "stop: { blocks: 1 }\nnetwork: { nodes: 2, outbound: 1 }\nmining: { miners: 1 }\nworkload: { tx_rate: 0/s }\nfaults: [ { kind: crash, at: 0s, for: 3650d, nodes: [0] } ]\n");
    let out = run(&dir, &["run", "stuck.yaml", "--out", "r"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ten times its expected length"));
    let summary = std::fs::read_to_string(dir.join("r/summary.json")).unwrap();
    assert!(
        summary.contains("\"simulated_s\": 6000.0"),
        "stopped at 10 × 10 minutes"
    );
}
