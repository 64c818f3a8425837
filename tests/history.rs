//! A chain already grown when the run starts (`history:`, issue #18): its blocks are
//! valid, held by every node there, leave the difficulty where it was and count in no
//! figure of the run; a node that joins copies them, in a time that grows linearly
//! with the history's size at a fixed bandwidth.

mod common;

use chainlab::report::summarize;

const GROWN: &str = "
name: grown
seed: 9
stop: { blocks: 20 }
network: { nodes: 30, outbound: 4, bandwidth: 20Mbps }
consensus: { block_interval: 1m, retarget_interval: 10 }
mining: { miners: 3, block_padding: 100kB }
workload: { tx_rate: 0.5/s, wallets: 20 }
history: { blocks: 60, block_bytes: 500kB }
";

#[test]
fn the_history_is_valid_held_by_all_and_not_counted_as_the_runs() {
    let (sc, out) = common::simulate(GROWN, &[]);
    let tree = &out.tree;
    let main = tree.main_chain();
    let genesis_bits = tree.entry(main[0]).block.header.bits;
    for &id in &main[1..=60] {
        let e = tree.entry(id);
        assert_eq!(e.size, 500_000, "block {}", e.height);
        assert_eq!(out.blocks[id.index()].miner, None);
        // Timed so that every retarget measures its target: the difficulty holds.
        assert_eq!(e.block.header.bits, genesis_bits, "block {}", e.height);
    }
    let s = summarize(&sc, &out);
    // stop.blocks counts the run's blocks, above the history.
    assert_eq!(s.blocks_main, 20);
    assert_eq!(tree.best_height(), 80);
    // Every node ends on the best chain, history and all.
    assert!(out.tips.iter().all(|&t| t == *main.last().unwrap()));
    // The run's figures see its own blocks only: chain bytes are genesis and 20
    // blocks of about 100 kB, not 30 MB of history.
    assert!(s.chain_bytes < 3_000_000, "{}", s.chain_bytes);
    assert!(s.block_interval_s_mean.unwrap() > 20.0);
}

#[test]
fn copying_the_history_takes_time_linear_in_its_size() {
    // One node joins at 1 minute; the history's 500 kB blocks take 0.2 s each at
    // 20 Mbit/s down, so the download lasts about 0.2 s × blocks.
    let mut per_block = Vec::new();
    for blocks in [100, 200, 400] {
        let (_, out) = common::simulate(
            GROWN,
            &[
                &format!("history.blocks={blocks}"),
                "stop={ time: 1h }",
                "joining={ nodes: 1, from: 1m }",
            ],
        );
        let j = &out.joins[0];
        let took = (j.synced.unwrap() - j.joined.unwrap()).secs();
        assert_eq!(
            out.tips[j.node.index()],
            *out.tree.main_chain().last().unwrap()
        );
        per_block.push(took / f64::from(blocks));
    }
    for p in &per_block {
        assert!((p / 0.2 - 1.0).abs() < 0.1, "{per_block:?} s per block");
    }
}

#[test]
fn bad_history_values_are_refused_with_the_key_and_the_range() {
    let cases = [
        (
            "history.blocks=0",
            "history.blocks is 0; allowed: 1 to 1000000",
        ),
        ("history.block_bytes=2MB", "history.block_bytes is 2MB"),
        ("consensus.retarget_interval=1", "retarget_interval is 1"),
        (
            "history={ blocks: 200000, block_bytes: 1MB }",
            "at most 100 GB",
        ),
    ];
    common::refuses(GROWN, &cases);
    let without = GROWN.replace(
        "history: { blocks: 60, block_bytes: 500kB }",
        "history: { blocks: 60 }",
    );
    let e = chainlab::scenario::Scenario::parse(&without, "h.yaml", &[])
        .expect_err("block_bytes is required")
        .to_string();
    assert!(e.contains("block_bytes"), "{e}");
}

/// A 51% attacker that forks below the history's tip rewrites part of it: the run
/// neither panics nor counts the history's blocks as its own, and the blocks it
/// orphans are stale like any others.
#[test]
fn a_fork_deep_into_the_history_is_counted_as_stale() {
    let (sc, out) = common::simulate(
        GROWN,
        &[
            "attacks=[{ kind: majority, hashrate: 0.7, depth: 15, attempts: 1 }]",
            "stop={ blocks: 80 }",
            "workload.tx_rate=0/s",
        ],
    );
    let s = summarize(&sc, &out);
    let tree = &out.tree;
    assert_eq!(s.blocks_stale, tree.len() as u32 - 1 - tree.best_height());
    let run_main = tree
        .main_chain()
        .iter()
        .filter(|id| id.index() > 60)
        .count() as u32;
    assert_eq!(s.blocks_main, run_main);
    let history_stale = (1..=60u32)
        .filter(|&i| !tree.is_on_main_chain(chainlab::ledger::BlockId(i)))
        .count();
    assert!(s.attacks[0].successes >= 1, "the attack succeeded");
    assert!(history_stale > 0, "it reached into the history");
    // The attacker's branch from below the history's tip is all the run's.
    assert!(s.blocks_main > tree.best_height() - 60);
}
