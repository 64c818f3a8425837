//! Faults: the network splits, loses messages and nodes crash; afterwards every node
//! must agree on one chain again, and what was reverted is reported.

mod common;

use chainlab::node::RunOutput;
use chainlab::report::summarize;
use chainlab::scenario::Scenario;

const NETWORK: &str = "
network: { nodes: 60, outbound: 4, latency: 50ms, jitter: 20ms, bandwidth: 50Mbps }
consensus: { block_interval: 1m, retarget_interval: 0, coinbase_maturity: 2, hashes_per_block: 64 }
mining: { miners: 6 }
workload: { tx_rate: 2/s, wallets: 40, coins_per_wallet: 10 }
";

fn run(seed: u64, rest: &str) -> (Scenario, RunOutput) {
    let yaml = format!("name: faults\nseed: {seed}\n{NETWORK}{rest}");
    common::simulate(&yaml, &[])
}

/// Every node connected the final best block: the network converged.
fn converged(sc: &Scenario, out: &RunOutput) -> bool {
    let best = out.tree.best().index();
    out.blocks[best].arrivals.len() == sc.network.nodes as usize
}

#[test]
fn a_partition_forks_the_chain_and_healing_reorgs_one_side() {
    // Miners sit on nodes 0, 10, ..., 50: nodes 0-29 hold three of them.
    let ids: Vec<String> = (0..30).map(|i| i.to_string()).collect();
    let (sc, out) = run(
        4,
        &format!(
            "stop: {{ time: 90m }}\nfaults:\n  - {{ kind: partition, at: 20m, for: 30m, nodes: [{}] }}\n",
            ids.join(", ")
        ),
    );
    let summary = summarize(&sc, &out);
    let fault = &summary.faults[0];
    assert!(fault.messages_lost > 0);
    assert!(
        fault.reorg_depth_max_after >= 5,
        "two halves mined apart for 30 one-minute blocks; one side gives way: depth {}",
        fault.reorg_depth_max_after
    );
    assert!(
        summary.blocks_stale >= 5,
        "the losing side's blocks are stale"
    );
    assert!(
        summary.txs_reverted > 0,
        "payments confirmed on the losing side were reverted"
    );
    assert!(converged(&sc, &out), "all nodes on one chain after healing");
}

#[test]
fn lost_messages_are_asked_for_again() {
    let (sc, out) = run(
        5,
        "stop: { blocks: 30 }\nfaults:\n  - { kind: loss, rate: 0.2, retry: 1s }\n",
    );
    let summary = summarize(&sc, &out);
    assert!(summary.faults[0].messages_lost > 100);
    assert!(converged(&sc, &out));
    // Every block that made the main chain reached every node despite the loss.
    for &b in out.tree.main_chain().iter().skip(1) {
        assert_eq!(out.blocks[b.index()].arrivals.len(), 60, "block {b}");
    }
}

#[test]
fn crashed_nodes_catch_up_when_they_restart() {
    let (sc, out) = run(
        6,
        "stop: { time: 60m }\nfaults:\n  - { kind: crash, at: 10m, for: 20m, nodes: 0.3 }\n",
    );
    let summary = summarize(&sc, &out);
    assert_eq!(summary.faults[0].nodes, 18);
    assert!(summary.faults[0].messages_lost > 0);
    assert!(converged(&sc, &out));
}
