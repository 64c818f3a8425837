//! Block relay protocols side by side. Announcing a block by its header (BIP 130,
//! `network.relay: headers`) instead of an inv changes what is sent, not what happens:
//! the same blocks by the same miners, each node reached a few nanoseconds later (the
//! header's 45 extra bytes), and every node asks for a block once, directly.

mod common;

use chainlab::node::RunOutput;
use common::{network, simulate};

/// (Σ block messages nodes received, Σ blocks nodes received) over the nodes.
fn downloads_and_receipts(out: &RunOutput) -> (u64, u64) {
    (out.node_seen.iter()).fold((0, 0), |(d, r), n| {
        (d + u64::from(n.downloads), r + u64::from(n.received))
    })
}

const NET: &str = "
name: relay
seed: 21
stop: { blocks: 40 }
network: { nodes: 60, outbound: 4, latency: 50ms, jitter: 20ms, bandwidth: 1000Gbps }
consensus: { block_interval: 30s, retarget_interval: 0 }
mining: { miners: 6 }
";

fn run(relay: &str) -> RunOutput {
    simulate(NET, &[&format!("network.relay={relay}")]).1
}

#[test]
fn headers_change_bytes_not_outcomes() {
    let (inv, headers) = (run("inv-getdata"), run("headers"));
    assert_eq!(inv.blocks.len(), headers.blocks.len());
    assert!(inv.blocks.len() > 40, "{} blocks", inv.blocks.len());
    let slack = chainlab::sim::SimTime::from_nanos(100_000);
    for (id, (a, b)) in inv.blocks.iter().zip(&headers.blocks).enumerate() {
        assert_eq!(a.miner, b.miner, "block {id}");
        assert_eq!(
            inv.tree.entry(chainlab::ledger::BlockId(id as u32)).height,
            headers
                .tree
                .entry(chainlab::ledger::BlockId(id as u32))
                .height
        );
        assert!(
            b.mined_at >= a.mined_at && b.mined_at < a.mined_at + slack,
            "block {id}"
        );
        assert_eq!(
            a.arrivals.len(),
            b.arrivals.len(),
            "block {id} reached as many nodes"
        );
        // A bigger announcement is never faster: every node hears a little later.
        let shift = |x: chainlab::sim::SimTime, mined| x + mined;
        for (x, y) in a.arrivals.iter().zip(&b.arrivals) {
            let (x, y) = (shift(*x, a.mined_at), shift(*y, b.mined_at));
            assert!(y >= x && y < x + slack, "block {id}: {x:?} then {y:?}");
        }
    }
    assert_eq!(inv.tree.best_height(), headers.tree.best_height());
}

#[test]
fn headers_replace_invs_and_each_node_asks_once() {
    let sc = chainlab::scenario::Scenario::parse(NET, "inline", &["network.relay=headers".into()])
        .expect("a valid scenario");
    let out = network(&sc).with_trace().run(None, |_, _| {});
    let trace = out.trace.expect("traced");
    let count = |kind: &str| trace.iter().filter(|r| r.kind == kind).count();
    assert_eq!(count("inv"), 0, "no block is announced by inv");
    assert!(
        count("headers") > 1000,
        "{} headers messages",
        count("headers")
    );
    // Without faults a node asks for a block once: one getdata per (node, block),
    // for every node but the miner.
    let mut asked = std::collections::HashSet::new();
    for row in trace.iter().filter(|r| r.kind == "getdata") {
        // getdata rows are traced at the node asked, with the asker in the detail.
        assert!(
            asked.insert((row.detail.clone(), row.block)),
            "asked twice: {}",
            row.detail
        );
    }
    let connected: usize = out
        .blocks
        .iter()
        .skip(1)
        .map(|b| b.arrivals.len() - 1)
        .sum();
    assert_eq!(
        asked.len(),
        connected,
        "every node that connected a block asked for it once"
    );
}

#[test]
fn block_messages_count_every_copy() {
    // inv/getdata without losses: each node asks once, so the block messages nodes
    // received are the blocks they received, less each miner's own (received, not sent).
    let inv = run("inv-getdata");
    let (downloads, receipts) = downloads_and_receipts(&inv);
    let mined = inv.blocks.len() as u64 - 1;
    assert_eq!(downloads + mined, receipts);
    // Pushing sends every block to every peer that did not send it first: most copies
    // are duplicates (4 outbound links a node, so about 8 peers).
    let (downloads, receipts) = downloads_and_receipts(&run("push"));
    assert!(downloads > 3 * receipts, "{downloads} for {receipts}");
}

#[test]
fn block_messages_through_the_download_queue_count_once() {
    // Gervais et al.'s model takes a block in two steps (uplink, then the receiver's
    // downlink), and is counted at the first; without timeouts nobody asks twice, and
    // with the stop's messages delivered every counted block is received.
    let gervais = "
name: relay-gervais
seed: 5
stop: { blocks: 20, in_flight: deliver }
network: { nodes: 300, model: gervais-2016, without: [timeouts] }
consensus: { block_interval: 60s, retarget_interval: 0 }
mining: { miners: 16, block_padding: 1MB }
workload: { tx_rate: 0/s }
";
    let out = simulate(gervais, &[]).1;
    let (downloads, receipts) = downloads_and_receipts(&out);
    let mined = out.blocks.len() as u64 - 1;
    assert!(mined >= 20, "{mined} blocks");
    assert_eq!(downloads + mined, receipts);
}
