//! Attacks on a zero-latency network against the published analysis. Tolerances come
//! from the number of trials (4 standard errors) plus, for attackers that give up,
//! the most that giving up can cost them: an attacker that abandons an attempt G
//! blocks behind would have caught up later with probability at most (q/p)^G.

mod common;

use chainlab::report::adversary::AttackFigures;
use chainlab::report::summarize;
use chainlab::report::theory;
use common::simulate;

/// Eight nodes with no latency and no validation delay: the setting the closed forms
/// assume (every block is everywhere the instant it is found).
const INSTANT_NETWORK: &str = "
stop: { blocks: 10000000 }
network: { nodes: 8, outbound: 3, latency: 0ms, jitter: 0ms, bandwidth: 100Gbps, validation_base: 0ms, validation_per_tx: 0ms }
consensus: { block_interval: 10m, retarget_interval: 0, coinbase_maturity: 1, hashes_per_block: 16 }
mining: { miners: 4 }
workload: { tx_rate: 0/s, tx_trickle: 0s }
";

fn run_attack(seed: u64, attack: &str, extra: &[&str]) -> (AttackFigures, u32) {
    let yaml = format!("name: attack\nseed: {seed}\n{INSTANT_NETWORK}attacks:\n  - {attack}\n");
    let (sc, out) = simulate(&yaml, extra);
    let summary = summarize(&sc, &out);
    (summary.attacks[0].clone(), summary.blocks_main)
}

fn assert_double_spend_rate(q: f64, z: u32, premine: bool, attempts: u32, give_up: u32) {
    let attack = format!(
        "{{ kind: double-spend, hashrate: {q}, confirmations: {z}, give_up_behind: {give_up}, attempts: {attempts}, premine: {premine} }}"
    );
    let (fig, _) = run_attack(11, &attack, &[]);
    assert_eq!(fig.attempts, attempts, "every attempt decided");
    let expected = if premine {
        theory::rosenfeld(q, z)
    } else {
        theory::exact_without_premine(q, z)
    };
    let observed = fig.success_rate.unwrap();
    let se = (expected * (1.0 - expected) / f64::from(attempts)).sqrt();
    let give_up_bias = (q / (1.0 - q)).powi(give_up as i32);
    let tolerance = 4.0 * se + give_up_bias;
    assert!(
        (observed - expected).abs() < tolerance,
        "q={q} z={z} premine={premine}: {observed:.4} of {attempts} attempts, theory {expected:.4} ± {tolerance:.4} (Nakamoto {:.4})",
        theory::nakamoto(q, z)
    );
}

#[test]
fn pre_mined_double_spend_succeeds_as_often_as_rosenfeld_computes() {
    assert_double_spend_rate(0.3, 2, true, 800, 12);
    assert_double_spend_rate(0.2, 1, true, 800, 10);
}

#[test]
fn double_spend_starting_level_succeeds_as_often_as_the_exact_count_says() {
    assert_double_spend_rate(0.3, 3, false, 800, 12);
}

#[test]
fn a_successful_double_spend_is_decided_by_the_ledger() {
    let (fig, _) = run_attack(
        5,
        "{ kind: double-spend, hashrate: 0.45, confirmations: 1, give_up_behind: 6, attempts: 40, premine: true }",
        &[],
    );
    assert!(fig.successes > 0 && fig.successes < fig.attempts);
    // Every success reverted at least the block that held the merchant's payment.
    assert!(fig.reverted_blocks_max >= 1 && fig.reverted_txs >= u64::from(fig.successes));
    assert!(
        fig.blocks_orphaned > 0,
        "failed attempts cost the attacker its private blocks"
    );
    assert!(fig.rewards_forfeited_sat > 0);
}

#[test]
fn a_majority_attacker_rewrites_any_depth() {
    let (fig, _) = run_attack(
        3,
        "{ kind: majority, hashrate: 0.6, depth: 5, attempts: 20 }",
        &[],
    );
    assert_eq!(
        (fig.attempts, fig.successes),
        (20, 20),
        "more than half the hashrate always catches up"
    );
    assert!(
        fig.reverted_blocks_max >= 5,
        "forked 5 blocks deep: {}",
        fig.reverted_blocks_max
    ); // Not a withholding attack: no ties, no γ.
    assert_eq!((fig.ties_settled, fig.gamma_measured), (None, None));
}

