//! A wallet: keys, the coins they own, coin selection, change and fees.

use super::amount::FeeRate;
use super::hash::sha256d;
use super::keys::KeyPair;
use super::tx::{Amount, OutPoint, Transaction, TxIn, TxOut, SEQUENCE_FINAL};
use std::collections::BTreeMap;

/// Outputs worth less than this are not made; the value goes to the fee instead
/// (Bitcoin Core's dust threshold for P2PKH at the default relay fee).
pub const DUST: Amount = Amount(546);

/// Serialized sizes of P2PKH parts, for fee estimation before signing (the DER
/// signature's length varies by a byte or two; estimating high keeps the fee rate).
const TX_OVERHEAD_BYTES: usize = 10;
const P2PKH_INPUT_BYTES: usize = 149;
const P2PKH_OUTPUT_BYTES: usize = 34;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalletError {
    #[error("insufficient funds: need {needed} sat including fee, have {available} sat")]
    InsufficientFunds { needed: Amount, available: Amount },
    #[error("a payment must be at least the dust limit of {DUST} sat; got {0}")]
    DustPayment(Amount),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedCoin {
    pub value: Amount,
    pub key: usize,
}

/// Keys derived deterministically from a seed, and the coins locked to them.
#[derive(Clone, Debug)]
pub struct Wallet {
    seed: [u8; 32],
    keys: Vec<KeyPair>,
    coins: BTreeMap<OutPoint, OwnedCoin>,
}

impl Wallet {
    pub fn from_seed(seed: [u8; 32]) -> Wallet {
        let mut wallet = Wallet {
            seed,
            keys: Vec::new(),
            coins: BTreeMap::new(),
        };
        wallet.new_key();
        wallet
    }

    /// Derives the next key: sha256d(seed || index).
    pub fn new_key(&mut self) -> usize {
        let mut material = self.seed.to_vec();
        material.extend_from_slice(&(self.keys.len() as u64).to_le_bytes());
        self.keys.push(KeyPair::from_seed(sha256d(&material).0));
        self.keys.len() - 1
    }

    pub fn key(&self, index: usize) -> &KeyPair {
        &self.keys[index]
    }

    /// The script others pay this wallet with (its first key).
    pub fn receive_script(&self) -> Vec<u8> {
        self.keys[0].script_pubkey()
    }

    /// Which of this wallet's keys `script_pubkey` pays, if any.
    pub fn key_for_script(&self, script_pubkey: &[u8]) -> Option<usize> {
        self.keys
            .iter()
            .position(|k| k.script_pubkey() == script_pubkey)
    }

    pub fn add_coin(&mut self, outpoint: OutPoint, value: Amount, key: usize) {
        self.coins.insert(outpoint, OwnedCoin { value, key });
    }

    pub fn remove_coin(&mut self, outpoint: &OutPoint) -> Option<OwnedCoin> {
        self.coins.remove(outpoint)
    }

    pub fn coins(&self) -> &BTreeMap<OutPoint, OwnedCoin> {
        &self.coins
    }

    pub fn balance(&self) -> Amount {
        self.coins.values().map(|c| c.value).sum()
    }

    /// Pays `amount` to `to` at `fee_rate` sat/byte: picks coins largest first (fewest
    /// inputs, so the smallest fee), adds change back to this wallet unless it would be
    /// dust, signs every input, and removes the spent coins from the wallet. The change
    /// output, if any, is output 1 and is added to the wallet at once so it can be spent
    /// again before it confirms.
    pub fn pay(
        &mut self,
        to: Vec<u8>,
        amount: Amount,
        fee_rate: impl Into<FeeRate>,
    ) -> Result<Transaction, WalletError> {
        self.pay_with_fee(to, amount, fee_rate.into())
            .map(|(tx, _)| tx)
    }

    /// As [`Wallet::pay`], also returning the fee: what the selected coins held beyond
    /// the outputs (dust change included), which only the payer knows without a UTXO
    /// lookup.
    pub fn pay_with_fee(
        &mut self,
        to: Vec<u8>,
        amount: Amount,
        fee_rate: impl Into<FeeRate>,
    ) -> Result<(Transaction, Amount), WalletError> {
        let fee_rate: FeeRate = fee_rate.into();
        if amount < DUST {
            return Err(WalletError::DustPayment(amount));
        }
        let mut candidates: Vec<(OutPoint, OwnedCoin)> =
            self.coins.iter().map(|(o, c)| (*o, c.clone())).collect();
        // Largest first; ties by outpoint so selection is deterministic.
        candidates.sort_by(|a, b| b.1.value.cmp(&a.1.value).then(a.0.cmp(&b.0)));

        let mut selected = Vec::new();
        let mut selected_value = Amount::ZERO;
        let fee_for = |inputs: usize, outputs: usize| {
            fee_rate
                .fee(TX_OVERHEAD_BYTES + inputs * P2PKH_INPUT_BYTES + outputs * P2PKH_OUTPUT_BYTES)
        };
        for coin in candidates {
            if selected_value >= amount + fee_for(selected.len(), 2) {
                break;
            }
            selected_value += coin.1.value;
            selected.push(coin);
        }
        let fee_with_change = fee_for(selected.len(), 2);
        let fee_without_change = fee_for(selected.len(), 1);
        if selected_value < amount + fee_without_change {
            return Err(WalletError::InsufficientFunds {
                needed: amount + fee_without_change,
                available: self.balance(),
            });
        }
        let mut outputs = vec![TxOut {
            value: amount,
            script_pubkey: to.into(),
        }];
        let change = selected_value.saturating_sub(amount + fee_with_change);
        if change >= DUST {
            outputs.push(TxOut {
                value: change,
                script_pubkey: self.receive_script().into(),
            });
        }
        let mut tx = Transaction {
            version: 1,
            inputs: selected
                .iter()
                .map(|(outpoint, _)| TxIn {
                    previous_output: *outpoint,
                    script_sig: Vec::new(),
                    sequence: SEQUENCE_FINAL,
                })
                .collect(),
            outputs,
            lock_time: 0,
        };
        for (index, (_, coin)) in selected.iter().enumerate() {
            let key = &self.keys[coin.key];
            tx.inputs[index].script_sig = key.sign_input(&tx, index, &key.script_pubkey());
        }
        for (outpoint, _) in &selected {
            self.coins.remove(outpoint);
        }
        if tx.outputs.len() == 2 {
            self.add_coin(OutPoint::new(tx.txid(), 1), tx.outputs[1].value, 0);
        }
        let fee = selected_value - tx.total_output().expect("outputs within the inputs");
        Ok((tx, fee))
    }
}
