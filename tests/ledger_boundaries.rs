//! Every consensus limit tested on both sides: the value just allowed is accepted and
//! the next one refused. Mutation testing (docs/testing.md) showed that tests placed
//! away from a limit let `>` become `>=` unnoticed.

mod common;

use chainlab::ledger::pow::{CompactTarget, RetargetRule, Target};
use chainlab::ledger::script::{self, op_return};
use chainlab::ledger::tx::{LOCKTIME_THRESHOLD, MAX_MONEY, SEQUENCE_FINAL};
use chainlab::ledger::validate::{check_transaction, coinbase_height_prefix, ValidationError as E};
use chainlab::ledger::*;
use common::*;
use ruint::aliases::{U256, U512};

fn submit(f: &mut Fixture, block: Block) -> Result<Accepted, E> {
    let now = block.header.time;
    f.tree.add_block(block, now)
}

fn reseal(block: &mut Block) {
    block.header.merkle_root = block.compute_merkle_root().0;
    resolve(block);
}

fn tip_block(f: &Fixture, txs: Vec<Transaction>, fees: impl Into<Amount>) -> Block {
    make_block(&f.tree, f.tree.best(), txs, fees, f.miner.receive_script())
}

/// A payment from wallet 0 with its outputs replaced by `values` (to wallet 1) and
/// re-signed, so that only the values are under test.
fn paying(f: &mut Fixture, values: &[Amount]) -> Transaction {
    let to = f.wallets[1].receive_script();
    let mut tx = f.wallets[0].pay(to.clone(), COIN, 1).unwrap();
    tx.outputs = values
        .iter()
        .map(|&value| TxOut {
            value,
            script_pubkey: to.clone().into(),
        })
        .collect();
    resign(f, &mut tx);
    tx
}

fn resign(f: &Fixture, tx: &mut Transaction) {
    let key = f.wallets[0].key(0).clone();
    for i in 0..tx.inputs.len() {
        tx.inputs[i].script_sig = key.sign_input(tx, i, &key.script_pubkey());
    }
}

fn spent_value(f: &mut Fixture, tx: &Transaction) -> Amount {
    let utxo = f.tree.utxo_at_best();
    tx.inputs
        .iter()
        .map(|i| utxo.get(&i.previous_output).unwrap().output.value)
        .sum()
}

#[test]
fn bip34_heights_1_to_16_are_the_opcodes_core_writes_and_expects() {
    let mut f = fixture(1, COIN);
    let mut tip = f.tree.best();
    for height in 1..=20u32 {
        tip = extend(&mut f, tip, vec![], 0);
        let script = &f.tree.entry(tip).block.txdata[0].inputs[0].script_sig;
        let expected = coinbase_height_prefix(height);
        assert!(script.starts_with(&expected), "height {height}");
        if height <= 16 {
            assert_eq!(expected, vec![0x50 + height as u8], "OP_{height}");
        } else {
            assert_eq!(expected, vec![0x01, height as u8], "push of {height}");
        }
    }
    // At height 21 the old one-byte push of 1..16 is no height at all: a block at
    // height 1 written the old way (01 01) is what Core rejects as bad-cb-height.
    let mut g = fixture(1, COIN);
    let mut old_style = tip_block(&g, vec![], 0);
    old_style.txdata[0].inputs[0].script_sig = vec![0x01, 0x01, 0x00];
    reseal(&mut old_style);
    let hash = old_style.block_hash();
    assert_eq!(
        submit(&mut g, old_style),
        Err(E::CoinbaseHeightMissing { hash, height: 1 })
    );
    let mut core_style = tip_block(&g, vec![], 0);
    core_style.txdata[0].inputs[0].script_sig = vec![0x51, 0x00];
    reseal(&mut core_style);
    assert!(submit(&mut g, core_style).is_ok(), "OP_1 then one byte");
}

#[test]
fn max_money_bounds_each_output_and_the_total() {
    let mut f = fixture(2, 10 * COIN);
    let ok = |tx: &Transaction| check_transaction(tx, tx.txid());
    let one = paying(&mut f, &[MAX_MONEY]);
    assert_eq!(ok(&one), Ok(()), "an output of exactly 21 million coins");
    let over = paying(&mut f, &[MAX_MONEY + Amount(1)]);
    assert_eq!(
        ok(&over),
        Err(E::OutputTooLarge {
            txid: over.txid(),
            index: 0,
            value: MAX_MONEY + Amount(1)
        })
    );
    let half = MAX_MONEY / 2;
    let exact = paying(&mut f, &[half, MAX_MONEY - half]);
    assert_eq!(ok(&exact), Ok(()), "outputs totalling exactly MAX_MONEY");
    // Each valid alone, together one satoshi over.
    let pair = paying(&mut f, &[half, MAX_MONEY - half + Amount(1)]);
    assert_eq!(ok(&pair), Err(E::OutputTotalTooLarge { txid: pair.txid() }));
    let both_big = paying(&mut f, &[MAX_MONEY, MAX_MONEY]);
    assert_eq!(
        ok(&both_big),
        Err(E::OutputTotalTooLarge {
            txid: both_big.txid()
        })
    );
}