/// Mean and standard error of the attacker's main-chain share over independent seeds.
fn selfish_share(alpha: f64, gamma: f64, seeds: u64, blocks: u32) -> (f64, f64) {
    let shares: Vec<f64> = (0..seeds)
        .map(|seed| {
            let attack = format!("{{ kind: selfish, hashrate: {alpha}, gamma: {gamma} }}");
            let stop = format!("stop.blocks={blocks}");
            run_attack(100 + seed, &attack, &[&stop]).0.revenue_share
        })
        .collect();
    let n = shares.len() as f64;
    let mean = shares.iter().sum::<f64>() / n;
    let var = shares.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

#[test]
fn selfish_revenue_follows_eyal_and_sirer() {
    for (alpha, gamma) in [(0.35, 0.5), (0.35, 0.0), (0.25, 0.0)] {
        let (mean, se) = selfish_share(alpha, gamma, 8, 2500);
        let expected = theory::selfish_revenue(alpha, gamma);
        assert!(
            (mean - expected).abs() < 4.0 * se.max(1e-3),
            "α={alpha} γ={gamma}: share {mean:.4} ± {se:.4}, Eyal & Sirer {expected:.4}"
        );
        // The threshold: above (1-γ)/(3-2γ) the selfish miner earns more than its
        // share, below it less (both by more than the noise here).
        let above = alpha > theory::selfish_threshold(gamma);
        assert_eq!(mean > alpha, above, "α={alpha} γ={gamma}: share {mean:.4}");
    }
}

#[test]
fn measured_gamma_is_the_gamma_set() {
    // With a fixed γ on the instant network every honest miner knows both blocks of a
    // tie: the honest block settling it builds on the attacker's with probability γ.
    for gamma in [0.0, 0.5, 1.0] {
        let attack = format!("{{ kind: selfish, hashrate: 0.35, gamma: {gamma} }}");
        let (f, _) = run_attack(7, &attack, &["stop.blocks=3000"]);
        let (n, g, se) = (
            f.ties_settled.unwrap(),
            f.gamma_measured.unwrap(),
            f.gamma_measured_se.unwrap(),
        );
        assert!(n > 100, "{n} ties");
        assert!(
            (g - gamma).abs() <= 4.0 * se + 1e-12,
            "γ {gamma}: measured {g:.3} ± {se:.3} over {n} ties"
        );
        assert_eq!(
            f.theory_eyal_sirer,
            Some(theory::selfish_revenue(0.35, gamma))
        );
    }
}

#[test]
fn a_better_connected_selfish_miner_wins_more_ties() {
    // γ emerges from the network: with links of 100-300 ms, an attacker linked to
    // every node gets its block to most honest miners first in a tie.
    let share = |connections: u32| {
        let yaml = format!(
            "name: gamma\nseed: 21\nstop: {{ blocks: 3000 }}\nnetwork: {{ nodes: 60, outbound: 3, latency: 200ms, jitter: 100ms, bandwidth: 1Gbps, validation_base: 0ms, validation_per_tx: 0ms }}\nconsensus: {{ block_interval: 1m, retarget_interval: 0, coinbase_maturity: 1, hashes_per_block: 16 }}\nmining: {{ miners: 10 }}\nworkload: {{ tx_rate: 0/s }}\nattacks:\n  - {{ kind: selfish, hashrate: 0.3, gamma: network, connections: {connections} }}\n"
        );
        let (sc, out) = simulate(&yaml, &[]);
        summarize(&sc, &out).attacks[0].clone()
    };
    let (alone, everywhere) = (share(0), share(59));
    // γ measured from the ties' outcomes, and Eyal & Sirer's revenue at that γ.
    for f in [&alone, &everywhere] {
        let (g, se) = (f.gamma_measured.unwrap(), f.gamma_measured_se.unwrap());
        let expected = f.theory_eyal_sirer.unwrap();
        eprintln!(
            "γ measured {g:.3} ± {se:.3} over {} ties; revenue {:.3}, Eyal & Sirer at that γ {expected:.3}",
            f.ties_settled.unwrap(),
            f.revenue_share
        );
        assert!(f.ties_settled.unwrap() > 50);
        assert!((f.revenue_share - expected).abs() < 0.05);
    }
    assert!(
        everywhere.gamma_measured.unwrap() > alone.gamma_measured.unwrap() + 0.2,
        "the well-connected attacker's ties go its way more often"
    );
    let (alone, everywhere) = (alone.revenue_share, everywhere.revenue_share);
    // Eyal & Sirer at α = 0.3: 0.273 for γ = 0, 0.381 for γ = 1; a binomial standard
    // error over ~3,000 blocks is under 0.01.
    assert!(
        everywhere > alone + 0.03,
        "connected to all: {everywhere:.3}, three links: {alone:.3}"
    );
    assert!(
        everywhere > 0.3,
        "well connected, selfish mining pays: {everywhere:.3}"
    );
}
