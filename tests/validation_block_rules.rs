//! One test per consensus rule of blocks and headers: build something that breaks
//! exactly that rule and expect exactly that error (transaction rules:
//! tests/validation_rules.rs).

mod common;

use chainlab::ledger::pow::CompactTarget;
use chainlab::ledger::validate::ValidationError as E;
use chainlab::ledger::*;
use common::rules::*;
use common::*;

#[test]
fn oversized_block_is_rejected() {
    let mut params = params();
    params.max_block_bytes = 1_000;
    let mut f = fixture_with(params, 1, 10 * COIN);
    let mut block = tip_block(&f, vec![], 0);
    block.txdata[0].outputs.push(TxOut {
        value: Amount::ZERO,
        script_pubkey: chainlab::ledger::script::op_return(&[0u8; 1000]).into(),
    });
    reseal_block(&mut block);
    let (hash, size) = (block.block_hash(), block.size());
    assert_eq!(
        submit(&mut f, block),
        Err(E::BlockTooLarge {
            hash,
            size,
            max: 1_000
        })
    );
}

#[test]
fn block_structure_rules() {
    let mut f = fixture(2, 10 * COIN);
    let tx = pay(&mut f, 0, 1, COIN);

    let mut empty = tip_block(&f, vec![], 0);
    empty.txdata.clear();
    reseal_block(&mut empty);
    let hash = empty.block_hash();
    assert_eq!(submit(&mut f, empty), Err(E::EmptyBlock { hash }));

    let mut no_coinbase = tip_block(&f, vec![tx.clone()], 0);
    no_coinbase.txdata.remove(0);
    reseal_block(&mut no_coinbase);
    let hash = no_coinbase.block_hash();
    assert_eq!(
        submit(&mut f, no_coinbase),
        Err(E::FirstNotCoinbase { hash })
    );

    let mut two_coinbases = tip_block(&f, vec![], 0);
    let cb = two_coinbases.txdata[0].clone();
    two_coinbases.txdata.push(cb);
    reseal_block(&mut two_coinbases);
    let hash = two_coinbases.block_hash();
    assert_eq!(
        submit(&mut f, two_coinbases),
        Err(E::ExtraCoinbase { hash, index: 1 })
    );
}

#[test]
fn wrong_merkle_root_is_rejected() {
    let mut f = fixture(2, 10 * COIN);
    let tx = pay(&mut f, 0, 1, COIN);
    let mut block = tip_block(&f, vec![tx], 0);
    let claimed = block.header.merkle_root;
    block.txdata.pop();
    let computed = block.compute_merkle_root().0;
    resolve(&mut block);
    let hash = block.block_hash();
    assert_eq!(
        submit(&mut f, block),
        Err(E::BadMerkleRoot {
            hash,
            claimed,
            computed
        })
    );
}

#[test]
fn duplicate_transactions_are_rejected() {
    let mut f = fixture(3, 10 * COIN);
    let a = pay(&mut f, 0, 1, COIN);
    let b = pay(&mut f, 1, 2, COIN);
    // [cb, a, b, b] has the same Merkle root as [cb, a, b] (CVE-2012-2459).
    let mut block = tip_block(&f, vec![a, b.clone(), b.clone()], 0);
    reseal_block(&mut block);
    let hash = block.block_hash();
    assert_eq!(
        submit(&mut f, block),
        Err(E::DuplicateTransaction {
            hash,
            txid: b.txid()
        })
    );
}

#[test]
fn repeating_a_transaction_whose_outputs_are_unspent_is_rejected_bip30() {
    let mut f = fixture(2, 10 * COIN);
    let tx = pay(&mut f, 0, 1, COIN);
    let fee = fee_of(&mut f, &tx);
    extend(
        &mut f,
        chainlab::ledger::BlockId::GENESIS,
        vec![tx.clone()],
        fee,
    );
    let block = tip_block(&f, vec![tx.clone()], 0);
    let hash = block.block_hash();
    assert_eq!(
        submit(&mut f, block),
        Err(E::DuplicateTransaction {
            hash,
            txid: tx.txid()
        })
    );
}

#[test]
fn header_hash_above_target_is_rejected() {
    let mut f = fixture(1, 10 * COIN);
    let mut block = tip_block(&f, vec![], 0);
    let target = block.header.bits.to_target().unwrap();
    while target.is_met_by(block.block_hash().as_hash()) {
        block.header.nonce = block.header.nonce.wrapping_add(1);
    }
    let hash = block.block_hash();
    assert_eq!(
        submit(&mut f, block.clone()),
        Err(E::HighHash {
            hash,
            bits: block.header.bits
        })
    );
}

#[test]
fn bits_that_encode_no_target_are_rejected() {
    let mut f = fixture(1, 10 * COIN);
    let mut block = tip_block(&f, vec![], 0);
    block.header.bits = CompactTarget(0x0480_0001);
    let hash = block.block_hash();
    assert!(matches!(submit(&mut f, block), Err(E::InvalidBits { hash: h, .. }) if h == hash));
}

