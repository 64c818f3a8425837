//! The small contracts of the ledger's parts that the mutation-testing run found
//! unpinned (docs/testing.md lists the run and what survives it): block building and
//! padding, the nonce search's accounting, wallet fees and change, script templates,
//! the decoder's limits, and Core's MoneyRange on the inputs.

mod common;

use chainlab::ledger::builder;
use chainlab::ledger::encode::{DecodeError, Reader, MAX_DECODE_LEN};
use chainlab::ledger::keys::{verify_input, KeyPair, ScriptError, SigCache};
use chainlab::ledger::script::{self, classify, Lock};
use chainlab::ledger::tx::MAX_MONEY;
use chainlab::ledger::utxo::Coin;
use chainlab::ledger::validate::{check_tx_inputs, CoinView, ValidationError as E};
use chainlab::ledger::wallet::DUST;
use chainlab::ledger::*;
use common::*;

#[test]
fn coinbase_scripts_are_the_height_then_the_tag_and_nothing_more() {
    let cb = builder::coinbase(1, vec![0x51], COIN, &[]);
    assert_eq!(
        cb.inputs[0].script_sig,
        vec![0x51, 0x00],
        "OP_1, an empty push"
    );
    let cb = builder::coinbase(17, vec![0x51], COIN, &[1, 2]);
    assert_eq!(cb.inputs[0].script_sig, vec![0x01, 0x11, 0x02, 0x01, 0x02]);
    assert_eq!(cb.outputs[0].value, COIN);
}

#[test]
fn padding_adds_the_bytes_asked_never_more_and_at_most_ten_less() {
    for bytes in [
        1, 10, 11, 12, 86, 87, 100, 252, 262, 263, 268, 269, 9_015, 9_016, 9_030, 20_000, 535_000,
        4_000_000,
    ] {
        let mut cb = builder::coinbase(5, vec![0x51], COIN, b"tag");
        let before = cb.size();
        builder::pad_coinbase(&mut cb, bytes);
        let grown = cb.size() - before;
        assert!(
            grown <= bytes && grown + 10 >= bytes,
            "{bytes} asked, {grown} added"
        );
        if bytes >= 22 {
            assert_eq!(grown, bytes, "exact once an output fits what is left");
        }
        assert!(cb.outputs[1..].iter().all(|o| o.value == Amount::ZERO
            && classify(&o.script_pubkey) == Lock::Unspendable
            && o.script_pubkey.len() <= 10_000));
    }
    // 87 bytes: one output cannot make exactly 87 (its push grows at 76 bytes of data),
    // so the first leaves room for a second: 63 bytes of data, then 2.
    let mut two = builder::coinbase(5, vec![0x51], COIN, b"tag");
    builder::pad_coinbase(&mut two, 87);
    let data: Vec<usize> = two.outputs[1..]
        .iter()
        .map(|o| o.script_pubkey.len() - 2)
        .collect();
    assert_eq!(data, vec![63, 2]);
    let mut none = builder::coinbase(5, vec![0x51], COIN, b"tag");
    builder::pad_coinbase(&mut none, 0);
    assert_eq!(none.outputs.len(), 1, "nothing asked, nothing added");
}

#[test]
fn the_nonce_search_counts_its_tries_across_a_wrap() {
    let f = fixture(1, COIN);
    let mut block = make_block(
        &f.tree,
        chainlab::ledger::BlockId::GENESIS,
        vec![],
        0,
        vec![0x51],
    );
    // A hard target: the few nonces before the wrap all fail.
    block.header.bits = chainlab::ledger::pow::Target::from_expected_hashes(1 << 20).to_compact();
    let (time, start) = (block.header.time, u32::MAX - 2);
    let tries = builder::solve_from(&mut block, start);
    let target = block.header.bits.to_target().unwrap();
    assert!(target.is_met_by(block.block_hash().as_hash()));
    if block.header.time == time {
        assert_eq!(
            tries,
            u64::from(block.header.nonce - start) + 1,
            "found before the wrap"
        );
    } else {
        assert_eq!(
            block.header.time,
            time + 1,
            "the time moved on by one second"
        );
        assert_eq!(
            tries,
            3 + u64::from(block.header.nonce) + 1,
            "3 before the wrap, then from 0"
        );
    }
    let mut easy = make_block(
        &f.tree,
        chainlab::ledger::BlockId::GENESIS,
        vec![],
        0,
        vec![0x52],
    );
    let tries = builder::solve_from(&mut easy, 1000);
    assert_eq!(tries, u64::from(easy.header.nonce - 1000) + 1);
}