#[test]
fn a_zero_fee_payment_is_valid_and_one_satoshi_more_creates_value() {
    // Wallet 0 holds one premined coin of 10 coins.
    let input = 10 * COIN;
    let mut f = fixture(2, input);
    let free = paying(&mut f, &[input]);
    let block = tip_block(&f, vec![free], 0);
    assert!(submit(&mut f, block).is_ok(), "inputs equal to outputs");

    let mut g = fixture(2, input);
    let greedy = paying(&mut g, &[input + Amount(1)]);
    let block = tip_block(&g, vec![greedy.clone()], 0);
    assert_eq!(
        submit(&mut g, block),
        Err(E::ValueCreated {
            txid: greedy.txid(),
            inputs: input,
            outputs: input + Amount(1)
        })
    );
}

/// A block on the tip whose coinbase is padded so that the block is exactly `size`
/// bytes.
fn block_of_size(f: &Fixture, size: usize) -> Block {
    let mut block = tip_block(f, vec![], 0);
    block.txdata[0].outputs.push(TxOut {
        value: Amount::ZERO,
        script_pubkey: op_return(&[]).into(),
    });
    // The data length sets the size, up to the push and compact-size steps.
    let mut data = 0i64;
    for _ in 0..8 {
        data = (data + size as i64 - block.size() as i64).max(0);
        let out = block.txdata[0].outputs.last_mut().unwrap();
        out.script_pubkey = op_return(&vec![0u8; data as usize]).into();
    }
    reseal(&mut block);
    assert_eq!(block.size(), size, "padding reached the size asked for");
    block
}

#[test]
fn the_block_size_limit_admits_exactly_its_bytes() {
    let mut params = params();
    params.max_block_bytes = 5_000;
    let mut f = fixture_with(params, 1, COIN);
    let at_limit = block_of_size(&f, 5_000);
    assert!(submit(&mut f, at_limit).is_ok(), "5,000 bytes of 5,000");
    let over = block_of_size(&f, 5_001);
    let hash = over.block_hash();
    assert_eq!(
        submit(&mut f, over),
        Err(E::BlockTooLarge {
            hash,
            size: 5_001,
            max: 5_000
        })
    );
}

/// At Bitcoin's own limit: 1,000,000 bytes (a legacy block's weight is four times its
/// size, so this is also Core's 4,000,000 weight units) pass and 1,000,001 do not.
#[test]
fn bitcoins_block_size_limit_admits_exactly_a_million_bytes() {
    let mut params = params();
    params.max_block_bytes = 1_000_000;
    let mut f = fixture_with(params, 1, COIN);
    let at_limit = block_of_size(&f, 1_000_000);
    assert!(submit(&mut f, at_limit).is_ok());
    let over = block_of_size(&f, 1_000_001);
    let hash = over.block_hash();
    assert_eq!(
        submit(&mut f, over),
        Err(E::BlockTooLarge {
            hash,
            size: 1_000_001,
            max: 1_000_000
        })
    );
}

#[test]
fn coinbase_scripts_of_2_and_100_bytes_pass_and_1_and_101_do_not() {
    let f = fixture(1, COIN);
    for (len, valid) in [(1, false), (2, true), (100, true), (101, false)] {
        let mut block = tip_block(&f, vec![], 0);
        let cb = &mut block.txdata[0];
        cb.inputs[0].script_sig = vec![0x51; len];
        let txid = cb.txid();
        let verdict = check_transaction(cb, txid);
        if valid {
            assert_eq!(verdict, Ok(()), "{len} bytes");
        } else {
            assert_eq!(verdict, Err(E::BadCoinbaseScriptLength { txid, len }));
        }
    }
}

#[test]
fn a_coinbase_output_is_spendable_exactly_at_maturity() {
    // Maturity 3 (common::params): mined at height 1, spendable from height 4.
    let mut f = fixture(1, COIN);
    let first = extend(&mut f, chainlab::ledger::BlockId::GENESIS, vec![], 0);
    let reward = OutPoint::new(f.tree.entry(first).txids[0], 0);
    f.miner.add_coin(reward, 50 * COIN, 0);
    let spend = f.miner.pay(f.wallets[0].receive_script(), COIN, 1).unwrap();
    let second = extend(&mut f, first, vec![], 0);
    let third = extend(&mut f, second, vec![], 0);
    // At height 3: two confirmations.
    let early = make_block(&f.tree, second, vec![spend.clone()], 0, vec![0x51]);
    assert_eq!(
        submit(&mut f, early),
        Err(E::ImmatureCoinbaseSpend {
            txid: spend.txid(),
            outpoint: reward,
            confirmations: 2,
            required: 3
        })
    );
    let fee = 50 * COIN - spend.total_output().unwrap();
    let ripe = make_block(&f.tree, third, vec![spend], fee, vec![0x51]);
    assert!(
        submit(&mut f, ripe).is_ok(),
        "three confirmations at height 4"
    );
}

