//! The bounds on every number a scenario gives, in one place: the checks
//! (`check.rs`, `adversary.rs`) and the messages for mistyped values use them, and
//! docs/scenario.md lists them.

use std::fmt::Display;

/// Nanoseconds in a day and in a year of 365 days.
const DAY: u64 = 86_400_000_000_000;
const YEAR: u64 = 365 * DAY;

pub const MAX_NODES: u32 = 2_000_000;
/// Bitcoin Core's limit on a node's connections.
pub const MAX_OUTBOUND: u32 = 125;
/// Links in the topology (nodes × outbound): each costs two adjacency entries.
pub const MAX_LINKS: u64 = 20_000_000;
/// `stop.blocks` may be this large for runs that end otherwise (attacks with a number
/// of attempts stop the run once made); other runs are bounded by [`MAX_BLOCKS_KEPT`].
pub const MAX_STOP_BLOCKS: u32 = 100_000_000;
/// Blocks a run may make when nothing else ends it: each block kept in memory costs
/// about 1.2 kB (its tree entry, transaction ids, records; measured: 1,000,000 blocks
/// peaked at 1.18 GB), so this bounds a run to a few GB.
pub const MAX_BLOCKS_KEPT: f64 = 2e6;
/// Every duration and every moment in a scenario is at most this (simulated time is a
/// 64-bit count of nanoseconds, about 584 years: sums of a few bounded times never wrap).
pub const MAX_TIME: u64 = 10 * YEAR;
pub const MAX_LATENCY: u64 = 3_600_000_000_000;
/// Block times are whole seconds and must pass the median of the last eleven: blocks
/// faster than one a second would run their timestamps ahead of the clock until
/// consensus refused them (more than two hours ahead).
pub const MIN_BLOCK_INTERVAL: u64 = 1_000_000_000;
pub const MAX_BLOCK_INTERVAL: u64 = DAY;
pub const MAX_BLOCK_BYTES: u64 = 1_000_000_000;
pub const MIN_BANDWIDTH: f64 = 1e3;
pub const MAX_BANDWIDTH: f64 = 1e12;
pub const MAX_TX_RATE: f64 = 100_000.0;
pub const MAX_WALLETS: u32 = 100_000;
pub const MAX_COINS_PER_WALLET: u32 = 10_000;
/// Premined coins (wallets × coins per wallet): each is an output of the genesis block.
pub const MAX_PREMINE_OUTPUTS: u64 = 2_000_000;
pub const MAX_FEE_RATE: u64 = 100_000;
pub const MAX_CONFIRMATIONS: u32 = 10_000;
pub const MAX_RETARGET_INTERVAL: u32 = 1_000_000;
pub const MAX_RETARGET_CLAMP: u32 = 100;
pub const MAX_ATTEMPTS: u32 = 10_000_000;
/// What one run may cost, estimated from the scenario before it starts.
pub const MAX_PAYMENTS: f64 = 10_000_000.0;
/// Blocks × nodes: every node keeps a byte of state per block.
pub const MAX_BLOCK_ARRIVALS: f64 = 4e9;
/// Hashes `mining.pow: grind` may try in one run: about four minutes on one core.
pub const MAX_GRIND_HASHES: f64 = 2e9;
/// Miners' next blocks redrawn by `mining.schedule` (each step redraws one miner, or
/// every honest miner).
pub const MAX_RESCHEDULES: f64 = 1e7;
/// Departures and returns of churning nodes in one run.
pub const MAX_CHURN_SESSIONS: f64 = 1e7;
/// Replicates of one point: enough for any confidence interval worth drawing.
pub const MAX_REPLICATES: u32 = 1_000;
/// Bytes of blocks held in memory (the tree keeps every block).
/// Blocks are held parsed in memory (about three times their size at the peak).
pub const MAX_CHAIN_BYTES: f64 = 4e9;

/// `key` is `value`, which must lie in `min..=max`; the message gives the range.
pub(crate) fn within<T: PartialOrd + Display>(
    key: &str,
    value: T,
    min: T,
    max: T,
) -> Result<(), String> {
    if value >= min && value <= max {
        Ok(())
    } else {
        Err(format!("{key} is {value}; allowed: {min} to {max}"))
    }
}

pub(crate) fn duration(key: &str, ns: u64, min: u64, max: u64) -> Result<(), String> {
    use super::Duration as D;
    within(key, D(ns), D(min), D(max))
}

pub(crate) fn size(key: &str, bytes: u64, min: u64, max: u64) -> Result<(), String> {
    use super::Size as S;
    within(key, S(bytes), S(min), S(max))
}