#[test]
fn payments_pay_the_rate_for_their_estimated_size_and_keep_their_change() {
    let mut w = Wallet::from_seed([9; 32]);
    let coin = OutPoint::new(Txid(sha256d(b"coin")), 0);
    w.add_coin(coin, 10 * COIN, 0);
    assert_eq!(w.coins().len(), 1);
    let to = KeyPair::from_seed([8; 32]).script_pubkey();
    let (tx, fee) = w.pay_with_fee(to.clone(), COIN, 3).unwrap();
    // 3 sat/B × (10 + one 149-byte input + two 34-byte outputs).
    assert_eq!(fee, Amount(3 * (10 + 149 + 2 * 34)));
    assert_eq!(tx.outputs[1].value, 10 * COIN - COIN - fee);
    assert_eq!(w.balance(), tx.outputs[1].value, "the change came back");
    assert_eq!(w.coins().keys().next(), Some(&OutPoint::new(tx.txid(), 1)));
    assert_eq!(w.key_for_script(&w.receive_script()), Some(0));
    assert_eq!(w.key_for_script(&to), None);
    assert_eq!(w.new_key(), 1, "the second key's index");
    assert_eq!(w.key_for_script(&w.key(1).script_pubkey()), Some(1));
    assert!(w.remove_coin(&OutPoint::new(tx.txid(), 1)).is_some());
    assert_eq!(w.balance(), Amount::ZERO);
}

#[test]
fn dust_is_never_paid_and_change_below_dust_goes_to_the_fee() {
    let to = KeyPair::from_seed([8; 32]).script_pubkey();
    let mut w = Wallet::from_seed([9; 32]);
    w.add_coin(OutPoint::new(Txid(sha256d(b"c")), 0), COIN, 0);
    assert!(w
        .clone()
        .pay_with_fee(to.clone(), DUST - Amount(1), 1)
        .is_err());
    assert!(w.clone().pay_with_fee(to.clone(), DUST, 1).is_ok());
    // A coin worth exactly the payment plus the one-output fee: no change at all.
    let exact = COIN + Amount(10 + 149 + 34);
    let mut w = Wallet::from_seed([9; 32]);
    w.add_coin(OutPoint::new(Txid(sha256d(b"e")), 0), exact, 0);
    let (tx, fee) = w.clone().pay_with_fee(to.clone(), COIN, 1).unwrap();
    assert_eq!((tx.outputs.len(), fee), (1, Amount(10 + 149 + 34)));
    let mut short = Wallet::from_seed([9; 32]);
    short.add_coin(OutPoint::new(Txid(sha256d(b"s")), 0), exact - Amount(1), 0);
    assert!(
        short.pay_with_fee(to.clone(), COIN, 1).is_err(),
        "one satoshi short"
    );
    // Change of exactly DUST is kept; one satoshi less goes to the fee.
    let two = 10 + 149 + 2 * 34;
    for (extra, outputs) in [(DUST, 2), (DUST - Amount(1), 1)] {
        let mut w = Wallet::from_seed([9; 32]);
        w.add_coin(
            OutPoint::new(Txid(sha256d(b"d")), 0),
            COIN + Amount(two) + extra,
            0,
        );
        let (tx, _) = w.pay_with_fee(to.clone(), COIN, 1).unwrap();
        assert_eq!(tx.outputs.len(), outputs, "change of {extra}");
    }
}

