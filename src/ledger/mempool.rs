//! Admission of unconfirmed payments: Bitcoin Core's mempool rules that decide whether a
//! payment may be relayed. A payment is accepted when it passes the context-free rules,
//! every input is an unspent coin of the chain or an output of an accepted payment, its
//! signatures verify and it creates no value, and no accepted payment already spends
//! one of its inputs (first seen wins: a double spend is rejected, not relayed).
//!
//! The pool remembers every payment it accepted, confirmed or not, because a simulated
//! network decides admission once per payment and caches the verdict by txid; which
//! node holds which payment is the network's business, not the pool's.

use super::keys::{has_low_s, SigCache};
use super::params::ConsensusParams;
use super::tx::{Amount, OutPoint, Transaction, Txid};
use super::utxo::Coin;
use super::validate::{check_transaction, check_tx_inputs, CoinView, ValidationError};
use std::collections::HashMap;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MempoolError {
    #[error("transaction {txid} is already in the mempool")]
    AlreadyKnown { txid: Txid },
    #[error("transaction {txid} spends {outpoint}, already spent by {spent_by} (double spend)")]
    Conflict {
        txid: Txid,
        outpoint: OutPoint,
        spent_by: Txid,
    },
    #[error("transaction {txid} is a coinbase, which only a block can carry")]
    Coinbase { txid: Txid },
    #[error("transaction {txid} input {index} has a high-S signature: valid in a block, but not relayed (Core's low-S policy)")]
    HighS { txid: Txid, index: usize },
    #[error(transparent)]
    Invalid(#[from] ValidationError),
}

#[derive(Default)]
pub struct Mempool {
    /// Outputs of accepted payments, spendable by later payments before they confirm.
    outputs: HashMap<OutPoint, Coin>,
    /// Which accepted payment spends each outpoint.
    spent_by: HashMap<OutPoint, Txid>,
    fees: HashMap<Txid, Amount>,
}

/// The chain's coins with the pool's outputs laid over them.
struct Overlay<'a, V> {
    chain: &'a V,
    pool: &'a HashMap<OutPoint, Coin>,
}

impl<V: CoinView> CoinView for Overlay<'_, V> {
    fn coin(&self, outpoint: &OutPoint) -> Option<&Coin> {
        self.chain
            .coin(outpoint)
            .or_else(|| self.pool.get(outpoint))
    }
}

impl Mempool {
    pub fn new() -> Self {
        Self::default()
    }

    /// Admits `tx` against `chain` (the coins at the validating node's tip, whose height
    /// is `tip_height`), returning its fee.
    pub fn accept(
        &mut self,
        tx: &Transaction,
        chain: &impl CoinView,
        tip_height: u32,
        params: &ConsensusParams,
        sigcache: &SigCache,
    ) -> Result<Amount, MempoolError> {
        let txid = tx.txid();
        if self.fees.contains_key(&txid) {
            return Err(MempoolError::AlreadyKnown { txid });
        }
        check_transaction(tx, txid)?;
        if tx.is_coinbase() {
            return Err(MempoolError::Coinbase { txid });
        }
        if let Some(index) = tx.inputs.iter().position(|i| !has_low_s(&i.script_sig)) {
            return Err(MempoolError::HighS { txid, index });
        }
        for input in &tx.inputs {
            if let Some(&spent_by) = self.spent_by.get(&input.previous_output) {
                return Err(MempoolError::Conflict {
                    txid,
                    outpoint: input.previous_output,
                    spent_by,
                });
            }
        }
        let view = Overlay {
            chain,
            pool: &self.outputs,
        };
        // A payment enters the next block: one above the tip.
        let fee = check_tx_inputs(tx, txid, &view, tip_height + 1, params, sigcache)?;
        for input in &tx.inputs {
            self.spent_by.insert(input.previous_output, txid);
        }
        for (vout, output) in tx.outputs.iter().enumerate() {
            self.outputs.insert(
                OutPoint::new(txid, vout as u32),
                Coin {
                    output: output.clone(),
                    height: tip_height + 1,
                    is_coinbase: false,
                },
            );
        }
        self.fees.insert(txid, fee);
        Ok(fee)
    }

    pub fn contains(&self, txid: &Txid) -> bool {
        self.fees.contains_key(txid)
    }