#[test]
fn block_time_must_exceed_the_median_time_past_by_at_least_a_second() {
    let mut f = fixture(1, COIN);
    let mut tip = chainlab::ledger::BlockId::GENESIS;
    for _ in 0..5 {
        tip = extend(&mut f, tip, vec![], 0);
    }
    let mtp = f.tree.entry(tip).median_time_past;
    let clock = mtp + 100_000;
    for (time, valid) in [(mtp, false), (mtp + 1, true)] {
        let mut block = tip_block(&f, vec![], 0);
        block.header.time = time;
        resolve(&mut block);
        let hash = block.block_hash();
        let verdict = f.tree.add_block(block, clock);
        if valid {
            assert!(verdict.is_ok(), "one second past the median");
        } else {
            assert_eq!(
                verdict,
                Err(E::TimeTooOld {
                    hash,
                    time,
                    median_time_past: mtp
                })
            );
        }
    }
}

#[test]
fn block_time_may_run_two_hours_ahead_and_not_a_second_more() {
    let f = fixture(1, COIN);
    for (ahead, valid) in [(7200, true), (7201, false)] {
        let mut g = fixture(1, COIN);
        let block = tip_block(&f, vec![], 0);
        let (hash, time) = (block.block_hash(), block.header.time);
        let clock = time - ahead;
        let verdict = g.tree.add_block(block, clock);
        if valid {
            assert!(verdict.is_ok(), "exactly two hours ahead");
        } else {
            assert_eq!(
                verdict,
                Err(E::TimeTooNew {
                    hash,
                    time,
                    now: clock,
                    max_future_s: 7200
                })
            );
        }
    }
}

#[test]
fn lock_time_is_final_strictly_below_the_height_or_time() {
    let mut f = fixture(2, 10 * COIN);
    let mut tx = paying(&mut f, &[COIN]);
    tx.inputs[0].sequence = 0;
    // A height lock: final once the block's height is above it.
    tx.lock_time = 100;
    assert!(!tx.is_final(100, u32::MAX), "lock 100 at height 100");
    assert!(tx.is_final(101, 0), "lock 100 at height 101");
    // The last height lock and the first time lock.
    tx.lock_time = LOCKTIME_THRESHOLD - 1;
    assert!(!tx.is_final(LOCKTIME_THRESHOLD - 1, u32::MAX), "a height");
    assert!(
        tx.is_final(LOCKTIME_THRESHOLD, 0),
        "still compared with the height"
    );
    tx.lock_time = LOCKTIME_THRESHOLD;
    assert!(
        !tx.is_final(u32::MAX, LOCKTIME_THRESHOLD),
        "a time: equal is not final"
    );
    assert!(
        tx.is_final(0, LOCKTIME_THRESHOLD + 1),
        "a time one second past"
    );
    tx.inputs[0].sequence = SEQUENCE_FINAL;
    assert!(tx.is_final(0, 0), "final sequences disable any lock");

    // In a block at height 1: a lock of 0 is final, a lock of 1 is not.
    for (lock, valid) in [(0, true), (1, false)] {
        let mut g = fixture(2, 10 * COIN);
        let mut tx = paying(&mut g, &[COIN]);
        tx.inputs[0].sequence = 0;
        tx.lock_time = lock;
        resign(&g, &mut tx);
        let fee = spent_value(&mut g, &tx) - COIN;
        let block = tip_block(&g, vec![tx.clone()], fee);
        let verdict = submit(&mut g, block);
        if valid {
            assert!(verdict.is_ok());
        } else {
            assert_eq!(
                verdict,
                Err(E::NonFinal {
                    txid: tx.txid(),
                    height: 1,
                    lock_time: 1
                })
            );
        }
    }
}

#[test]
fn chain_work_is_core_s_get_block_proof() {
    let work = |bits: u32| CompactTarget(bits).work().unwrap().0;
    // Difficulty 1 and regtest's limit (its genesis carries chain work 2).
    assert_eq!(work(0x1d00_ffff), U256::from(0x1_0001_0001u64));
    assert_eq!(work(0x207f_ffff), U256::from(2u8));
    // The hardest target, 1: 2^256 / 2.
    assert_eq!(work(0x0300_0001), U256::from(1u8) << 255);
    // Mainnet block 100,000's bits, against 2^256 / (target + 1) done in 512 bits.
    let target = U512::from(0x0004_864cu64) << 192;
    let exact = (U512::from(1u8) << 256) / (target + U512::from(1u8));
    assert_eq!(U512::from(work(0x1b04_864c)), exact);
    let f = CompactTarget(0x1d00_ffff).work().unwrap().to_f64();
    assert_eq!(f, 4_295_032_833.0, "work as a float is the same number");
    assert_eq!(Target::MAX.work().0, U256::from(1u8));
}

