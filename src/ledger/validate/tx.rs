//! Transaction rules: those a transaction must meet alone (Core's `CheckTransaction`)
//! and those its inputs must meet against the coins they spend (`CheckTxInputs` plus
//! the signature check).

use super::{CoinView, ValidationError};
use crate::ledger::keys::SigCache;
use crate::ledger::params::ConsensusParams;
use crate::ledger::tx::{Amount, Transaction, Txid, MAX_MONEY};
use std::collections::HashSet;

/// Rules a transaction must meet whatever the chain state, in Bitcoin Core's order.
pub fn check_transaction(tx: &Transaction, txid: Txid) -> Result<(), ValidationError> {
    if tx.inputs.is_empty() {
        return Err(ValidationError::NoInputs { txid });
    }
    if tx.outputs.is_empty() {
        return Err(ValidationError::NoOutputs { txid });
    }
    // Core checks each value, then the running total, against MoneyRange. Each value is
    // at most MAX_MONEY before it is added, so the total cannot wrap.
    let mut total = Amount::ZERO;
    for (index, out) in tx.outputs.iter().enumerate() {
        if out.value > MAX_MONEY {
            return Err(ValidationError::OutputTooLarge {
                txid,
                index,
                value: out.value,
            });
        }
        total += out.value;
        if total > MAX_MONEY {
            return Err(ValidationError::OutputTotalTooLarge { txid });
        }
    }
    if tx.is_coinbase() {
        let len = tx.inputs[0].script_sig.len();
        if !(2..=100).contains(&len) {
            return Err(ValidationError::BadCoinbaseScriptLength { txid, len });
        }
        return Ok(());
    }
    let mut seen = HashSet::with_capacity(tx.inputs.len());
    for (index, input) in tx.inputs.iter().enumerate() {
        if input.previous_output.is_null() {
            return Err(ValidationError::NullInput { txid, index });
        }
        if !seen.insert(input.previous_output) {
            return Err(ValidationError::DuplicateInput {
                txid,
                outpoint: input.previous_output,
            });
        }
    }
    Ok(())
}

/// Checks a non-coinbase transaction's inputs against `view` for inclusion at
/// `spend_height`: they exist, coinbases are mature, signatures verify, and no value is
/// created. Returns the fee.
pub fn check_tx_inputs(
    tx: &Transaction,
    txid: Txid,
    view: &impl CoinView,
    spend_height: u32,
    params: &ConsensusParams,
    sigcache: &SigCache,
) -> Result<Amount, ValidationError> {
    check_inputs_with(tx, txid, view, spend_height, params, |index, script| {
        sigcache
            .verify(tx, txid, index, script)
            .map_err(|reason| ValidationError::BadSignature {
                txid,
                index,
                reason,
            })
    })
    .map_err(|(_, e)| e)
}

/// The input rules in Bitcoin's order, input by input, with the signature check left
/// to `check_signature` so that a block can defer its signatures and verify them in
/// parallel. Errors carry the input they arose at (`usize::MAX` for the value rule,
/// which comes after every input).
pub(super) fn check_inputs_with(
    tx: &Transaction,
    txid: Txid,
    view: &impl CoinView,
    spend_height: u32,
    params: &ConsensusParams,
    mut check_signature: impl FnMut(usize, &[u8]) -> Result<(), ValidationError>,
) -> Result<Amount, (usize, ValidationError)> {
    let mut inputs = Amount::ZERO;
    for (index, input) in tx.inputs.iter().enumerate() {
        let outpoint = input.previous_output;
        let fail = |e| Err((index, e));
        let Some(coin) = view.coin(&outpoint) else {
            return fail(ValidationError::MissingOrSpentInput {
                txid,
                index,
                outpoint,
            });
        };
        if coin.is_coinbase {
            let confirmations = spend_height.saturating_sub(coin.height);
            if confirmations < params.coinbase_maturity {
                return fail(ValidationError::ImmatureCoinbaseSpend {
                    txid,
                    outpoint,
                    confirmations,
                    required: params.coinbase_maturity,
                });
            }
        }
        // Core's MoneyRange on the coin and on the running sum (bad-txns-inputvalues-
        // outofrange). Both at most MAX_MONEY before the addition: no wrap.
        if coin.output.value > MAX_MONEY {
            return fail(ValidationError::InputValueOutOfRange { txid, index });
        }
        inputs += coin.output.value;
        if inputs > MAX_MONEY {
            return fail(ValidationError::InputValueOutOfRange { txid, index });
        }
        check_signature(index, &coin.output.script_pubkey).map_err(|e| (index, e))?;
    }
    // check_transaction bounds the outputs' total by MAX_MONEY; a transaction that
    // skipped it still cannot wrap the sum.
    let outputs = tx.total_output().unwrap_or(Amount::MAX);
    if outputs > inputs {
        return Err((
            usize::MAX,
            ValidationError::ValueCreated {
                txid,
                inputs,
                outputs,
            },
        ));
    }
    Ok(inputs - outputs)
}