#[test]
fn script_templates_match_only_their_exact_shapes() {
    let key = KeyPair::from_seed([3; 32]);
    let hash = key.pubkey_hash();
    let mut long_hash = script::p2pkh(&hash);
    long_hash.insert(3, 0); // 21 bytes between the opcodes
    long_hash[2] = 21;
    assert_eq!(classify(&long_hash), Lock::NonStandard);
    let p2pk = script::p2pk(key.public_key());
    assert!(matches!(classify(&p2pk), Lock::PubKey(k) if k.len() == 33));
    // A push length of 20 in front of 21 bytes is no P2PKH script.
    let mut long_body = script::p2pkh(&hash);
    long_body.insert(3, 0);
    assert_eq!(long_body[2], 20);
    assert_eq!(classify(&long_body), Lock::NonStandard);
    let mut wrong_len = p2pk.clone();
    wrong_len[0] = 34; // claims 34 bytes, holds 33
    assert_eq!(classify(&wrong_len), Lock::NonStandard);
    let uncompressed = script::p2pk(&[4u8; 65]);
    assert!(matches!(classify(&uncompressed), Lock::PubKey(k) if k.len() == 65));
    assert_eq!(classify(&script::p2pk(&[2u8; 34])), Lock::NonStandard);
    let mut s = Vec::new();
    script::push_data(&mut s, &[7u8; 76]);
    assert_eq!(&s[..2], &[0x4c, 76], "PUSHDATA1 from 76 bytes");
    let mut s = Vec::new();
    script::push_data(&mut s, &[7u8; 256]);
    assert_eq!(&s[..3], &[0x4d, 0, 1], "PUSHDATA2 from 256 bytes");
    assert_eq!(script::script_num(127), vec![0x7f]);
    assert_eq!(script::script_num(-127), vec![0xff]);
    assert_eq!(script::script_num(128), vec![0x80, 0x00]);
    assert_eq!(script::script_num(-128), vec![0x80, 0x80]);
    assert!(script::script_num(0).is_empty());
}

#[test]
fn a_p2pkh_spend_needs_exactly_a_signature_and_a_key() {
    let key = KeyPair::from_seed([4; 32]);
    let spent = key.script_pubkey();
    let mut tx = Transaction {
        version: 1,
        inputs: vec![TxIn {
            previous_output: OutPoint::new(Txid(sha256d(b"x")), 0),
            script_sig: vec![],
            sequence: 0xffff_ffff,
        }],
        outputs: vec![TxOut {
            value: Amount(1),
            script_pubkey: spent.clone().into(),
        }],
        lock_time: 0,
    };
    tx.inputs[0].script_sig = key.sign_input(&tx, 0, &spent);
    assert_eq!(verify_input(&tx, 0, &spent), Ok(()));
    script::push_data(&mut tx.inputs[0].script_sig, b"extra");
    assert_eq!(
        verify_input(&tx, 0, &spent),
        Err(ScriptError::MalformedInputScript)
    );
    assert_eq!(
        verify_input(&tx, 0, &[0x51]),
        Err(ScriptError::NonStandardLock)
    );
    assert!(format!("{key:?}").contains(&hex::encode(key.public_key())));
    let cache = SigCache::new();
    assert!(cache.is_empty());
}

/// A view holding one coin of any value: how a test reaches Core's MoneyRange checks
/// on inputs, which no valid chain can (its coins are each within MAX_MONEY).
struct OneCoin(Coin, Coin);

impl CoinView for OneCoin {
    fn coin(&self, outpoint: &OutPoint) -> Option<&Coin> {
        match outpoint.vout {
            0 => Some(&self.0),
            1 => Some(&self.1),
            _ => None,
        }
    }
}

