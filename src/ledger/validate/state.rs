//! The rules that need the parent's UTXO set, checked through a [`CoinView`] overlay
//! that lays the block's own outputs and spends over the parent's coins.

use super::sigs::{verify_signatures, SigJob};
use super::tx::check_inputs_with;
use super::{coinbase_height_prefix, BlockContext, CoinView, ValidationError};
use crate::ledger::block::Block;
use crate::ledger::keys::SigCache;
use crate::ledger::params::ConsensusParams;
use crate::ledger::tx::{Amount, OutPoint, Transaction, Txid};
use crate::ledger::utxo::{Coin, FastMap, UtxoSet};
use crate::ledger::BlockHash;
use std::collections::HashSet;

/// The UTXO set as a block sees it while being validated: the parent's coins, plus the
/// outputs of earlier transactions in the block, minus what earlier ones spent.
struct BlockView<'a> {
    base: &'a UtxoSet,
    created: FastMap<OutPoint, Coin>,
    spent: HashSet<OutPoint>,
}

impl CoinView for BlockView<'_> {
    fn coin(&self, outpoint: &OutPoint) -> Option<&Coin> {
        if self.spent.contains(outpoint) {
            return None;
        }
        self.created
            .get(outpoint)
            .or_else(|| self.base.get(outpoint))
    }
}

/// Every rule that needs the parent's UTXO set: BIP 34 height, finality, BIP 30 (no
/// transaction may overwrite unspent outputs), inputs, signatures, and the coinbase
/// limit. Returns the total fees.
// The positioned error is large, but there is at most one per invalid block: boxing it
// would cost an allocation on a path that is never hot.
#[allow(clippy::result_large_err)]
pub fn check_block_against_state(
    block: &Block,
    txids: &[Txid],
    ctx: &BlockContext,
    utxo: &UtxoSet,
    params: &ConsensusParams,
    sigcache: &SigCache,
) -> Result<Amount, ValidationError> {
    let hash = block.block_hash();
    let coinbase = &block.txdata[0];
    if ctx.height > 0
        && !coinbase.inputs[0]
            .script_sig
            .starts_with(&coinbase_height_prefix(ctx.height))
    {
        return Err(ValidationError::CoinbaseHeightMissing {
            hash,
            height: ctx.height,
        });
    }
    let mut view = BlockView {
        base: utxo,
        created: FastMap::default(),
        spent: HashSet::new(),
    };
    let mut fees = Amount::ZERO;
    let mut jobs = Vec::new();
    let sequential = (|| {
        for (position, (tx, &txid)) in block.txdata.iter().zip(txids).enumerate() {
            let checks = (ctx, utxo, params, hash);
            fees += check_in_block(position, tx, txid, checks, &mut view, &mut jobs)?;
        }
        Ok(())
    })();
    let signature_failure = verify_signatures(&jobs, sigcache);
    match (sequential, signature_failure) {
        (Err((at, e)), Some((sig_at, sig_e))) => return Err(if sig_at < at { sig_e } else { e }),
        (Err((_, e)), None) | (Ok(()), Some((_, e))) => return Err(e),
        (Ok(()), None) => {}
    }
    let claimed = coinbase.total_output().unwrap_or(Amount::MAX);
    let allowed = params.block_subsidy(ctx.height) + fees;
    if claimed > allowed {
        return Err(ValidationError::CoinbaseTooLarge {
            hash,
            claimed,
            allowed,
        });
    }
    Ok(fees)
}

/// A block position and what went wrong there, for reporting the first failure.
type Failure = ((usize, usize, u8), ValidationError);

/// One transaction of a block, at `position`, in the order a sequential validator
/// meets its rules: finality, BIP 30, double spends within the block, inputs (their
/// signatures queued in `jobs`). Its outputs join `view`. Returns its fee.
// Large errors, at most one per invalid block (as check_block_against_state).
#[allow(clippy::result_large_err)]
fn check_in_block<'a>(
    position: usize,
    tx: &'a Transaction,
    txid: Txid,
    (ctx, utxo, params, hash): (&BlockContext, &UtxoSet, &ConsensusParams, BlockHash),
    view: &mut BlockView<'_>,
    jobs: &mut Vec<SigJob<'a>>,
) -> Result<Amount, Failure> {
    let fail = |e| Err(((position, 0, 0), e));
    if !tx.is_final(ctx.height, ctx.median_time_past) {
        return fail(ValidationError::NonFinal {
            txid,
            height: ctx.height,
            lock_time: tx.lock_time,
        });
    }
    if (0..tx.outputs.len() as u32).any(|vout| utxo.contains(&OutPoint::new(txid, vout))) {
        return fail(ValidationError::DuplicateTransaction { hash, txid });
    }
    let mut fee = Amount::ZERO;
    if !tx.is_coinbase() {
        if let Some(input) = (tx.inputs.iter()).find(|i| view.spent.contains(&i.previous_output)) {
            return fail(ValidationError::DoubleSpendInBlock {
                txid,
                outpoint: input.previous_output,
            });
        }
        fee = check_inputs_with(tx, txid, &*view, ctx.height, params, |index, script| {
            jobs.push(SigJob {
                position: (position, index, 1),
                tx,
                txid,
                index,
                script: script.to_vec(),
            });
            Ok(())
        })
        .map_err(|(input, e)| ((position, input, 0), e))?;
        (view.spent).extend(tx.inputs.iter().map(|i| i.previous_output));
    }
    for (vout, output) in tx.outputs.iter().enumerate() {
        view.created.insert(
            OutPoint::new(txid, vout as u32),
            Coin {
                output: output.clone(),
                height: ctx.height,
                is_coinbase: tx.is_coinbase(),
            },
        );
    }
    Ok(fee)
}
