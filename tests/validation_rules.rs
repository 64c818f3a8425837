//! One test per consensus rule of transactions and their spending: build something
//! that breaks exactly that rule and expect exactly that error (block and header
//! rules: tests/validation_block_rules.rs).

mod common;

use chainlab::ledger::builder;
use chainlab::ledger::tx::{MAX_MONEY, SEQUENCE_FINAL};
use chainlab::ledger::validate::{check_transaction, ValidationError as E};
use chainlab::ledger::*;
use common::rules::*;
use common::*;

#[test]
fn valid_payment_is_accepted_and_moves_the_money() {
    let mut f = fixture(2, 10 * COIN);
    let tx = pay(&mut f, 0, 1, 3 * COIN);
    let fee = fee_of(&mut f, &tx);
    let block = tip_block(&f, vec![tx], fee);
    assert!(matches!(
        submit(&mut f, block),
        Ok(Accepted::New { tip: Some(_), .. })
    ));
    let utxo = f.tree.utxo_at_best();
    assert_eq!(utxo.balance_of(&f.wallets[1].receive_script()), 13 * COIN);
    assert_eq!(
        utxo.balance_of(&f.wallets[0].receive_script()),
        7 * COIN - fee
    );
}

#[test]
fn transaction_without_inputs_or_outputs_is_rejected() {
    let mut f = fixture(2, 10 * COIN);
    let mut tx = pay(&mut f, 0, 1, COIN);
    let mut no_outputs = tx.clone();
    no_outputs.outputs.clear();
    assert_eq!(
        check_transaction(&no_outputs, no_outputs.txid()),
        Err(E::NoOutputs {
            txid: no_outputs.txid()
        })
    );
    tx.inputs.clear();
    assert_eq!(
        check_transaction(&tx, tx.txid()),
        Err(E::NoInputs { txid: tx.txid() })
    );
}

#[test]
fn outputs_above_21_million_coins_are_rejected() {
    let mut f = fixture(2, 10 * COIN);
    let mut tx = pay(&mut f, 0, 1, COIN);
    tx.outputs[0].value = MAX_MONEY + Amount(1);
    assert_eq!(
        check_transaction(&tx, tx.txid()),
        Err(E::OutputTooLarge {
            txid: tx.txid(),
            index: 0,
            value: MAX_MONEY + Amount(1)
        })
    );
}

#[test]
fn spending_one_outpoint_twice_in_a_transaction_is_rejected() {
    let mut f = fixture(2, 10 * COIN);
    let mut tx = pay(&mut f, 0, 1, COIN);
    tx.inputs.push(tx.inputs[0].clone());
    let outpoint = tx.inputs[0].previous_output;
    assert_eq!(
        check_transaction(&tx, tx.txid()),
        Err(E::DuplicateInput {
            txid: tx.txid(),
            outpoint
        })
    );
}

#[test]
fn null_input_outside_a_coinbase_is_rejected() {
    let mut f = fixture(2, 10 * COIN);
    let mut tx = pay(&mut f, 0, 1, COIN);
    tx.inputs.push(TxIn {
        previous_output: OutPoint::NULL,
        script_sig: vec![],
        sequence: SEQUENCE_FINAL,
    });
    assert_eq!(
        check_transaction(&tx, tx.txid()),
        Err(E::NullInput {
            txid: tx.txid(),
            index: 1
        })
    );
}

#[test]
fn coinbase_script_length_is_bounded() {
    let mut cb = builder::coinbase(1, vec![0x51], COIN, b"");
    cb.inputs[0].script_sig = vec![0; 101];
    assert_eq!(
        check_transaction(&cb, cb.txid()),
        Err(E::BadCoinbaseScriptLength {
            txid: cb.txid(),
            len: 101
        })
    );
}

#[test]
fn spending_an_already_spent_coin_is_rejected() {
    let mut f = fixture(2, 10 * COIN);
    let tx = pay(&mut f, 0, 1, COIN);
    let fee = fee_of(&mut f, &tx);
    let mut respend = tx.clone();
    respend.outputs[0].value -= Amount(1); // a different transaction spending the same coin
    let key = f.wallets[0].key(0).clone();
    respend.inputs[0].script_sig = key.sign_input(&respend, 0, &key.script_pubkey());
    let best = f.tree.best();
    extend(&mut f, best, vec![tx], fee);
    let block = tip_block(&f, vec![respend.clone()], fee + Amount(1));
    assert_eq!(
        submit(&mut f, block),
        Err(E::MissingOrSpentInput {
            txid: respend.txid(),
            index: 0,
            outpoint: respend.inputs[0].previous_output
        })
    );
}

