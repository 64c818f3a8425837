//! A small chain to test against: easy proof of work, short coinbase maturity, and
//! wallets funded by the genesis premine; and whole simulations from inline YAML.
#![allow(dead_code)]

pub mod cli;
pub mod hostile;
pub mod rules;
pub mod scratch;

use chainlab::ledger::builder;
use chainlab::ledger::pow::{RetargetRule, Target};
use chainlab::ledger::*;
use chainlab::node::{Network, RunOutput};
use chainlab::scenario::Scenario;

/// `yaml` with each `--set` of `cases` is refused with a message containing its text.
pub fn refuses(yaml: &str, cases: &[(&str, &str)]) {
    for &(set, says) in cases {
        let e = Scenario::parse(yaml, "case.yaml", &[set.to_string()])
            .expect_err(set)
            .to_string();
        assert!(e.contains(says), "{set}: {e}");
    }
}

/// Parses an inline scenario with `key=value` overrides (as `--set` gives them) and runs
/// it to its stop condition.
pub fn simulate(yaml: &str, overrides: &[&str]) -> (Scenario, RunOutput) {
    let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    let sc = Scenario::parse(yaml, "inline", &overrides).expect("a valid test scenario");
    let out = network(&sc).run(None, |_, _| {});
    (sc, out)
}

/// The network a scenario describes, ready to run.
pub fn network(sc: &Scenario) -> Network {
    Network::new(chainlab::scenario::compile::compile(sc).expect("a compilable test scenario"))
}

pub const T0: u32 = 1_700_000_000;
pub const SPACING: u32 = 600;

pub fn params() -> ConsensusParams {
    ConsensusParams {
        max_block_bytes: 1_000_000,
        coinbase_maturity: 3,
        initial_reward: 50 * COIN,
        halving_interval: 0,
        retarget: RetargetRule {
            interval: 0,
            timespan_s: 0,
            clamp_factor: 4,
            pow_limit: Target::from_expected_hashes(4),
        },
        median_time_span: 11,
        max_future_block_time_s: 7200,
    }
}

pub struct Fixture {
    pub tree: BlockTree,
    pub wallets: Vec<Wallet>,
    pub miner: Wallet,
}

/// `n` wallets holding `per_wallet` satoshis each in one premined coin.
pub fn fixture(n: usize, per_wallet: Amount) -> Fixture {
    fixture_with(params(), n, per_wallet)
}

pub fn fixture_with(params: ConsensusParams, n: usize, per_wallet: Amount) -> Fixture {
    let mut wallets: Vec<Wallet> = (0..n)
        .map(|i| Wallet::from_seed([i as u8 + 1; 32]))
        .collect();
    let premine = wallets
        .iter()
        .map(|w| TxOut {
            value: per_wallet,
            script_pubkey: w.receive_script().into(),
        })
        .collect();
    let genesis = builder::genesis(
        T0,
        params.retarget.pow_limit.to_compact(),
        premine,
        b"chainlab test",
    );
    let txid = genesis.txdata[0].txid();
    for (i, w) in wallets.iter_mut().enumerate() {
        w.add_coin(OutPoint::new(txid, i as u32), per_wallet, 0);
    }
    Fixture {
        tree: BlockTree::new(genesis, params).unwrap(),
        wallets,
        miner: Wallet::from_seed([0xee; 32]),
    }
}

/// A solved block on `parent` with `txs`; the coinbase claims subsidy plus `fees`.
pub fn make_block(
    tree: &BlockTree,
    parent: BlockId,
    txs: Vec<Transaction>,
    fees: impl Into<Amount>,
    payout: Vec<u8>,
) -> Block {
    let p = tree.entry(parent);
    let time = p.block.header.time + SPACING;
    let ctx = tree.child_context(parent, time);
    let value = tree.params().block_subsidy(ctx.height) + fees.into();
    let cb = builder::coinbase(ctx.height, payout, value, &parent.0.to_le_bytes());
    let mut block = builder::assemble(p.hash, &ctx, time, cb, txs);
    builder::solve(&mut block);
    block
}

/// Re-solves a block after a test tampered with it, keeping the Merkle root as is.
pub fn resolve(block: &mut Block) {
    builder::solve(block);
}

pub fn now_for(block: &Block) -> u32 {
    block.header.time
}

/// Adds a valid block on `parent` and returns its id.
pub fn extend(
    f: &mut Fixture,
    parent: BlockId,
    txs: Vec<Transaction>,
    fees: impl Into<Amount>,
) -> BlockId {
    let block = make_block(&f.tree, parent, txs, fees, f.miner.receive_script());
    let now = now_for(&block);
    f.tree.add_block(block, now).expect("valid block").id()
}

/// Rewrites `name`'s hash in a results directory's record.json, as someone forging a
/// directory would: what chainlab checks after the record is then exercised.
pub fn reseal(dir: &std::path::Path, name: &str) {
    use sha2::{Digest, Sha256};
    let record_path = dir.join("record.json");
    let mut record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&record_path).unwrap()).unwrap();
    let hash = hex::encode(Sha256::digest(std::fs::read(dir.join(name)).unwrap()));
    record["files"][name] = serde_json::Value::String(hash);
    std::fs::write(record_path, serde_json::to_vec_pretty(&record).unwrap()).unwrap();
}
