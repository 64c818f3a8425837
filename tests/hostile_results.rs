//! Untrusted results directories (issue #11): a chain file or a table changed after
//! chainlab wrote it, or forged to match its record, and shards that do not belong
//! together, are refused with exit 2 and one message naming the file and the place —
//! never a crash — and nothing around them is touched.

mod common;

use common::hostile::*;

#[test]
fn an_altered_chain_file_is_bad_input_not_a_crash() {
    let dir = workspace("results");
    scenario(&dir, "s.yaml", TINY);
    assert!(run(&dir, &["run", "s.yaml", "--out", "r"]).status.success());
    let chain = std::fs::read(dir.join("r/chain.dat")).unwrap();
    // One byte of the genesis coinbase (inside its input's previous outpoint), and one
    // of its output value: the genesis block no longer matches its own Merkle root.
    for offset in [4 + 80 + 1 + 4 + 1 + 3, chain.len() / 2] {
        let mut bad = chain.clone();
        bad[offset] ^= 0x40;
        std::fs::write(dir.join("r/chain.dat"), &bad).unwrap();
        refused(
            &run(&dir, &["inspect", "r"]),
            &["chain.dat", "changed since"],
        );
        common::reseal(&dir.join("r"), "chain.dat");
        refused(&run(&dir, &["inspect", "r"]), &["chain.dat", "invalid"]);
        // explain and plot read the tables, not chain.dat (docs/results.md).
        for cmd in ["explain", "plot"] {
            assert!(run(&dir, &[cmd, "r"]).status.success(), "{cmd}");
        }
    }
    untouched(&dir);
}

#[test]
fn altered_tables_are_bad_input_not_a_crash() {
    let dir = workspace("tables");
    scenario(&dir, "s.yaml", TINY);
    assert!(run(&dir, &["run", "s.yaml", "--out", "r"]).status.success());
    // Block 1's miner (column 5) made an id the run never had.
    let blocks = std::fs::read_to_string(dir.join("r/blocks.csv")).unwrap();
    let mut rows: Vec<Vec<String>> = blocks
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert_eq!(rows[0][4], "miner");
    rows[2][4] = "4000000000".into();
    let edited: Vec<String> = rows.iter().map(|r| r.join(",")).collect();
    std::fs::write(dir.join("r/blocks.csv"), edited.join("\n") + "\n").unwrap();
    refused(
        &run(&dir, &["explain", "r"]),
        &["blocks.csv", "changed since"],
    );
    common::reseal(&dir.join("r"), "blocks.csv");
    refused(
        &run(&dir, &["explain", "r"]),
        &["blocks.csv line 3", "miner 4000000000"],
    );
    // Tables that parse but cannot describe a run: a block before its parent, a block
    // without its coinbase, arrivals out of order.
    let edit = |file: &str, line: usize, column: usize, value: &str| {
        let text = std::fs::read_to_string(dir.join("r").join(file)).unwrap();
        let mut rows: Vec<Vec<String>> = text
            .lines()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect();
        rows[line][column] = value.into();
        let edited: Vec<String> = rows.iter().map(|r| r.join(",")).collect();
        std::fs::write(dir.join("r").join(file), edited.join("\n") + "\n").unwrap();
        common::reseal(&dir.join("r"), file);
    };
    std::fs::write(dir.join("r/blocks.csv"), &blocks).unwrap();
    common::reseal(&dir.join("r"), "blocks.csv");
    edit("blocks.csv", 2, 3, "3");
    refused(
        &run(&dir, &["plot", "r"]),
        &["blocks.csv", "block 1 has parent 3"],
    );
    std::fs::write(dir.join("r/blocks.csv"), &blocks).unwrap();
    common::reseal(&dir.join("r"), "blocks.csv");
    edit("blocks.csv", 2, 7, "0");
    refused(
        &run(&dir, &["explain", "r"]),
        &["blocks.csv line 3", "coinbase"],
    );
    std::fs::write(dir.join("r/blocks.csv"), &blocks).unwrap();
    common::reseal(&dir.join("r"), "blocks.csv");
    let propagation = std::fs::read_to_string(dir.join("r/propagation.csv")).unwrap();
    edit("propagation.csv", 2, 2, "999.0");
    refused(
        &run(&dir, &["plot", "r"]),
        &["propagation.csv line 4", "earlier"],
    );
    std::fs::write(dir.join("r/propagation.csv"), &propagation).unwrap();
    for file in ["blocks.csv", "propagation.csv"] {
        common::reseal(&dir.join("r"), file);
    }
    assert!(run(&dir, &["plot", "r"]).status.success());
    untouched(&dir);
}

#[test]
fn merge_refuses_anything_incomplete_or_mixed() {
    let dir = workspace("merge");
    let grid = format!("{TINY}sweep: {{ seed: [1, 2, 3] }}\n");
    scenario(&dir, "g.yaml", &grid);
    scenario(&dir, "h.yaml", &grid.replace("blocks: 3", "blocks: 4"));
    let shard = |file: &str, s: &str, out: &str| {
        assert!(run(
            &dir,
            &["sweep", file, "--shard", s, "--out", out, "--jobs", "1"]
        )
        .status
        .success());
    };
    shard("g.yaml", "0/2", "a");
    shard("g.yaml", "1/2", "b");
    shard("g.yaml", "1/3", "c");
    shard("h.yaml", "1/2", "d");
    assert!(
        run(&dir, &["run", "s.yaml", "--out", "plain"])
            .status
            .code()
            == Some(2)
    );
    scenario(&dir, "s.yaml", TINY);
    assert!(run(&dir, &["run", "s.yaml", "--out", "plain"])
        .status
        .success());
    refused(&run(&dir, &["merge", "a"]), &["shard 1 of 2 is missing"]);
    refused(
        &run(&dir, &["merge", "a", "c"]),
        &["different sweep or split"],
    );
    refused(
        &run(&dir, &["merge", "a", "d"]),
        &["different sweep or split"],
    );
    refused(
        &run(&dir, &["merge", "plain", "a", "b"]),
        &["plain", "holds no sweep shard"],
    );
    refused(
        &run(&dir, &["merge", "project"]),
        &["not a chainlab results directory"],
    );
    assert!(run(&dir, &["merge", "a", "b"]).status.success());
    let merged = std::fs::read_to_string(dir.join("a/sweep.csv")).unwrap();
    assert_eq!(merged.lines().count(), 4, "header and three points");
    untouched(&dir);
}