    pub fn fee(&self, txid: &Txid) -> Option<Amount> {
        self.fees.get(txid).copied()
    }

    pub fn len(&self) -> usize {
        self.fees.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fees.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::tx::{TxOut, COIN};
    use crate::ledger::Wallet;

    /// The chain's coins, for these tests: one funding coin.
    struct Chain(HashMap<OutPoint, Coin>);

    impl CoinView for Chain {
        fn coin(&self, outpoint: &OutPoint) -> Option<&Coin> {
            self.0.get(outpoint)
        }
    }

    fn funded(seed: u8) -> (Wallet, Chain, ConsensusParams) {
        let mut wallet = Wallet::from_seed([seed; 32]);
        let mut utxo = HashMap::new();
        let outpoint = OutPoint::new(crate::ledger::Txid(crate::ledger::sha256d(&[seed])), 0);
        utxo.insert(
            outpoint,
            Coin {
                output: TxOut {
                    value: 10 * COIN,
                    script_pubkey: wallet.receive_script().into(),
                },
                height: 1,
                is_coinbase: false,
            },
        );
        wallet.add_coin(outpoint, 10 * COIN, 0);
        (wallet, Chain(utxo), ConsensusParams::bitcoin())
    }

    #[test]
    fn a_payment_and_its_unconfirmed_child_are_accepted_with_their_fees() {
        let (mut alice, utxo, params) = funded(1);
        let bob = Wallet::from_seed([2; 32]);
        let cache = SigCache::new();
        let mut pool = Mempool::new();
        let (first, fee1) = alice.pay_with_fee(bob.receive_script(), COIN, 10).unwrap();
        // Alice's change from `first` funds the second payment.
        let (second, fee2) = alice.pay_with_fee(bob.receive_script(), COIN, 10).unwrap();
        assert_eq!(second.inputs[0].previous_output.txid, first.txid());
        assert_eq!(pool.accept(&first, &utxo, 5, &params, &cache), Ok(fee1));
        assert_eq!(pool.accept(&second, &utxo, 5, &params, &cache), Ok(fee2));
        assert_eq!(pool.len(), 2);
        assert_eq!(
            pool.accept(&first, &utxo, 5, &params, &cache),
            Err(MempoolError::AlreadyKnown { txid: first.txid() })
        );
    }

    #[test]
    fn the_second_spend_of_a_coin_is_rejected_as_a_double_spend() {
        let (alice, utxo, params) = funded(3);
        let cache = SigCache::new();
        let mut pool = Mempool::new();
        let mut a1 = alice.clone();
        let mut a2 = alice;
        let honest = a1
            .pay(Wallet::from_seed([4; 32]).receive_script(), COIN, 10)
            .unwrap();
        let double = a2
            .pay(Wallet::from_seed([5; 32]).receive_script(), COIN, 10)
            .unwrap();
        pool.accept(&honest, &utxo, 5, &params, &cache).unwrap();
        match pool.accept(&double, &utxo, 5, &params, &cache) {
            Err(MempoolError::Conflict {
                outpoint, spent_by, ..
            }) => {
                assert_eq!(outpoint, honest.inputs[0].previous_output);
                assert_eq!(spent_by, honest.txid());
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
    }

    #[test]
    fn forged_signatures_and_unknown_coins_are_rejected() {
        let (mut alice, utxo, params) = funded(6);
        let cache = SigCache::new();
        let mut pool = Mempool::new();
        let mut tx = alice
            .pay(Wallet::from_seed([7; 32]).receive_script(), COIN, 10)
            .unwrap();
        tx.outputs[0].value += Amount(1); // the signature no longer covers the outputs
        assert!(matches!(
            pool.accept(&tx, &utxo, 5, &params, &cache),
            Err(MempoolError::Invalid(ValidationError::BadSignature { .. }))
        ));
        let (mut stranger, _, _) = funded(8);
        let unfunded = stranger
            .pay(Wallet::from_seed([9; 32]).receive_script(), COIN, 10)
            .unwrap();
        assert!(matches!(
            pool.accept(&unfunded, &utxo, 5, &params, &cache),
            Err(MempoolError::Invalid(
                ValidationError::MissingOrSpentInput { .. }
            ))
        ));
        assert!(pool.is_empty(), "nothing invalid is remembered");
    }
}
