//! Ledger throughput: `cargo bench --bench ledger`.
//!
//! Reports header hashes per second (midstate grinding), signature verifications per
//! second, UTXO apply+undo of a 2,000-transaction block, and full validation of that
//! block from scratch (every signature verified, no cache hits).

use chainlab::ledger::builder;
use chainlab::ledger::grind::HeaderHasher;
use chainlab::ledger::keys::verify_input;
use chainlab::ledger::pow::{RetargetRule, Target};
use chainlab::ledger::*;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;

const TXS: usize = 2_000;

fn params() -> ConsensusParams {
    ConsensusParams {
        max_block_bytes: 4_000_000,
        coinbase_maturity: 100,
        initial_reward: 50 * COIN,
        halving_interval: 210_000,
        retarget: RetargetRule {
            interval: 0,
            timespan_s: 0,
            clamp_factor: 4,
            pow_limit: Target::from_expected_hashes(2),
        },
        median_time_span: 11,
        max_future_block_time_s: 7200,
    }
}

/// A genesis paying TXS coins to one wallet, and a block spending each in its own
/// transaction to a second wallet.
fn setup() -> (Block, Block) {
    let mut payer = Wallet::from_seed([1; 32]);
    let payee = Wallet::from_seed([2; 32]);
    let premine = (0..TXS)
        .map(|_| TxOut {
            value: COIN,
            script_pubkey: payer.receive_script().into(),
        })
        .collect();
    let p = params();
    let genesis = builder::genesis(
        1_700_000_000,
        p.retarget.pow_limit.to_compact(),
        premine,
        b"bench",
    );
    let gtxid = genesis.txdata[0].txid();
    let mut txs = Vec::with_capacity(TXS);
    for vout in 0..TXS as u32 {
        payer.add_coin(OutPoint::new(gtxid, vout), COIN, 0);
        txs.push(
            payer
                .pay(payee.receive_script(), COIN / 2, 1)
                .expect("funded"),
        );
    }
    let fees: Amount = txs.iter().map(|t| COIN - t.total_output().unwrap()).sum();
    let tree = BlockTree::new(genesis.clone(), p).unwrap();
    let ctx = tree.child_context(chainlab::ledger::BlockId::GENESIS, u32::MAX);
    let cb = builder::coinbase(1, payee.receive_script(), 50 * COIN + fees, b"bench");
    let mut block = builder::assemble(
        genesis.block_hash(),
        &ctx,
        genesis.header.time + 600,
        cb,
        txs,
    );
    builder::solve(&mut block);
    (genesis, block)
}

/// Proof of work: a header's double SHA-256, with and without the midstate.
fn pow_benches(c: &mut Criterion) {
    let header = Header {
        version: 0x2000_0000,
        prev_blockhash: BlockHash(sha256d(b"prev")),
        merkle_root: sha256d(b"root"),
        time: 1_700_000_000,
        bits: pow::CompactTarget(0x1d00_ffff),
        nonce: 0,
    };
    let mut group = c.benchmark_group("pow");
    const BATCH: u32 = 100_000;
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("header_hashes_midstate", |b| {
        let mut hasher = HeaderHasher::new(&header);
        b.iter(|| {
            let mut acc = 0u8;
            for nonce in 0..BATCH {
                acc ^= hasher.hash_with_nonce(nonce).0[31];
            }
            black_box(acc)
        })
    });
    group.bench_function("header_hashes_plain", |b| {
        b.iter(|| {
            let mut h = header;
            let mut acc = 0u8;
            for nonce in 0..BATCH {
                h.nonce = nonce;
                acc ^= h.block_hash().0 .0[31];
            }
            black_box(acc)
        })
    });
    group.finish();
}

/// A 2,000-transaction block: one signature, its UTXO updates, its full validation.
fn block_benches(c: &mut Criterion) {
    let (genesis, block) = setup();
    let payer_script = genesis.txdata[0].outputs[0].script_pubkey.clone();

    let mut group = c.benchmark_group("signatures");
    group.throughput(Throughput::Elements(1));
    group.bench_function("ecdsa_verify", |b| {
        let tx = &block.txdata[1];
        b.iter(|| verify_input(black_box(tx), 0, &payer_script).unwrap())
    });
    group.finish();

    let txids = block.txids();
    let mut group = c.benchmark_group("utxo");
    group.throughput(Throughput::Elements(TXS as u64));
    group.bench_function("apply_undo_2000_tx_block", |b| {
        let mut utxo = BlockTree::new(genesis.clone(), params())
            .unwrap()
            .utxo_at_best()
            .clone();
        b.iter(|| {
            let undo = utxo.apply_block(&block, &txids, 1);
            utxo.undo_block(&block, &txids, undo);
        })
    });
    group.finish();

    let mut group = c.benchmark_group("validation");
    group.sample_size(10);
    group.throughput(Throughput::Elements(TXS as u64));
    group.bench_function("full_validation_2000_tx_block", |b| {
        b.iter_batched(
            || {
                (
                    BlockTree::new(genesis.clone(), params()).unwrap(),
                    block.clone(),
                )
            },
            |(mut tree, block)| {
                let now = block.header.time;
                tree.add_block(block, now).expect("valid block")
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(ledger, pow_benches, block_benches);
criterion_main!(ledger);
