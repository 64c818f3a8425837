//! What the second hostile-input sweep found (issue #11): ownership judged by names
//! alone, signals other than Ctrl-C, directories made and left behind, sweep settings
//! that silently lost to others, and values a network model ignored without a word.

mod common;

use common::hostile::{interrupted, refused, run, scenario, untouched, workspace, TINY};

#[test]
fn a_marker_alone_or_an_edited_file_proves_nothing() {
    let dir = workspace("ownership");
    scenario(&dir, "s.yaml", TINY);
    // A marker planted beside a file of the user's: no record vouches for it.
    std::fs::create_dir(dir.join("fake")).unwrap();
    std::fs::write(dir.join("fake/.chainlab-results"), "fake").unwrap();
    std::fs::write(dir.join("fake/summary.json"), "precious").unwrap();
    refused(
        &run(&dir, &["run", "s.yaml", "--out", "fake"]),
        &["fake", "no record.json"],
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("fake/summary.json")).unwrap(),
        "precious"
    );
    // A real results directory in which the user edited a table.
    assert!(run(&dir, &["run", "s.yaml", "--out", "r"]).status.success());
    std::fs::write(dir.join("r/summary.csv"), "my edits").unwrap();
    refused(
        &run(&dir, &["run", "s.yaml", "--out", "r"]),
        &["r/summary.csv", "changed since chainlab wrote it"],
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("r/summary.csv")).unwrap(),
        "my edits"
    );
    // A picture inspect drew into a results directory is chainlab's, not a stranger.
    assert!(run(&dir, &["run", "s.yaml", "--out", "r2"])
        .status
        .success());
    assert!(run(&dir, &["inspect", "r2", "--svg", "r2/tree.svg"])
        .status
        .success());
    assert!(run(&dir, &["plot", "r2"]).status.success());
    assert!(run(&dir, &["run", "s.yaml", "--out", "r2"])
        .status
        .success());
    untouched(&dir);
}

#[test]
fn a_run_and_a_sweep_never_replace_each_other() {
    let dir = workspace("run-sweep");
    let grid = format!("{TINY}sweep: {{ network.nodes: [10, 12] }}\n");
    scenario(&dir, "grid.yaml", &grid);
    scenario(&dir, "s.yaml", TINY);
    assert!(run(&dir, &["sweep", "grid.yaml", "--out", "g"])
        .status
        .success());
    refused(
        &run(&dir, &["run", "s.yaml", "--out", "g"]),
        &["g", "holds a sweep"],
    );
    assert!(dir.join("g/sweep.csv").is_file());
    // `run` on a file with a sweep: block would drop the grid silently.
    refused(
        &run(&dir, &["run", "grid.yaml", "--out", "x"]),
        &["grid.yaml", "sweep: block", "chainlab sweep"],
    );
    assert!(!dir.join("x").exists());
    // Its base scenario alone, asked for in so many words.
    assert!(run(
        &dir,
        &["run", "grid.yaml", "--set", "sweep={}", "--out", "x"]
    )
    .status
    .success());
    untouched(&dir);
}

#[test]
fn a_key_is_swept_by_one_entry_and_never_overridden_behind_the_sweeps_back() {
    let dir = workspace("sweep-keys");
    for (name, block, expected) in [
        (
            "points.yaml",
            "sweep: { network.nodes: [10, 12], points: [{ network.nodes: 14 }] }",
            &["sweep.network.nodes", "sweep.points", "network.nodes"][..],
        ),
        (
            "section.yaml",
            "sweep: { network.nodes: [10, 12], network: [{ nodes: 10 }] }",
            &["sweep.network.nodes", "sweep.network", "each key"][..],
        ),
        (
            "replicates.yaml",
            "sweep: { replicates: [1, 2] }",
            &["sweep.replicates", "replicates: N"][..],
        ),
    ] {
        scenario(&dir, name, &format!("{TINY}{block}\n"));
        refused(&run(&dir, &["sweep", name, "--out", "o"]), expected);
        refused(&run(&dir, &["validate", name]), expected);
    }
    scenario(
        &dir,
        "grid.yaml",
        &format!("{TINY}sweep: {{ network.nodes: [10, 12] }}\n"),
    );
    refused(
        &run(
            &dir,
            &[
                "sweep",
                "grid.yaml",
                "--set",
                "network.nodes=20",
                "--out",
                "o",
            ],
        ),
        &["--set network.nodes", "sweep"],
    );
    assert!(!dir.join("o").exists());
    untouched(&dir);
}

