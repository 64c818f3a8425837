//! Properties that must hold for any input, checked with proptest.

mod common;

use chainlab::ledger::merkle::{merkle_root, MerkleProof};
use chainlab::ledger::*;
use common::*;
use proptest::prelude::*;

/// A payment plan: (payer, payee, amount in units of 0.01 coin) per transaction, and
/// which block (of the sequence) it goes in.
fn plans() -> impl Strategy<Value = Vec<Vec<(usize, usize, u64)>>> {
    prop::collection::vec(
        prop::collection::vec((0..4usize, 0..4usize, 1..300u64), 0..4),
        1..6,
    )
}

/// Mines one block per plan entry, each payment made by the payer's wallet if it can
/// afford it; the coinbase claims subsidy plus the fees the wallets report. A fee
/// reported too high makes the block invalid (coinbase too large); too low destroys
/// value, which the conservation property catches.
fn run_plan(plan: &[Vec<(usize, usize, u64)>]) -> (Fixture, Amount) {
    let mut f = fixture(4, 5 * COIN);
    let mut issued = 4 * 5 * COIN;
    for payments in plan {
        let mut txs = Vec::new();
        let mut fees = Amount::ZERO;
        for &(from, to, cents) in payments {
            let script = f.wallets[to].receive_script();
            if let Ok((tx, fee)) = f.wallets[from].pay_with_fee(script, cents * COIN / 100, 2) {
                f.wallets[to].add_coin(OutPoint::new(tx.txid(), 0), tx.outputs[0].value, 0);
                fees += fee;
                txs.push(tx);
            }
        }
        let tip = f.tree.best();
        extend(&mut f, tip, txs, fees);
        issued += f.tree.params().block_subsidy(f.tree.best_height());
    }
    (f, issued)
}

/// Script and list lengths around every compact-size step (1, 3 and 5 bytes).
fn length() -> impl Strategy<Value = usize> {
    prop_oneof![0..80usize, 250..260usize, Just(65_535), Just(65_536)]
}

fn input() -> impl Strategy<Value = TxIn> {
    (any::<[u8; 32]>(), any::<u32>(), length(), any::<u32>()).prop_map(
        |(txid, vout, len, sequence)| TxIn {
            previous_output: OutPoint::new(Txid(Hash256(txid)), vout),
            script_sig: vec![0x51; len],
            sequence,
        },
    )
}

fn output() -> impl Strategy<Value = TxOut> {
    (any::<u64>(), length()).prop_map(|(value, len)| TxOut {
        value: Amount(value),
        script_pubkey: vec![0xac; len].into(),
    })
}

/// Lists of a few entries, or of 252 to 255 around the compact-size step at 253.
fn transaction() -> impl Strategy<Value = Transaction> {
    use prop::collection::vec;
    (
        any::<i32>(),
        prop_oneof![vec(input(), 0..4), vec(input(), 252..256)],
        prop_oneof![vec(output(), 0..4), vec(output(), 252..256)],
        any::<u32>(),
    )
        .prop_map(|(version, inputs, outputs, lock_time)| Transaction {
            version,
            inputs,
            outputs,
            lock_time,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn size_is_the_serialized_length_for_every_shape(
        tx in transaction(),
        extra in prop_oneof![0..3usize, 252..254usize],
    ) {
        use chainlab::ledger::encode::{Decodable, Encodable};
        let bytes = tx.to_bytes();
        prop_assert_eq!(tx.size(), bytes.len());
        prop_assert_eq!(&Transaction::from_bytes(&bytes).unwrap(), &tx);
        // A block of that transaction and `extra` small ones, around the 253 step.
        let small = Transaction { inputs: vec![], outputs: vec![], ..tx.clone() };
        let mut txdata = vec![tx];
        txdata.extend(std::iter::repeat_n(small, extra));
        let block = Block { header: Header {
            version: 1, prev_blockhash: BlockHash::ZERO, merkle_root: Hash256::ZERO,
            time: 0, bits: CompactTarget(0x207f_ffff), nonce: 0,
        }, txdata };
        prop_assert_eq!(block.size(), block.to_bytes().len());
    }

    #[test]
    fn value_is_conserved_across_valid_blocks(plan in plans()) {
        let (mut f, issued) = run_plan(&plan);
        prop_assert_eq!(f.tree.utxo_at_best().total_value(), u128::from(issued.0));
        let by_key: Amount = f.tree.utxo_at_best().balances().iter().map(|(_, v)| v).sum();
        prop_assert_eq!(by_key, issued, "balances per key add up to the supply");
        // Every wallet's own book agrees with the chain.
        for w in &f.wallets {
            prop_assert_eq!(f.tree.utxo_at_best().balance_of(&w.receive_script()), w.balance());
        }
    }

    #[test]
    fn apply_then_undo_restores_the_exact_utxo_set(plan in plans()) {
        let (mut f, _) = run_plan(&plan);
        let tip = f.tree.best();
        let entry = f.tree.entry(tip);
        let (block, txids, height, parent) = (entry.block.clone(), entry.txids.clone(), entry.height, entry.parent.unwrap());
        let mut before = f.tree.utxo_at(parent).clone();
        let snapshot = before.clone();
        let undo = before.apply_block(&block, &txids, height);
        prop_assert_eq!(&before, f.tree.utxo_at(tip));
        before.undo_block(&block, &txids, undo);
        prop_assert_eq!(before, snapshot);
    }

    #[test]
    fn every_merkle_proof_verifies_and_tampering_fails(
        n in 1..70usize,
        seed in any::<u64>(),
        flip in 0..256usize,
    ) {
        let leaves: Vec<Hash256> = (0..n).map(|i| sha256d(&[seed.to_le_bytes(), (i as u64).to_le_bytes()].concat())).collect();
        let root = merkle_root(&leaves);
        for (i, leaf) in leaves.iter().enumerate() {
            let proof = MerkleProof::build(&leaves, i).unwrap();
            prop_assert!(proof.verify(*leaf, root));
            let mut bad_leaf = *leaf;
            bad_leaf.0[flip / 8] ^= 1 << (flip % 8);
            prop_assert!(!proof.verify(bad_leaf, root));
            if !proof.siblings.is_empty() {
                let mut bad = proof.clone();
                let level = flip % bad.siblings.len();
                bad.siblings[level].0[flip / 8] ^= 1 << (flip % 8);
                // A sibling equal to the node itself (odd-level duplicate) flips both.
                prop_assert!(!bad.verify(*leaf, root));
            }
        }
    }
}
