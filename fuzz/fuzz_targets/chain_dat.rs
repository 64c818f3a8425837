//! A results directory's chain.dat, as `inspect`, `explain` and `plot` load it: every
//! block decoded and validated (genesis included) with a scenario's parameters, and
//! the tree's queries run on what was accepted. Any input: an error, never a panic.
#![no_main]
use chainlab::ledger::pow::{RetargetRule, Target};
use chainlab::ledger::{BlockId, ConsensusParams, COIN};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The quickstart's rules, with a retarget every 4 blocks so that retargets happen.
    let params = ConsensusParams {
        max_block_bytes: 1_000_000,
        coinbase_maturity: 2,
        initial_reward: 50 * COIN,
        halving_interval: 5,
        retarget: RetargetRule {
            interval: 4,
            timespan_s: 240,
            clamp_factor: 4,
            pow_limit: Target::from_expected_hashes(64),
        },
        median_time_span: 11,
        max_future_block_time_s: 7200,
    };
    if let Ok(mut tree) = chainlab::results::read::read_chain(data, "fuzz", params) {
        let best = tree.best();
        let _ = tree.utxo_at_best().total_value();
        let _ = tree.stale_branch_depths();
        for id in (0..tree.len() as u32).map(BlockId) {
            let _ = tree.fork_point(id, best);
            let _ = tree.child_context(id, u32::MAX);
        }
    }
});