#[test]
fn bits_other_than_the_retarget_rule_demands_are_rejected() {
    let mut f = fixture(1, 10 * COIN);
    let mut block = tip_block(&f, vec![], 0);
    let expected = block.header.bits;
    // An easier-looking but different target: half the difficulty is still "valid PoW".
    let easier = chainlab::ledger::pow::Target(expected.to_target().unwrap().0 >> 1).to_compact();
    block.header.bits = easier;
    resolve(&mut block);
    let hash = block.block_hash();
    assert_eq!(
        submit(&mut f, block),
        Err(E::WrongBits {
            hash,
            height: 1,
            found: easier,
            expected
        })
    );
}

#[test]
fn retargeting_during_a_chain_follows_the_rule() {
    let mut p = params();
    p.retarget.interval = 4;
    p.retarget.timespan_s = 4 * u64::from(SPACING);
    p.retarget.pow_limit = chainlab::ledger::pow::Target::from_expected_hashes(1);
    let mut f = fixture_with(p, 1, COIN);
    // Genesis bits are the pow limit; blocks come every SPACING s, but the period is
    // measured over 3 gaps, so the next target is 3/4 of the limit (harder).
    let genesis_bits = f
        .tree
        .entry(chainlab::ledger::BlockId::GENESIS)
        .block
        .header
        .bits;
    let mut tip = chainlab::ledger::BlockId::GENESIS;
    for _ in 0..3 {
        tip = extend(&mut f, tip, vec![], 0);
    }
    // Computed here independently: floor(T * 3 / 4) without overflowing 256 bits.
    let t = genesis_bits.to_target().unwrap().0;
    let three = ruint::aliases::U256::from(3u8);
    let three_quarters = (t >> 2) * three + (((t & three) * three) >> 2);
    let expected = chainlab::ledger::pow::Target(three_quarters).to_compact();
    assert_eq!(f.tree.child_context(tip, u32::MAX).expected_bits, expected);
    let retargeted = extend(&mut f, tip, vec![], 0);
    assert_eq!(f.tree.entry(retargeted).block.header.bits, expected);
    // Between retarget heights the bits carry over unchanged.
    assert_eq!(
        f.tree.child_context(retargeted, u32::MAX).expected_bits,
        expected
    );
}

#[test]
fn timestamps_must_pass_median_time_past_and_not_run_ahead() {
    let mut f = fixture(1, 10 * COIN);
    let mut tip = chainlab::ledger::BlockId::GENESIS;
    for _ in 0..3 {
        tip = extend(&mut f, tip, vec![], 0);
    }
    let mtp = f.tree.entry(tip).median_time_past;
    let mut old = tip_block(&f, vec![], 0);
    old.header.time = mtp;
    resolve(&mut old);
    let hash = old.block_hash();
    let now = f.tree.entry(tip).block.header.time + SPACING;
    assert_eq!(
        f.tree.add_block(old, now),
        Err(E::TimeTooOld {
            hash,
            time: mtp,
            median_time_past: mtp
        })
    );

    let future = tip_block(&f, vec![], 0);
    let hash = future.block_hash();
    let clock = future.header.time - 7201;
    assert_eq!(
        f.tree.add_block(future.clone(), clock),
        Err(E::TimeTooNew {
            hash,
            time: future.header.time,
            now: clock,
            max_future_s: 7200
        })
    );
}

#[test]
fn coinbase_may_not_claim_more_than_subsidy_plus_fees() {
    let mut f = fixture(2, 10 * COIN);
    let tx = pay(&mut f, 0, 1, COIN);
    let fee = fee_of(&mut f, &tx);
    let block = tip_block(&f, vec![tx], fee + Amount(1));
    let hash = block.block_hash();
    assert_eq!(
        submit(&mut f, block),
        Err(E::CoinbaseTooLarge {
            hash,
            claimed: 50 * COIN + fee + Amount(1),
            allowed: 50 * COIN + fee
        })
    );
}

#[test]
fn coinbase_must_carry_its_height() {
    let mut f = fixture(1, 10 * COIN);
    let mut block = tip_block(&f, vec![], 0);
    block.txdata[0].inputs[0].script_sig = vec![0x01, 0x07, 0x00];
    reseal_block(&mut block);
    let hash = block.block_hash();
    assert_eq!(
        submit(&mut f, block),
        Err(E::CoinbaseHeightMissing { hash, height: 1 })
    );
}

#[test]
fn orphans_and_children_of_invalid_blocks_are_rejected() {
    let mut f = fixture(1, 10 * COIN);
    let mut orphan = tip_block(&f, vec![], 0);
    orphan.header.prev_blockhash = BlockHash(sha256d(b"nowhere"));
    resolve(&mut orphan);
    let hash = orphan.block_hash();
    assert_eq!(
        submit(&mut f, orphan),
        Err(E::UnknownParent {
            hash,
            parent: BlockHash(sha256d(b"nowhere"))
        })
    );

    let bad = tip_block(&f, vec![], COIN); // claims too much
    let bad_hash = bad.block_hash();
    assert!(submit(&mut f, bad).is_err());
    let mut child = tip_block(&f, vec![], 0);
    child.header.prev_blockhash = bad_hash;
    resolve(&mut child);
    let hash = child.block_hash();
    assert_eq!(
        submit(&mut f, child),
        Err(E::InvalidParent {
            hash,
            parent: bad_hash
        })
    );
}

