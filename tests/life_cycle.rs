//! The network's life cycle (issue #18): miners leaving and arriving on a schedule and
//! the retarget's answer, and what each confirmed payment cost — checked by hand
//! against the blocks of a small run.

mod common;

use chainlab::node::RunOutput;
use chainlab::report::summarize;

/// A small network with no payments: only block times matter.
const QUIET: &str = "
name: schedule
seed: 5
network: { nodes: 12, outbound: 3 }
mining: { miners: 4 }
workload: { tx_rate: 0/s }
";

/// Main-chain blocks mined in [from, to) seconds, and their mean interval.
fn mean_interval(out: &RunOutput, from: f64, to: f64) -> (usize, f64) {
    let main = out.tree.main_chain();
    let times: Vec<f64> = main
        .iter()
        .map(|&id| out.blocks[id.index()].mined_at.secs())
        .collect();
    let gaps: Vec<f64> = (times.windows(2))
        .filter(|w| w[0] >= from && w[1] < to)
        .map(|w| w[1] - w[0])
        .collect();
    (
        gaps.len(),
        gaps.iter().sum::<f64>() / gaps.len().max(1) as f64,
    )
}

#[test]
fn halving_the_hashrate_doubles_the_interval_until_a_retarget() {
    let (_, out) = common::simulate(
        QUIET,
        &[
            "consensus.retarget_interval=0",
            "stop.time=400h",
            "mining.schedule=[{ at: 200h, hashrate: 0.5 }]",
        ],
    );
    let (n1, before) = mean_interval(&out, 0.0, 200.0 * 3600.0);
    let (n2, after) = mean_interval(&out, 200.0 * 3600.0, 400.0 * 3600.0);
    // About 1,200 and 600 exponential gaps: each mean within ~3% (one standard error).
    assert!(n1 > 1000 && n2 > 500, "{n1} {n2}");
    assert!((before / 600.0 - 1.0).abs() < 0.12, "before: {before}");
    let ratio = after / before;
    assert!((1.75..2.3).contains(&ratio), "after / before = {ratio}");
}

#[test]
fn the_retarget_brings_the_interval_back_after_miners_leave() {
    // Half the miners leave at 50 h; the retarget every 50 blocks answers.
    let (_, out) = common::simulate(
        QUIET,
        &[
            "consensus.retarget_interval=50",
            "stop.time=400h",
            "mining.schedule=[{ at: 50h, miner: 0, hashrate: 0 }, { at: 50h, miner: 1, hashrate: 0 }]",
        ],
    );
    let (_, slow) = mean_interval(&out, 50.0 * 3600.0, 60.0 * 3600.0);
    assert!(
        slow > 900.0,
        "right after they leave blocks come slower: {slow}"
    );
    let (n, late) = mean_interval(&out, 150.0 * 3600.0, 400.0 * 3600.0);
    assert!(n > 1000, "{n}");
    assert!(
        (late / 600.0 - 1.0).abs() < 0.1,
        "retargeted interval {late}"
    );
    // Miners 0 and 1 found nothing once they had left.
    let after_leaving = (out.blocks.iter().skip(1))
        .filter(|b| b.mined_at.secs() > 50.0 * 3600.0)
        .filter(|b| b.miner.is_some_and(|m| m.0 < 2))
        .count();
    assert_eq!(after_leaving, 0);
}

#[test]
fn a_miner_that_arrives_later_mines_from_then_on() {
    let (_, out) = common::simulate(
        QUIET,
        &[
            "stop.time=100h",
            "mining.schedule=[{ at: 0s, miner: 3, hashrate: 0 }, { at: 50h, miner: 3, hashrate: 1 }]",
        ],
    );
    let by_three = |from: f64, to: f64| {
        (out.blocks.iter().skip(1))
            .filter(|b| b.miner.is_some_and(|m| m.0 == 3))
            .filter(|b| (from..to).contains(&b.mined_at.secs()))
            .count()
    };
    assert_eq!(by_three(0.0, 50.0 * 3600.0), 0);
    // A quarter of ~300 blocks: far from none.
    assert!(by_three(50.0 * 3600.0, 100.0 * 3600.0) > 40);
}

#[test]
fn the_cost_per_payment_is_what_the_blocks_say() {
    let (sc, out) = common::simulate(
        "name: cost\nseed: 3\nnetwork: { nodes: 20, outbound: 3 }\nmining: { miners: 3 }\nworkload: { tx_rate: 2/s, wallets: 40 }\n",
        &[
            "stop.blocks=20",
            "consensus.retarget_interval=0",
            "cost.hashrate=1e18",
            "cost.joules_per_hash=1e-10",
            "cost.coin_price=1000",
        ],
    );
    let s = summarize(&sc, &out);
    let c = &s.cost;
    let confirmed = s.txs_confirmed as f64;
    assert!(confirmed > 100.0, "{confirmed}");
    // Without a retarget every block has the starting difficulty, so each stands for
    // hashrate × interval = 1e18 × 600 hashes.
    let blocks = f64::from(s.blocks_main + s.blocks_stale);
    let hashes = blocks * 1e18 * 600.0;
    assert!(
        (c.hashes_total / hashes - 1.0).abs() < 1e-9,
        "{}",
        c.hashes_total
    );
    assert!((c.energy_j_total / (hashes * 1e-10) - 1.0).abs() < 1e-9);
    let per_tx = c.cost_hashes_per_tx.unwrap();
    assert!((per_tx * confirmed / hashes - 1.0).abs() < 1e-9);
    // Subsidy: 50 coins a main-chain block; fees: what the blocks collected.
    let main = out.tree.main_chain();
    let fees: u64 = main.iter().map(|&id| out.tree.entry(id).fees.0).sum();
    let subsidy = f64::from(s.blocks_main) * 50e8;
    assert_eq!(c.cost_subsidy_sat_per_tx.unwrap(), subsidy / confirmed);
    assert_eq!(c.cost_fees_sat_per_tx.unwrap(), fees as f64 / confirmed);
    let usd = (subsidy + fees as f64) / 1e8 * 1000.0 / confirmed;
    assert!((c.cost_paid_usd_per_tx.unwrap() / usd - 1.0).abs() < 1e-12);
    assert_eq!(
        c.cost_stored_bytes_per_tx.unwrap(),
        s.chain_bytes as f64 / confirmed
    );
    // Every node but the miner received every main-chain block whole (inv/getdata):
    // the bytes relayed are at least that, and at most a few times it with payments.
    let block_bytes: u64 = main[1..]
        .iter()
        .map(|&id| out.tree.entry(id).size as u64)
        .sum();
    assert!(
        c.relayed_bytes_total >= block_bytes * 19,
        "{}",
        c.relayed_bytes_total
    );
}

