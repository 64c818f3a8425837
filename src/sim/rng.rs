//! Independent, reproducible random streams: one per purpose and per index (node,
//! miner, wallet), derived from the scenario seed. Adding a draw to one stream never
//! shifts another, so a change to the workload does not reshuffle the topology.

use rand::SeedableRng;
use rand_chacha::ChaCha12Rng;
use sha2::{Digest, Sha256};

pub type SimRng = ChaCha12Rng;

pub fn stream(seed: u64, purpose: &str, index: u64) -> SimRng {
    let mut h = Sha256::new();
    h.update(b"chainlab/rng/v1");
    h.update(seed.to_le_bytes());
    h.update((purpose.len() as u64).to_le_bytes());
    h.update(purpose.as_bytes());
    h.update(index.to_le_bytes());
    SimRng::from_seed(h.finalize().into())
}

/// An exponentially distributed delay with the given mean, by inversion: the time to
/// the next event of a Poisson process (block discovery, transaction arrival).
pub fn exponential(rng: &mut SimRng, mean: f64) -> f64 {
    use rand::Rng;
    let u: f64 = rng.random();
    -mean * (1.0 - u).ln()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_reproducible_and_independent() {
        let a: u64 = stream(7, "mining", 0).random();
        assert_eq!(a, stream(7, "mining", 0).random::<u64>());
        assert_ne!(a, stream(7, "mining", 1).random::<u64>());
        assert_ne!(a, stream(8, "mining", 0).random::<u64>());
        assert_ne!(a, stream(7, "workload", 0).random::<u64>());
    }

    #[test]
    fn exponential_has_the_requested_mean() {
        let mut rng = stream(1, "test", 0);
        let n = 200_000;
        let mean = (0..n).map(|_| exponential(&mut rng, 600.0)).sum::<f64>() / n as f64;
        // Standard error of the mean is 600/sqrt(n) ~ 1.34; allow 5 of them.
        assert!(
            (mean - 600.0).abs() < 5.0 * 600.0 / (n as f64).sqrt(),
            "{mean}"
        );
    }
}
