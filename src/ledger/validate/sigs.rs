//! Signature checks of a block's inputs, spread over all cores (rayon's pool): the one part of block
//! validation that costs real time (tens of microseconds per input).

use super::ValidationError;
use crate::ledger::keys::SigCache;
use crate::ledger::tx::{Transaction, Txid};

/// Where in a block a rule was checked: (transaction, input, step), step 0 for the
/// coin rules and 1 for the signature, so that the error a sequential validator would
/// report first is the one reported, however the signatures were scheduled.
pub(super) type Position = (usize, usize, u8);

pub(super) struct SigJob<'a> {
    pub(super) position: Position,
    pub(super) tx: &'a Transaction,
    pub(super) txid: Txid,
    pub(super) index: usize,
    pub(super) script: Vec<u8>,
}

/// Verifies `jobs` on all cores; returns the failure at the earliest position.
pub(super) fn verify_signatures(
    jobs: &[SigJob<'_>],
    sigcache: &SigCache,
) -> Option<(Position, ValidationError)> {
    let verify = |chunk: &[SigJob<'_>]| {
        chunk.iter().find_map(|job| {
            sigcache
                .verify(job.tx, job.txid, job.index, &job.script)
                .err()
                .map(|reason| {
                    let err = ValidationError::BadSignature {
                        txid: job.txid,
                        index: job.index,
                        reason,
                    };
                    (job.position, err)
                })
        })
    };
    if jobs.len() < 64 {
        return verify(jobs);
    }
    // On rayon's pool, started once for the process: a block's signatures no longer
    // pay for spawning threads (two per block, hundreds per run, before). Chunks of
    // 64 keep the scheduling cost small next to 64 verifications (~25 us each).
    use rayon::prelude::*;
    jobs.par_chunks(64)
        .filter_map(verify)
        .min_by_key(|(position, _)| *position)
}
