//! Stubborn mining (Nayak, Kumar, Miller, Shi, EuroS&P 2016) against selfish mining at
//! the same α and γ, on the instant network the closed forms assume. Reference
//! figures come from the abstract model in tests/python/withholding_model.py (the
//! same decision rules, block by block, without a network):
//!
//!     python3 tests/python/withholding_model.py
//!
//! α=0.45 γ=0.5: selfish 0.6813 ± 0.0028, lead+equal-fork stubborn 0.7544 ± 0.0023
//! (stubborn wins); α=0.25 γ=0: selfish 0.1959 ± 0.0008 (Eyal and Sirer's closed form:
//! 0.1951), lead stubborn 0.1138 ± 0.0007 (stubborn loses) — the paper's finding that
//! stubbornness pays for strong, well-connected attackers and costs weak ones.

mod common;

use chainlab::report::summarize;
use common::simulate;

const INSTANT_NETWORK: &str = "
stop: { blocks: 10000000 }
network: { nodes: 8, outbound: 3, latency: 0ms, jitter: 0ms, bandwidth: 100Gbps, validation_base: 0ms, validation_per_tx: 0ms }
consensus: { block_interval: 10m, retarget_interval: 0, coinbase_maturity: 1, hashes_per_block: 16 }
mining: { miners: 4 }
workload: { tx_rate: 0/s, tx_trickle: 0s }
";

/// The attacker's share of main-chain blocks for each of `seeds` seeds.
fn shares(attack: &str, seeds: u64, blocks: u32) -> Vec<f64> {
    (0..seeds)
        .map(|seed| {
            let yaml = format!(
                "name: stubborn\nseed: {}\n{INSTANT_NETWORK}attacks:\n  - {attack}\n",
                300 + seed
            );
            let (sc, out) = simulate(&yaml, &[&format!("stop.blocks={blocks}")]);
            summarize(&sc, &out).attacks[0].revenue_share
        })
        .collect()
}

fn mean_se(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

#[test]
fn stubborn_with_every_switch_off_is_selfish_mining() {
    let yaml = |kind: &str| {
        format!("name: same\nseed: 5\n{INSTANT_NETWORK}attacks:\n  - {{ kind: {kind}, hashrate: 0.35, gamma: 0.5 }}\n")
    };
    let (_, selfish) = simulate(&yaml("selfish"), &["stop.blocks=1500"]);
    let (_, stubborn) = simulate(&yaml("stubborn"), &["stop.blocks=1500"]);
    assert_eq!(selfish.blocks.len(), stubborn.blocks.len());
    for (a, b) in selfish.blocks.iter().zip(&stubborn.blocks) {
        assert_eq!((a.miner, a.mined_at), (b.miner, b.mined_at));
    }
    let records = |o: &chainlab::node::RunOutput| format!("{:?}", o.attacks[0].records);
    assert_eq!(records(&selfish), records(&stubborn));
}

/// Selfish and stubborn shares over `seeds` runs of `blocks` blocks, each within four
/// standard errors of the model's (whose own error is well under chainlab's here).
fn compare(
    alpha: f64,
    gamma: f64,
    switches: &str,
    model: (f64, f64),
    (seeds, blocks): (u64, u32),
) -> (f64, f64) {
    let selfish = shares(
        &format!("{{ kind: selfish, hashrate: {alpha}, gamma: {gamma} }}"),
        seeds,
        blocks,
    );
    let stubborn = shares(
        &format!("{{ kind: stubborn, hashrate: {alpha}, gamma: {gamma}, {switches} }}"),
        seeds,
        blocks,
    );
    let (s, s_se) = mean_se(&selfish);
    let (t, t_se) = mean_se(&stubborn);
    eprintln!("α={alpha} γ={gamma} {switches}: selfish {s:.4} ± {s_se:.4} (model {:.4}), stubborn {t:.4} ± {t_se:.4} (model {:.4})", model.0, model.1);
    for (got, se, want) in [(s, s_se, model.0), (t, t_se, model.1)] {
        assert!(
            (got - want).abs() < 4.0 * se.max(2e-3),
            "{got:.4} ± {se:.4} against the model's {want:.4}"
        );
    }
    (s, t)
}

#[test]
fn lead_and_equal_fork_stubbornness_beat_selfish_mining_at_high_alpha() {
    // Long episodes at α=0.45 need many blocks: 24 runs of 8,000 resolve a 0.02 error
    // (a tie ended by a private block, once a bug here) at over four standard errors.
    let (selfish, stubborn) = compare(
        0.45,
        0.5,
        "lead: true, equal_fork: true",
        (0.6813, 0.7544),
        (24, 8000),
    );
    assert!(
        stubborn > selfish + 0.03,
        "selfish {selfish:.4}, stubborn {stubborn:.4}"
    );
}

#[test]
fn lead_stubbornness_loses_to_selfish_mining_at_low_alpha() {
    let (selfish, stubborn) = compare(0.25, 0.0, "lead: true", (0.1959, 0.1138), (6, 3000));
    assert!(
        stubborn < selfish - 0.03,
        "selfish {selfish:.4}, stubborn {stubborn:.4}"
    );
}
