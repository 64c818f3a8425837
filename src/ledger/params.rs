//! Consensus parameters: the numbers a chain is defined by. Defaults are Bitcoin's.

use super::pow::RetargetRule;
use super::tx::{Amount, COIN};

#[derive(Clone, Debug, PartialEq)]
pub struct ConsensusParams {
    /// Largest serialized block, in bytes (Bitcoin before segwit: 1,000,000).
    pub max_block_bytes: usize,
    /// Blocks a coinbase output must wait before it can be spent (Bitcoin: 100).
    pub coinbase_maturity: u32,
    /// Subsidy of the first block, in satoshis (Bitcoin: 50 coins).
    pub initial_reward: Amount,
    /// Blocks between halvings (Bitcoin: 210,000); 0 means the subsidy never halves.
    pub halving_interval: u32,
    pub retarget: RetargetRule,
    /// Blocks whose median time a new block must exceed (Bitcoin: 11).
    pub median_time_span: usize,
    /// How far ahead of the validator's clock a block time may be (Bitcoin: 2 hours).
    pub max_future_block_time_s: u32,
}

impl ConsensusParams {
    pub fn bitcoin() -> Self {
        ConsensusParams {
            max_block_bytes: 1_000_000,
            coinbase_maturity: 100,
            initial_reward: 50 * COIN,
            halving_interval: 210_000,
            retarget: RetargetRule::bitcoin(),
            median_time_span: 11,
            max_future_block_time_s: 2 * 60 * 60,
        }
    }

    /// The subsidy of the block at `height`: halves every `halving_interval` blocks
    /// and reaches zero after 64 halvings (Bitcoin's GetBlockSubsidy).
    pub fn block_subsidy(&self, height: u32) -> Amount {
        if self.halving_interval == 0 {
            return self.initial_reward;
        }
        let halvings = height / self.halving_interval;
        if halvings >= 64 {
            Amount::ZERO
        } else {
            Amount(self.initial_reward.0 >> halvings)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsidy_halves_on_schedule() {
        let p = ConsensusParams::bitcoin();
        assert_eq!(p.block_subsidy(0), 50 * COIN);
        assert_eq!(p.block_subsidy(209_999), 50 * COIN);
        assert_eq!(p.block_subsidy(210_000), 25 * COIN);
        assert_eq!(p.block_subsidy(840_000), 3 * COIN + COIN / 8);
        assert_eq!(p.block_subsidy(64 * 210_000), Amount::ZERO);
    }
}