#[test]
fn double_spend_inside_one_block_is_rejected() {
    let mut f = fixture(2, 10 * COIN);
    let tx = pay(&mut f, 0, 1, COIN);
    let mut conflict = tx.clone();
    conflict.outputs[0].value -= Amount(1);
    let key = f.wallets[0].key(0).clone();
    conflict.inputs[0].script_sig = key.sign_input(&conflict, 0, &key.script_pubkey());
    let block = tip_block(&f, vec![tx.clone(), conflict.clone()], 0);
    assert_eq!(
        submit(&mut f, block),
        Err(E::DoubleSpendInBlock {
            txid: conflict.txid(),
            outpoint: tx.inputs[0].previous_output
        })
    );
}

#[test]
fn creating_value_is_rejected() {
    let mut f = fixture(2, 10 * COIN);
    let mut tx = pay(&mut f, 0, 1, COIN);
    tx.outputs[0].value = 11 * COIN;
    tx.outputs.truncate(1);
    let key = f.wallets[0].key(0).clone();
    tx.inputs[0].script_sig = key.sign_input(&tx, 0, &key.script_pubkey());
    let block = tip_block(&f, vec![tx.clone()], 0);
    assert_eq!(
        submit(&mut f, block),
        Err(E::ValueCreated {
            txid: tx.txid(),
            inputs: 10 * COIN,
            outputs: 11 * COIN
        })
    );
}

#[test]
fn a_signature_by_the_wrong_key_is_rejected() {
    let mut f = fixture(2, 10 * COIN);
    let mut tx = pay(&mut f, 0, 1, COIN);
    // Wallet 1 signs wallet 0's coin, presenting its own key.
    let thief = f.wallets[1].key(0).clone();
    tx.inputs[0].script_sig = thief.sign_input(&tx, 0, &thief.script_pubkey());
    let block = tip_block(&f, vec![tx.clone()], 0);
    assert!(matches!(
        submit(&mut f, block),
        Err(E::BadSignature {
            index: 0,
            reason: chainlab::ledger::keys::ScriptError::WrongPublicKey,
            ..
        })
    ));
}

#[test]
fn a_tampered_output_breaks_the_signature() {
    let mut f = fixture(2, 10 * COIN);
    let mut tx = pay(&mut f, 0, 1, COIN);
    tx.outputs[0].script_pubkey = f.miner.receive_script().into();
    let block = tip_block(&f, vec![tx.clone()], 0);
    assert!(matches!(
        submit(&mut f, block),
        Err(E::BadSignature {
            reason: chainlab::ledger::keys::ScriptError::SignatureMismatch,
            ..
        })
    ));
}

#[test]
fn coinbase_outputs_wait_for_maturity() {
    let mut f = fixture(1, 10 * COIN);
    let genesis = f.tree.best();
    let first = extend(&mut f, genesis, vec![], 0);
    let reward = OutPoint::new(f.tree.entry(first).txids[0], 0);
    f.miner.add_coin(reward, 50 * COIN, 0);
    let spend = f.miner.pay(f.wallets[0].receive_script(), COIN, 1).unwrap();
    // Spent at height 2: one confirmation of the three required.
    let block = tip_block(&f, vec![spend.clone()], 0);
    assert_eq!(
        submit(&mut f, block),
        Err(E::ImmatureCoinbaseSpend {
            txid: spend.txid(),
            outpoint: reward,
            confirmations: 1,
            required: 3
        })
    );
    let mut tip = first;
    for _ in 0..2 {
        tip = extend(&mut f, tip, vec![], 0);
    }
    let fee = fee_of(&mut f, &spend);
    extend(&mut f, tip, vec![spend], fee);
}

#[test]
fn non_final_transactions_cannot_be_mined() {
    let mut f = fixture(2, 10 * COIN);
    let mut tx = pay(&mut f, 0, 1, COIN);
    tx.lock_time = 5; // not before height 6
    tx.inputs[0].sequence = 0;
    let key = f.wallets[0].key(0).clone();
    tx.inputs[0].script_sig = key.sign_input(&tx, 0, &key.script_pubkey());
    let block = tip_block(&f, vec![tx.clone()], 0);
    assert_eq!(
        submit(&mut f, block),
        Err(E::NonFinal {
            txid: tx.txid(),
            height: 1,
            lock_time: 5
        })
    );
}
