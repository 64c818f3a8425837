//! The `cost:` section: what the simulated network stands for in the real world, so
//! that a run can say what each confirmed transaction cost (`report::cost`). The
//! simulated difficulty is scaled down (`consensus.hashes_per_block`) so that nonces
//! are cheap to grind; these keys scale the hashes back up and price them.
//!
//! The real network is given by its hashrate, not its difficulty: a scenario with
//! faster blocks then stands for the same miners finding easier blocks more often —
//! the same energy a second — which is the comparison "what if blocks came faster"
//! asks for. (With the difficulty fixed instead, 30-second blocks would stand for
//! twenty times the miners.)

use super::limits::within;
use serde::{Deserialize, Serialize};

/// Bitcoin's hashrate implied by the difficulty set on 20 December 2015,
/// 93,448,670,796 (reported by Finance Magnates that day, beside a measured 692 PH/s):
/// difficulty × 2^48 / 65,535 hashes every 600 s, 6.69 × 10^17 H/s. The network of
/// the article chainlab simulates, when the chain held about 40 GB.
pub const HASHRATE_2015: f64 = 6.69e17;
/// Joules per hash of Bitmain's Antminer S7 (1,210 W for 4.8 TH/s, 0.25 J/GH), the most
/// efficient miner on sale in 2015: the 2015 network's mix of older machines used more,
/// so the energy figures are a lower bound for that network.
pub const JOULES_PER_HASH_S7: f64 = 2.5e-10;

const MAX_HASHRATE: f64 = 1e24;
const MAX_JOULES_PER_HASH: f64 = 1e-3;
const MAX_COIN_PRICE: f64 = 1e9;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Cost {
    /// The real network's hashrate (hashes a second) that the run's miners together
    /// stand for at the start.
    pub hashrate: f64,
    pub joules_per_hash: f64,
    /// US dollars per coin; without it no figure is given in dollars.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coin_price: Option<f64>,
}

impl Default for Cost {
    fn default() -> Self {
        Cost {
            hashrate: HASHRATE_2015,
            joules_per_hash: JOULES_PER_HASH_S7,
            coin_price: None,
        }
    }
}

impl Cost {
    /// Real hashes a block at the starting difficulty stands for, with blocks every
    /// `interval_s` seconds.
    pub fn real_hashes_per_block(&self, interval_s: f64) -> f64 {
        self.hashrate * interval_s
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        within("cost.hashrate", self.hashrate, 1.0, MAX_HASHRATE)?;
        within(
            "cost.joules_per_hash",
            self.joules_per_hash,
            0.0,
            MAX_JOULES_PER_HASH,
        )?;
        if let Some(price) = self.coin_price {
            within("cost.coin_price", price, 0.0, MAX_COIN_PRICE)?;
        }
        Ok(())
    }
}

/// What a mistyped `cost` value should have been.
pub(crate) fn allowed(key: &str) -> Option<String> {
    match key {
        "cost.hashrate" => Some(format!("hashes a second, from 1 to {MAX_HASHRATE}")),
        "cost.joules_per_hash" => Some(format!("a number from 0 to {MAX_JOULES_PER_HASH}")),
        "cost.coin_price" => Some(format!("dollars per coin, from 0 to {MAX_COIN_PRICE}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_hashrate_is_the_2015_difficulty_at_ten_minutes() {
        // Difficulty D is target 0xffff × 2^208 / D: 2^256 / (target + 1) hashes a block,
        // D × 2^48 / 65,535 to within one part in 2^208.
        let per_block = 93_448_670_796.0 * 2f64.powi(48) / 65_535.0;
        let per_s = per_block / 600.0;
        assert!((per_s / HASHRATE_2015 - 1.0).abs() < 0.001, "{per_s}");
        let cost = Cost::default();
        assert_eq!(cost.real_hashes_per_block(600.0), 600.0 * HASHRATE_2015);
    }
}