#[test]
fn expected_hashes_is_the_exact_inverse_of_work_for_odd_counts_too() {
    for h in [
        1u64,
        2,
        3,
        7,
        1000,
        4095,
        4096,
        4097,
        1 << 24,
        (1 << 40) + 1,
    ] {
        let target = Target::from_expected_hashes(h);
        assert_eq!(target.work().0, U256::from(h), "{h} hashes");
        // The next easier target needs fewer hashes: the target is the hardest one.
        if let Some(next) = target.0.checked_add(U256::from(1u8)) {
            assert!(Target(next).work().0 < U256::from(h), "{h}");
        }
    }
}

#[test]
fn the_retarget_clamp_holds_at_a_quarter_and_four_times_the_timespan() {
    let rule = RetargetRule {
        pow_limit: Target::MAX,
        ..RetargetRule::bitcoin()
    };
    let span = rule.timespan_s as u32;
    let bits = CompactTarget(0x1c1f_ffff);
    let next = |actual: u32| rule.next_bits(bits, 1_000_000, 1_000_000 + actual);
    assert_eq!(
        next(span / 4 - 1),
        next(span / 4),
        "below a quarter: clamped"
    );
    assert_ne!(
        next(span / 4 + 7),
        next(span / 4),
        "above a quarter: not clamped"
    );
    assert_eq!(
        next(span * 4 + 1),
        next(span * 4),
        "above four times: clamped"
    );
    assert_ne!(
        next(span * 4 - 7),
        next(span * 4),
        "below four times: not clamped"
    );
    assert_eq!(next(span), bits, "on schedule: unchanged");
}

#[test]
fn height_prefixes_match_core_above_16() {
    for (height, expected) in [(17, "0111"), (128, "028000"), (400_000, "03801a06")] {
        assert_eq!(hex::encode(coinbase_height_prefix(height)), expected);
    }
    let mut s = Vec::new();
    script::push_int(&mut s, 0);
    assert_eq!(s, coinbase_height_prefix(0), "genesis: OP_0");
}

#[test]
fn utxo_counts_follow_the_chain() {
    let mut f = fixture(3, COIN);
    assert_eq!(f.tree.utxo_at_best().len(), 3, "three premined coins");
    assert!(!f.tree.utxo_at_best().is_empty());
    extend(&mut f, chainlab::ledger::BlockId::GENESIS, vec![], 0);
    assert_eq!(f.tree.utxo_at_best().len(), 4, "and a coinbase output");
    assert!(UtxoSet::new().is_empty());
}

#[test]
fn a_high_s_signature_is_valid_in_a_block_but_not_relayed() {
    use chainlab::ledger::keys::verify_input;
    use chainlab::ledger::mempool::{Mempool, MempoolError};
    use k256::ecdsa::Signature;
    let mut f = fixture(2, 10 * COIN);
    let mut tx = paying(&mut f, &[9 * COIN]);
    let pushes: Vec<Vec<u8>> = script::parse_pushes(&tx.inputs[0].script_sig)
        .unwrap()
        .into_iter()
        .map(<[u8]>::to_vec)
        .collect();
    let low = Signature::from_der(&pushes[0][..pushes[0].len() - 1]).unwrap();
    let (r, s) = low.split_scalars();
    let high = Signature::from_scalars(r, -s).unwrap();
    assert!(high.normalize_s().is_some(), "S is now in the upper half");
    let mut sig = high.to_der().as_bytes().to_vec();
    sig.push(0x01);
    let mut script_sig = Vec::new();
    script::push_data(&mut script_sig, &sig);
    script::push_data(&mut script_sig, &pushes[1]);
    tx.inputs[0].script_sig = script_sig;
    let spent = f.wallets[0].key(0).script_pubkey();
    assert_eq!(verify_input(&tx, 0, &spent), Ok(()), "consensus accepts it");
    let params = f.tree.params().clone();
    let tip = f.tree.best();
    let height = f.tree.entry(tip).height;
    let verdict = Mempool::new().accept(
        &tx,
        f.tree.utxo_at_best(),
        height,
        &params,
        &chainlab::ledger::keys::SigCache::new(),
    );
    assert_eq!(
        verdict,
        Err(MempoolError::HighS {
            txid: tx.txid(),
            index: 0
        })
    );
    let block = tip_block(&f, vec![tx], COIN);
    assert!(submit(&mut f, block).is_ok(), "and a block may carry it");
}