#[test]
fn heavier_branch_wins_with_a_reorg_and_ties_keep_the_first_seen() {
    let mut f = fixture(2, 10 * COIN);
    let tx = pay(&mut f, 0, 1, 4 * COIN);
    let fee = fee_of(&mut f, &tx);
    let a1 = extend(
        &mut f,
        chainlab::ledger::BlockId::GENESIS,
        vec![tx.clone()],
        fee,
    );
    let b1 = extend(&mut f, chainlab::ledger::BlockId::GENESIS, vec![], 0);
    assert_eq!(f.tree.best(), a1, "equal work: first seen stays");
    let b2_block = make_block(&f.tree, b1, vec![], 0, f.miner.receive_script());
    let now = b2_block.header.time;
    let outcome = f.tree.add_block(b2_block, now).unwrap();
    let Accepted::New {
        id: b2,
        tip: Some(change),
    } = outcome
    else {
        panic!("expected a reorg: {outcome:?}")
    };
    assert_eq!(f.tree.best(), b2);
    assert!(change.is_reorg());
    assert_eq!(
        (change.disconnected, change.connected, change.fork_point),
        (1, 2, chainlab::ledger::BlockId::GENESIS)
    );
    // The payment was in the abandoned branch: the money is back with wallet 0.
    let utxo = f.tree.utxo_at_best();
    assert_eq!(utxo.balance_of(&f.wallets[1].receive_script()), 10 * COIN);
    assert!(utxo.contains(&tx.inputs[0].previous_output));
    assert_eq!(f.tree.stale_branch_depths(), vec![(a1, 1)]);
    assert_eq!(f.tree.at_height(2), Some(b2));
    assert!(!f.tree.is_on_main_chain(a1));
    // The same payment can now be mined on the new branch.
    extend(&mut f, b2, vec![tx], fee);
}

#[test]
fn a_block_seen_twice_returns_its_first_verdict() {
    let mut f = fixture(1, 10 * COIN);
    let block = tip_block(&f, vec![], 0);
    let id = submit(&mut f, block.clone()).unwrap().id();
    assert_eq!(submit(&mut f, block), Ok(Accepted::AlreadyKnown { id }));
    let bad = tip_block(&f, vec![], COIN);
    let first = submit(&mut f, bad.clone()).unwrap_err();
    assert_eq!(submit(&mut f, bad).unwrap_err(), first);
}

#[test]
fn provenance_traces_a_coin_back_to_its_coinbases() {
    let mut f = fixture(3, 10 * COIN);
    let a = pay(&mut f, 0, 2, 2 * COIN);
    let b = pay(&mut f, 1, 2, 3 * COIN);
    let fees = fee_of(&mut f, &a) + fee_of(&mut f, &b);
    let h1 = extend(
        &mut f,
        chainlab::ledger::BlockId::GENESIS,
        vec![a.clone(), b.clone()],
        fees,
    );
    let _ = h1;
    // Wallet 2 now holds its premine plus the two payments; spend them all in one go.
    for tx in [&a, &b] {
        f.wallets[2].add_coin(OutPoint::new(tx.txid(), 0), tx.outputs[0].value, 0);
    }
    let merged = pay(&mut f, 2, 0, 14 * COIN);
    let fee = fee_of(&mut f, &merged);
    let tip = f.tree.best();
    extend(&mut f, tip, vec![merged.clone()], fee);
    let history =
        chainlab::ledger::provenance::trace(&f.tree, OutPoint::new(merged.txid(), 0)).unwrap();
    let premine = f.tree.entry(chainlab::ledger::BlockId::GENESIS).txids[0];
    let expected: std::collections::BTreeSet<_> =
        (0..3).map(|v| OutPoint::new(premine, v)).collect();
    assert_eq!(history.coinbases, expected);
    assert_eq!(history.steps[0].txid, merged.txid());
    assert_eq!(
        history.steps.len(),
        4,
        "merged, a, b and the premine coinbase"
    );
}

#[test]
fn signatures_checked_in_parallel_report_the_error_a_sequential_check_would() {
    // 80 chained payments in one block: enough signatures for the parallel path.
    let mut f = fixture(2, 50 * COIN);
    let txs: Vec<Transaction> = (0..80).map(|_| pay(&mut f, 0, 1, COIN / 10)).collect();
    let mut tampered = txs.clone();
    // Payment 30's payee output changes: its signature breaks, and payment 31, which
    // spends payment 30's change by its old txid, now spends a missing coin. The
    // signature failure comes first in block order and must be the one reported.
    tampered[30].outputs[0].value -= Amount(1);
    let block = tip_block(&f, tampered.clone(), 0);
    assert!(matches!(
        submit(&mut f, block),
        Err(E::BadSignature { txid, index: 0, .. }) if txid == tampered[30].txid()
    ));
    let fees: Amount = txs.iter().map(|t| Amount(t.size() as u64)).sum();
    let block = tip_block(&f, txs, fees);
    assert!(submit(&mut f, block).is_ok());
}
