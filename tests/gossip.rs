//! Payments relayed message by message (`workload.relay: gossip`): exact timings on a
//! ring, the announcement timer's mean, recovery from lost messages, and that skipping
//! moot invs changes nothing.

mod common;

use chainlab::node::plan::TxRelayKind;
use chainlab::node::RunOutput;
use chainlab::report::summarize;
use chainlab::scenario::Scenario;
use chainlab::sim::{SimTime, NS_PER_MS};
use common::simulate;

/// Payments made at least `margin` before the run ended, with their reach delays.
fn settled(out: &RunOutput, margin: SimTime) -> Vec<[Option<SimTime>; 3]> {
    out.txs
        .iter()
        .zip(&out.tx_reach)
        .filter(|(t, _)| t.created + margin < out.end_time)
        .map(|(_, r)| *r)
        .collect()
}

#[test]
fn on_a_ring_a_payment_takes_three_legs_per_hop_to_each_share_of_nodes() {
    // Twelve nodes in a ring, 100 ms per link, no trickle and no validation delay: a
    // payment made anywhere reaches the 6th node (50%) 3 hops away, the 11th (90%) 5
    // hops away and the last 6 hops away, each hop costing inv, getdata and tx.
    let dir = (tempfile::Builder::new().prefix("chainlab-gossip-ring-"))
        .tempdir()
        .unwrap();
    let dir = dir.path();
    let csv = dir.join("ring.csv");
    let edges: String = (0..12)
        .map(|i| format!("{i},{},100ms,\n", (i + 1) % 12))
        .collect();
    std::fs::write(&csv, format!("a,b,latency,bandwidth\n{edges}")).unwrap();
    let yaml = format!(
        "
name: ring
seed: 4
stop: {{ time: 3h }}
network: {{ nodes: 12, topology: {{ kind: csv, file: {} }}, bandwidth: 10Gbps, validation_base: 0ms, validation_per_tx: 0ms }}
consensus: {{ block_interval: 10m, retarget_interval: 0, coinbase_maturity: 5 }}
mining: {{ miners: 3 }}
workload: {{ tx_rate: 0.05/s, wallets: 100, coins_per_wallet: 5, tx_trickle: 0s }}
",
        csv.display()
    );
    let (_, out) = simulate(&yaml, &[]);
    assert_eq!(
        out.tx_relay,
        TxRelayKind::Gossip,
        "auto gossips on 12 nodes"
    );
    let reach = settled(&out, SimTime::from_secs(60));
    assert!(reach.len() > 400, "{} payments", reach.len());
    let leg = 100 * NS_PER_MS;
    for (i, r) in reach.iter().enumerate() {
        for (slot, hops) in [3, 5, 6].into_iter().enumerate() {
            let expected = 3 * hops * leg;
            let got = r[slot]
                .unwrap_or_else(|| panic!("payment {i} never reached slot {slot}"))
                .nanos();
            // Transmission at 10 Gbit/s adds well under a millisecond.
            assert!(
                got >= expected && got < expected + NS_PER_MS,
                "payment {i}: {got} ns to share {slot}, expected {expected} ns"
            );
        }
    }
}

#[test]
fn announcements_wait_on_a_poisson_timer_with_the_trickle_mean() {
    // Two nodes: a payment reaches the other node one announcement wait plus three
    // 50 ms legs after it is made. By memorylessness the wait is exponential with the
    // trickle's mean whether or not a timer was already running.
    let yaml = "
name: trickle
seed: 8
stop: { time: 8h }
network: { nodes: 2, outbound: 1, latency: 50ms, jitter: 0ms, bandwidth: 1Gbps, validation_base: 0ms, validation_per_tx: 0ms }
consensus: { block_interval: 10m, retarget_interval: 0, coinbase_maturity: 5 }
mining: { miners: 1 }
workload: { tx_rate: 0.1/s, wallets: 200, coins_per_wallet: 30, tx_trickle: 2s }
";
    let (_, out) = simulate(yaml, &[]);
    let waits: Vec<f64> = settled(&out, SimTime::from_secs(60))
        .iter()
        .map(|r| r[2].expect("both nodes hold every settled payment").secs() - 0.15)
        .collect();
    let n = waits.len() as f64;
    let mean = waits.iter().sum::<f64>() / n;
    // An exponential's standard deviation is its mean; payments that share one timer
    // are correlated, which the extra standard error allows for.
    let tolerance = 5.0 * 2.0 / n.sqrt();
    assert!(n > 2000.0, "{n} payments");
    assert!(
        (mean - 2.0).abs() < tolerance,
        "mean wait {mean:.3} s over {n} payments, expected 2 ± {tolerance:.3}"
    );
    assert!(
        waits.iter().all(|&w| w >= -1e-6),
        "no payment beats the legs"
    );
}

#[test]
fn lost_messages_are_asked_again_and_every_payment_spreads_and_confirms() {
    let yaml = "
name: lossy
seed: 6
stop: { blocks: 20 }
network: { nodes: 40, outbound: 4, latency: 80ms, jitter: 30ms, bandwidth: 20Mbps }
consensus: { block_interval: 1m, retarget_interval: 0, coinbase_maturity: 5 }
mining: { miners: 4 }
workload: { tx_rate: 2/s, wallets: 60, coins_per_wallet: 10 }
faults:
  - { kind: loss, rate: 0.1, retry: 3s }
";
    let (sc, out) = simulate(yaml, &[]);
    let summary = summarize(&sc, &out);
    assert!(
        summary.faults[0].messages_lost > 100,
        "{:?}",
        summary.faults
    );
    let reach = settled(&out, SimTime::from_secs(5 * 60));
    assert!(reach.len() > 1000);
    assert!(
        reach.iter().all(|r| r[2].is_some()),
        "every payment made 5 minutes before the end reached every node"
    );
    // Payments made in the first 15 minutes are all in the chain 20 minutes on.
    let early = out
        .txs
        .iter()
        .filter(|t| t.created < SimTime::from_secs(15 * 60))
        .count() as u64;
    assert!(summary.txs_confirmed >= early, "{summary:?}");
}