#[test]
fn input_values_are_bounded_one_by_one_and_in_total() {
    let key = KeyPair::from_seed([6; 32]);
    let lock = key.script_pubkey();
    let coin = |value| Coin {
        output: TxOut {
            value,
            script_pubkey: lock.clone().into(),
        },
        height: 0,
        is_coinbase: false,
    };
    let spend = |inputs: u32| {
        let mut tx = Transaction {
            version: 1,
            inputs: (0..inputs)
                .map(|v| TxIn {
                    previous_output: OutPoint::new(Txid(sha256d(b"i")), v),
                    script_sig: vec![],
                    sequence: 0,
                })
                .collect(),
            outputs: vec![TxOut {
                value: Amount(1),
                script_pubkey: vec![0x51].into(),
            }],
            lock_time: 0,
        };
        for i in 0..tx.inputs.len() {
            tx.inputs[i].script_sig = key.sign_input(&tx, i, &lock);
        }
        tx
    };
    let params = params();
    let check = |view: &OneCoin, tx: &Transaction| {
        check_tx_inputs(tx, tx.txid(), view, 1, &params, &SigCache::new())
    };
    let one = spend(1);
    assert_eq!(
        check(&OneCoin(coin(MAX_MONEY), coin(Amount::ZERO)), &one),
        Ok(MAX_MONEY - Amount(1))
    );
    assert_eq!(
        check(
            &OneCoin(coin(MAX_MONEY + Amount(1)), coin(Amount::ZERO)),
            &one
        ),
        Err(E::InputValueOutOfRange {
            txid: one.txid(),
            index: 0
        })
    );
    let two = spend(2);
    let half = MAX_MONEY / 2;
    assert_eq!(
        check(&OneCoin(coin(half), coin(MAX_MONEY - half)), &two),
        Ok(MAX_MONEY - Amount(1))
    );
    assert_eq!(
        check(
            &OneCoin(coin(half), coin(MAX_MONEY - half + Amount(1))),
            &two
        ),
        Err(E::InputValueOutOfRange {
            txid: two.txid(),
            index: 1
        })
    );
}

#[test]
fn the_decoder_reports_where_and_how_much_it_lacked() {
    let bytes = [1u8, 2, 3];
    let mut r = Reader::new(&bytes);
    assert_eq!(
        r.u64(),
        Err(DecodeError::UnexpectedEnd { at: 0, needed: 5 })
    );
    assert_eq!(r.u8(), Ok(1));
    assert_eq!(r.u8(), Ok(2));
    assert_eq!(r.position(), 2);
    assert_eq!(r.remaining(), 1);
    assert_eq!(MAX_DECODE_LEN, 32 * 1024 * 1024);
    let mut at_limit = vec![0xfe];
    at_limit.extend_from_slice(&(MAX_DECODE_LEN as u32).to_le_bytes());
    assert_eq!(Reader::new(&at_limit).length(), Ok(MAX_DECODE_LEN as usize));
    let mut over = vec![0xfe];
    over.extend_from_slice(&(MAX_DECODE_LEN as u32 + 1).to_le_bytes());
    assert!(matches!(
        Reader::new(&over).length(),
        Err(DecodeError::TooLong { .. })
    ));
}

#[test]
fn hashes_and_targets_print_as_bitcoin_shows_them() {
    let h: Hash256 = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
        .parse()
        .unwrap();
    assert_eq!(h.as_bytes()[31], 0x00);
    assert_eq!(h.as_bytes()[0], 0x6f);
    assert_eq!(format!("{h:?}"), h.to_string());
    let bits = chainlab::ledger::pow::CompactTarget(0x1d00_ffff);
    assert_eq!(
        (bits.to_string(), format!("{bits:?}")),
        ("0x1d00ffff".into(), "0x1d00ffff".into())
    );
    let target = bits.to_target().unwrap();
    assert!(format!("{target:?}").starts_with("Target(00000000ffff0000"));
    let p = ConsensusParams::bitcoin();
    assert_eq!(
        (
            p.initial_reward,
            p.max_future_block_time_s,
            p.halving_interval
        ),
        (50 * COIN, 7200, 210_000)
    );
    assert_eq!(
        (p.coinbase_maturity, p.median_time_span, p.max_block_bytes),
        (100, 11, 1_000_000)
    );
}