#[test]
fn a_mapping_for_a_section_changes_only_its_keys() {
    let dir = workspace("merge");
    scenario(&dir, "s.yaml", TINY);
    let out = run(
        &dir,
        &["validate", "s.yaml", "--set", "network={nodes: 20}"],
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("nodes: 20"), "{text}");
    assert!(
        text.contains("outbound: 3"),
        "the file's outbound kept: {text}"
    );
    // Another kind starts afresh: no key of the old topology is carried over.
    scenario(
        &dir,
        "sw.yaml",
        &TINY.replace(
            "outbound: 3 }",
            "outbound: 3, topology: { kind: small-world, rewire: 0.2 } }",
        ),
    );
    let out = run(
        &dir,
        &[
            "validate",
            "sw.yaml",
            "--set",
            "network.topology={kind: random}",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("rewire"));
}

#[test]
fn the_measured_network_refuses_the_values_it_replaces() {
    let dir = workspace("gervais-keys");
    let base = "stop: { blocks: 2 }\nnetwork: { nodes: 40, model: gervais-2016 }\nmining: { miners: 2 }\nworkload: { tx_rate: 0/s }\n";
    scenario(&dir, "g.yaml", base);
    for (set, key) in [
        ("network.latency=5s", "network.latency"),
        ("network.outbound=4", "network.outbound"),
        ("network.validation_base=1s", "network.validation_base"),
    ] {
        refused(
            &run(&dir, &["validate", "g.yaml", "--set", set]),
            &[key, "gervais-2016"],
        );
    }
    // Validation by size switched off: the validation keys are used again.
    let out = run(
        &dir,
        &[
            "validate",
            "g.yaml",
            "--set",
            "network.without=[size-validation]",
            "--set",
            "network.validation_base=1s",
        ],
    );
    assert!(out.status.success());
    refused(
        &run(
            &dir,
            &[
                "validate",
                "g.yaml",
                "--set",
                "network.without=[hubs, hubs]",
            ],
        ),
        &["network.without", "twice"],
    );
}

#[test]
fn runs_too_long_to_keep_in_memory_are_refused_before_they_start() {
    let dir = workspace("blocks");
    scenario(&dir, "s.yaml", TINY);
    refused(
        &run(
            &dir,
            &[
                "run",
                "s.yaml",
                "--set",
                "stop.blocks=10000000",
                "--out",
                "r",
            ],
        ),
        &["10000000 blocks", "at most 2000000"],
    );
    // Stopped by time, the blocks it would make count the same.
    scenario(&dir, "t.yaml", "stop: { time: 300d }\nconsensus: { block_interval: 1s, retarget_interval: 0 }\nnetwork: { nodes: 10, outbound: 3 }\nworkload: { tx_rate: 0/s }\n");
    refused(
        &run(&dir, &["run", "t.yaml", "--out", "r"]),
        &["25920000 blocks", "at most 2000000"],
    );
    assert!(!dir.join("r").exists());
    untouched(&dir);
}

#[test]
fn sigterm_and_sighup_stop_a_run_like_ctrl_c_and_leave_nothing() {
    for signal in ["-TERM", "-HUP"] {
        let dir = workspace(&format!("signal{signal}"));
        let out = interrupted(&dir, &["run", "long.yaml", "--out", "new/deep/r"], signal);
        assert_eq!(
            out.status.code(),
            Some(130),
            "{signal}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The directories made to hold the results went with the partial output.
        assert!(!dir.join("new").exists(), "{signal}: new/deep left behind");
        untouched(&dir);
    }
}

#[test]
fn messages_say_what_the_user_wrote_and_where() {
    let dir = workspace("words");
    scenario(&dir, "s.yaml", TINY);
    // A --set that breaks a section is the --set's fault, not the file's.
    let err = refused(
        &run(&dir, &["validate", "s.yaml", "--set", "network=5"]),
        &["with --set network=5", "section"],
    );
    assert!(!err.contains("s.yaml: network"), "{err}");
    scenario(
        &dir,
        "kind.yaml",
        &format!("{TINY}attacks:\n  - {{ hashrate: 0.3 }}\n"),
    );
    refused(&run(&dir, &["validate", "kind.yaml"]), &["needs `kind`"]);
    scenario(&dir, "tab.yaml", "network:\n\tnodes: 10\n");
    refused(
        &run(&dir, &["validate", "tab.yaml"]),
        &["line 2", "spaces only"],
    );
    let err = refused(&run(&dir, &["validate", "missing.yaml"]), &["missing.yaml"]);
    assert!(!err.contains("os error"), "{err}");
    // A number too large for its key is shown as the user wrote it, not as 1.8e19.
    refused(
        &run(
            &dir,
            &[
                "validate",
                "s.yaml",
                "--set",
                "network.nodes=18446744073709551616",
            ],
        ),
        &["18446744073709551616"],
    );
    // Flags take whole numbers; the message says so in words, exit 2.
    let out = run(&dir, &["run", "s.yaml", "--seed=-1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("give a whole number"), "{err}");
    assert!(!err.contains("invalid digit"), "{err}");
    // What inspect cannot read says why.
    scenario(
        &dir,
        "grid.yaml",
        &format!("{TINY}sweep: {{ network.nodes: [10, 12] }}\n"),
    );
    assert!(run(&dir, &["sweep", "grid.yaml", "--out", "g"])
        .status
        .success());
    refused(&run(&dir, &["inspect", "g"]), &["sweep", "g/point-0000"]);
    assert!(run(&dir, &["run", "s.yaml", "--lean", "--out", "lean"])
        .status
        .success());
    refused(&run(&dir, &["inspect", "lean"]), &["--lean", "chain.dat"]);
    untouched(&dir);
}
