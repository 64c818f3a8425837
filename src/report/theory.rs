//! Published closed forms the attack results are compared with (docs/attacks.md).
//! `q` is the attacker's share of the hashrate, `z` the merchant's confirmations.

/// Nakamoto's whitepaper, section 11: the attacker's progress while the honest chain
/// finds z blocks is taken as Poisson with mean z·q/p, and catching up from k behind
/// has probability (q/p)^(z−k).
pub fn nakamoto(q: f64, z: u32) -> f64 {
    let p = 1.0 - q;
    if q >= p {
        return 1.0;
    }
    let lambda = f64::from(z) * q / p;
    let mut poisson = (-lambda).exp();
    let mut sum = 1.0;
    for k in 0..=z {
        if k > 0 {
            poisson *= lambda / f64::from(k);
        }
        sum -= poisson * (1.0 - (q / p).powi((z - k) as i32));
    }
    sum.clamp(0.0, 1.0)
}

/// Rosenfeld (2014), "Analysis of hashrate-based double spending", eq. for r(q, n):
/// exact negative-binomial count of the attacker's blocks, with the attacker one
/// block ahead when the payment is sent (it pre-mined), so that drawing level suffices.
pub fn rosenfeld(q: f64, z: u32) -> f64 {
    let p = 1.0 - q;
    if q >= p || z == 0 {
        return 1.0;
    }
    let n = z as i32;
    let mut sum = 0.0;
    for m in 0..=z {
        let c = binomial(m + z - 1, m);
        sum += c * (p.powi(n) * q.powi(m as i32) - p.powi(m as i32) * q.powi(n));
    }
    (1.0 - sum).clamp(0.0, 1.0)
}

/// The same exact count for an attacker that starts level (no pre-mined block) and
/// must get strictly ahead: Σ_m NB(m; z, p) · min(1, (q/p)^(z−m+1)).
pub fn exact_without_premine(q: f64, z: u32) -> f64 {
    let p = 1.0 - q;
    if z == 0 {
        return q / p.max(q);
    }
    if q >= p {
        return 1.0;
    }
    // P(attacker found m blocks while honest found z) = C(m+z−1, m) p^z q^m.
    let mut below = 0.0; // Σ over m ≤ z of NB(m) · (q/p)^(z−m+1)
    let mut mass = 0.0;
    for m in 0..=z {
        let nb = binomial(m + z - 1, m) * p.powi(z as i32) * q.powi(m as i32);
        mass += nb;
        below += nb * (q / p).powi((z - m + 1) as i32);
    }
    (below + (1.0 - mass)).clamp(0.0, 1.0)
}

/// The N-confirmation double spend against an eclipsed merchant (Heilman et al. 2015),
/// with blocks reaching everyone at once: the branch the merchant sees grows at share
/// `s` (the attacker's and the eclipsed miners'), the honest chain at 1 − s. The
/// merchant ships at the branch's `z`-th block and the eclipse ends: it moves to the
/// honest chain if that has more blocks then (H > z, with H the honest blocks found
/// before the branch's z-th: C(z+h−1, h) s^z (1−s)^h); in a tie the next block
/// decides, honest with probability 1 − s; behind, the honest nodes take the branch.
pub fn eclipse_double_spend(s: f64, z: u32) -> f64 {
    let p = 1.0 - s;
    let nb = |h: u32| binomial(z + h - 1, h) * s.powi(z as i32) * p.powi(h as i32);
    let below: f64 = (0..z).map(nb).sum();
    let tie = nb(z);
    ((1.0 - below - tie) + tie * p).clamp(0.0, 1.0)
}

/// Eyal and Sirer (2014), eq. (8): the selfish pool's share of main-chain blocks.
pub fn selfish_revenue(alpha: f64, gamma: f64) -> f64 {
    let a = alpha;
    let num = a * (1.0 - a).powi(2) * (4.0 * a + gamma * (1.0 - 2.0 * a)) - a.powi(3);
    let den = 1.0 - a * (1.0 + (2.0 - a) * a);
    num / den
}

/// Eyal and Sirer: selfish mining pays (revenue above the hashrate share) when α
/// exceeds (1 − γ) / (3 − 2γ).
pub fn selfish_threshold(gamma: f64) -> f64 {
    (1.0 - gamma) / (3.0 - 2.0 * gamma)
}

fn binomial(n: u32, k: u32) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * f64::from(n - i) / f64::from(i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nakamoto_matches_the_whitepaper_table() {
        // Section 11's printed values for q = 0.1 and q = 0.3.
        for (q, z, p) in [
            (0.1, 0, 1.0),
            (0.1, 1, 0.2045873),
            (0.1, 5, 0.0009137),
            (0.1, 10, 0.0000012),
            (0.3, 5, 0.1773523),
            (0.3, 10, 0.0416605),
            (0.3, 50, 0.0000006),
        ] {
            assert!(
                (nakamoto(q, z) - p).abs() < 5e-7,
                "q={q} z={z}: {}",
                nakamoto(q, z)
            );
        }
    }

    #[test]
    fn rosenfeld_needs_one_more_confirmation_than_nakamoto_at_ten_percent() {
        // Rosenfeld's point against the whitepaper: at q = 10% a 0.1% risk takes 6
        // confirmations, not 5; and r = 2q at one confirmation.
        assert!((rosenfeld(0.1, 1) - 0.2).abs() < 1e-12);
        assert!(rosenfeld(0.1, 5) > 0.001 && rosenfeld(0.1, 6) < 0.001);
        assert!(nakamoto(0.1, 5) < 0.001);
    }

    #[test]
    fn starting_level_is_worse_for_the_attacker_than_pre_mining() {
        for q in [0.1, 0.25, 0.4] {
            for z in 1..8 {
                assert!(exact_without_premine(q, z) < rosenfeld(q, z));
            }
        }
        // z = 1 by hand: 2q² + q²/p.
        let q: f64 = 0.1;
        let hand = 2.0 * q * q + q * q / (1.0 - q);
        assert!((exact_without_premine(q, 1) - hand).abs() < 1e-12);
    }

    #[test]
    fn eyal_sirer_threshold_and_curve_agree() {
        for gamma in [0.0, 0.5, 1.0] {
            let t = selfish_threshold(gamma);
            if t > 0.0 {
                assert!((selfish_revenue(t, gamma) - t).abs() < 1e-9, "γ={gamma}");
            }
        }
        assert!((selfish_threshold(0.0) - 1.0 / 3.0).abs() < 1e-12);
        assert!((selfish_threshold(0.5) - 0.25).abs() < 1e-12);
    }
}