#[test]
fn skipping_invs_for_payments_the_peer_holds_changes_no_result() {
    let yaml = "
name: moot
seed: 2
stop: { blocks: 10 }
network: { nodes: 60, outbound: 6, latency: 70ms, jitter: 30ms, bandwidth: 5Mbps }
consensus: { block_interval: 1m, retarget_interval: 0, coinbase_maturity: 5 }
mining: { miners: 3 }
workload: { tx_rate: 5/s, wallets: 50, coins_per_wallet: 10, tx_trickle: 1s }
";
    let sc = Scenario::parse(yaml, "inline", &[]).unwrap();
    let plain = common::network(&sc).run(None, |_, _| {});
    let traced = common::network(&sc).with_trace().run(None, |_, _| {});
    assert!(plain.events < traced.events);
    assert_eq!(plain.tx_reach, traced.tx_reach);
    for (a, b) in plain.blocks.iter().zip(&traced.blocks) {
        assert_eq!((a.mined_at, &a.arrivals), (b.mined_at, &b.arrivals));
    }
}

#[test]
fn when_blocks_are_full_the_highest_fee_rates_are_mined_first() {
    // Demand is about twice what 20 kB blocks a minute carry; fee rates are drawn from
    // 1 to 50 sat/byte. Miners fill templates by fee rate, so the top quarter of
    // payments waits about a block while the bottom quarter mostly never gets in.
    // Wallets hold enough premine coins to spend no unconfirmed change in the first
    // half (templates rank payments one by one: a child cannot pull in its parent).
    let yaml = "
name: fees
seed: 12
stop: { blocks: 40 }
network: { nodes: 30, outbound: 4, latency: 50ms, jitter: 20ms, bandwidth: 50Mbps }
consensus: { block_interval: 1m, max_block_bytes: 20kB, retarget_interval: 0, coinbase_maturity: 5 }
mining: { miners: 3 }
workload: { tx_rate: 3/s, wallets: 200, coins_per_wallet: 40, fee_rate: \"1..50\" }
";
    let (_, out) = simulate(yaml, &[]);
    let latencies = chainlab::report::summary::tx_latencies(&out, 1);
    // Payments made in the first half of the run, by fee rate.
    let half = SimTime(out.end_time.nanos() / 2);
    let mut made: Vec<(f64, Option<f64>)> = out
        .txs
        .iter()
        .zip(&latencies)
        .filter(|(t, _)| t.created < half)
        .map(|(t, l)| (t.fee.0 as f64 / t.size as f64, l.inclusion_s))
        .collect();
    made.sort_by(|a, b| a.0.total_cmp(&b.0));
    let quarter = made.len() / 4;
    let (low, high) = (&made[..quarter], &made[made.len() - quarter..]);
    let included = |set: &[(f64, Option<f64>)]| set.iter().filter(|p| p.1.is_some()).count();
    assert_eq!(
        included(high),
        high.len(),
        "every top-quarter payment is mined"
    );
    assert!(
        included(low) * 4 < low.len(),
        "{} of {} bottom-quarter payments mined",
        included(low),
        low.len()
    );
    let mut waits: Vec<f64> = high.iter().filter_map(|p| p.1).collect();
    waits.sort_by(f64::total_cmp);
    let median = waits[waits.len() / 2];
    assert!(median < 120.0, "top quarter waits {median:.1} s (median)");
}

#[test]
fn no_node_holds_a_payment_before_the_payments_it_spends() {
    // Few coins per wallet, so wallets soon spend change that has not confirmed, and a
    // child can reach a node before its parent; it must wait there as an orphan. Then
    // at every moment a parent is held by at least as many nodes as its child, so it
    // reaches each share of the nodes no later.
    let yaml = "
name: orphans
seed: 13
stop: { blocks: 12 }
network: { nodes: 60, outbound: 4, latency: 80ms, jitter: 60ms, bandwidth: 20Mbps }
consensus: { block_interval: 1m, retarget_interval: 0, coinbase_maturity: 5 }
mining: { miners: 3 }
workload: { tx_rate: 8/s, wallets: 20, coins_per_wallet: 2, tx_trickle: 1s }
";
    let (_, out) = simulate(yaml, &[]);
    let index: std::collections::HashMap<_, _> = out
        .txs
        .iter()
        .enumerate()
        .map(|(i, t)| (t.txid, i))
        .collect();
    let mut pairs = 0;
    for (child, record) in out.txs.iter().enumerate() {
        let Some((_, tx)) = out.tree.locate_tx(&record.txid) else {
            continue;
        };
        for input in &tx.inputs {
            let Some(&parent) = index.get(&input.previous_output.txid) else {
                continue;
            };
            for share in 0..3 {
                let at = |i: usize| out.tx_reach[i][share].map(|d| out.txs[i].created + d);
                if let Some(child_at) = at(child) {
                    let parent_at = at(parent).expect("a parent spreads wherever its child does");
                    assert!(
                        parent_at <= child_at,
                        "payment {child} before its parent {parent}"
                    );
                    pairs += 1;
                }
            }
        }
    }
    assert!(pairs > 1000, "{pairs} parent-child checks");
}