#[test]
fn a_genesis_block_may_hold_its_coinbase_only() {
    let f = fixture(1, COIN);
    let mut genesis = (*f.tree.entry(chainlab::ledger::BlockId::GENESIS).block).clone();
    let extra = builder::coinbase(1, vec![0x51], Amount::ZERO, b"x");
    genesis.txdata.push(extra);
    genesis.header.merkle_root = genesis.compute_merkle_root().0;
    builder::solve(&mut genesis);
    let hash = genesis.block_hash();
    assert_eq!(
        chainlab::ledger::validate::check_genesis(&genesis).err(),
        Some(E::GenesisWithTransactions { hash, count: 2 })
    );
    let mut empty = (*f.tree.entry(chainlab::ledger::BlockId::GENESIS).block).clone();
    empty.txdata.clear();
    builder::solve(&mut empty);
    let hash = empty.block_hash();
    assert_eq!(
        chainlab::ledger::validate::check_genesis(&empty).err(),
        Some(E::EmptyBlock { hash })
    );
}

#[test]
fn coins_are_selected_largest_first_until_payment_and_fee_are_covered() {
    let to = KeyPair::from_seed([8; 32]).script_pubkey();
    let mut w = Wallet::from_seed([9; 32]);
    w.add_coin(OutPoint::new(Txid(sha256d(b"a")), 0), 3 * COIN, 0);
    w.add_coin(OutPoint::new(Txid(sha256d(b"b")), 0), 3 * COIN, 0);
    // One coin holds the payment but not its fee: both are taken.
    let (tx, fee) = w.clone().pay_with_fee(to.clone(), 3 * COIN, 1).unwrap();
    assert_eq!(tx.inputs.len(), 2);
    assert_eq!(fee, Amount(10 + 2 * 149 + 2 * 34));
    // Asking for more than there is names what was needed and what there was.
    let err = w.pay_with_fee(to, 6 * COIN, 1).unwrap_err();
    assert_eq!(
        err,
        chainlab::ledger::wallet::WalletError::InsufficientFunds {
            needed: 6 * COIN + Amount(10 + 2 * 149 + 34),
            available: 6 * COIN
        }
    );
}

#[test]
fn a_relayed_payment_may_spend_a_coinbase_that_matures_in_the_next_block() {
    use chainlab::ledger::mempool::{Mempool, MempoolError};
    // Maturity 3 (common::params): mined at height 1, spendable in the block at 4.
    let mut f = fixture(1, COIN);
    let first = extend(
        &mut f,
        chainlab::ledger::BlockId::GENESIS,
        vec![],
        Amount::ZERO,
    );
    let reward = OutPoint::new(f.tree.entry(first).txids[0], 0);
    f.miner.add_coin(reward, 50 * COIN, 0);
    let spend = f.miner.pay(f.wallets[0].receive_script(), COIN, 1).unwrap();
    let second = extend(&mut f, first, vec![], Amount::ZERO);
    let mut pool = Mempool::new();
    // At tip height 2 the next block is at 3: two confirmations, too early.
    assert!(matches!(
        f.tree.admit_to_mempool(&mut pool, &spend, second),
        Err(MempoolError::Invalid(E::ImmatureCoinbaseSpend {
            confirmations: 2,
            ..
        }))
    ));
    let third = extend(&mut f, second, vec![], Amount::ZERO);
    assert!(f.tree.admit_to_mempool(&mut pool, &spend, third).is_ok());
}

#[test]
fn block_ids_print_as_their_number() {
    // The story, inspect and every message name blocks by this number.
    assert_eq!(BlockId(7).to_string(), "7");
    assert_eq!(
        format!("block {}", BlockId(4_000_000_000)),
        "block 4000000000"
    );
}