/// Nodes join an hour-old network of 500 kB blocks at 10 Mbit/s and copy its chain.
const JOINING: &str = "
name: joining
seed: 4
stop: { time: 3h }
network: { nodes: 60, outbound: 4, bandwidth: 10Mbps }
consensus: { block_interval: 1m, retarget_interval: 0 }
mining: { miners: 4, block_padding: 500kB }
workload: { tx_rate: 0.5/s, wallets: 40 }
joining: { nodes: 4, from: 1h, rate: 4/h }
";

#[test]
fn a_joining_node_ends_with_the_chain_everyone_has() {
    for loss in ["0", "0.05"] {
        let (sc, out) = common::simulate(
            JOINING,
            &[&format!("faults=[{{ kind: loss, rate: {loss} }}]")],
        );
        let s = summarize(&sc, &out);
        assert_eq!(
            (s.joins.joined_nodes, s.joins.synced_nodes),
            (4, 4),
            "loss {loss}"
        );
        let best = *out.tree.main_chain().last().unwrap();
        for j in &out.joins {
            // The same tip means the same chain, and so the same coins (the UTXO set
            // is the chain's).
            assert_eq!(
                out.tips[j.node.index()],
                best,
                "node {} (loss {loss})",
                j.node
            );
            assert!(
                j.blocks_in >= 50,
                "it downloaded the hour's blocks: {}",
                j.blocks_in
            );
        }
    }
}

#[test]
fn sync_time_grows_linearly_with_the_chain_at_a_fixed_bandwidth() {
    // One node joins after 30, 60 and 120 minutes of 1-minute, 500 kB blocks: at
    // 10 Mbit/s down a block takes 0.4 s, so sync time is about 0.4 s × height.
    let mut per_block = Vec::new();
    for from in ["30m", "60m", "120m"] {
        let (_, out) = common::simulate(
            JOINING,
            &[
                "workload.tx_rate=0/s",
                "joining.nodes=1",
                &format!("joining.from={from}"),
            ],
        );
        let j = &out.joins[0];
        let took = (j.synced.unwrap() - j.joined.unwrap()).secs();
        per_block.push(took / f64::from(j.blocks_in));
    }
    for p in &per_block {
        assert!((p / 0.4 - 1.0).abs() < 0.1, "{per_block:?} s per block");
    }
}

#[test]
fn bad_joining_values_are_refused_with_the_key_and_the_range() {
    let cases = [
        ("joining.nodes=57", "joining.nodes is 57; allowed: 1 to 56"),
        ("joining.rate=0/s", "joining.rate is 0/s"),
        (
            "joining.blocks_in_flight=0",
            "joining.blocks_in_flight is 0; allowed: 1 to 1024",
        ),
        ("mining.miners=60", "no node can join"),
        ("cost.hashrate=0", "cost.hashrate is 0"),
        (
            "churn={ nodes: 53, session: 1h, downtime: 1h }",
            "churn.nodes is 53; allowed: 1 to 52",
        ),
        (
            "churn={ nodes: 5, session: 1ms, downtime: 1h }",
            "churn.session is 1ms",
        ),
        ("churn={ nodes: 5, session: 1h }", "downtime"),
        (
            "mining.schedule=[{ at: 1h, miner: 4, hashrate: 1 }]",
            "mining.schedule[0].miner is 4",
        ),
    ];
    common::refuses(JOINING, &cases);
}

#[test]
fn under_churn_every_node_converges_once_the_churn_stops() {
    let (sc, out) = common::simulate(
        "name: churn\nseed: 5\nstop: { time: 6h }\nnetwork: { nodes: 60, outbound: 4 }\n\
         consensus: { block_interval: 2m, retarget_interval: 0 }\n\
         mining: { miners: 4, block_padding: 100kB }\nworkload: { tx_rate: 0.5/s, wallets: 40 }\n\
         churn: { nodes: 30, session: 40m, downtime: 20m, until: 5h }\n",
        &[],
    );
    let s = summarize(&sc, &out);
    // 30 nodes over 5 hours of 40-minute sessions: well over a hundred returns.
    assert!(s.joins.churn_returns > 100, "{}", s.joins.churn_returns);
    assert_eq!(s.joins.churn_resynced, s.joins.churn_returns);
    let best = *out.tree.main_chain().last().unwrap();
    let behind: Vec<usize> = (0..60).filter(|&n| out.tips[n] != best).collect();
    assert!(
        behind.is_empty(),
        "nodes not on the best tip an hour after churn: {behind:?}"
    );
}
