//! Rules a block meets on its own or given only its place in the chain (not the
//! coins): proof of work, size, structure, Merkle root, header context, BIP 34.

use super::{check_transaction, BlockContext, ValidationError};
use crate::ledger::block::{Block, Header};
use crate::ledger::hash::BlockHash;
use crate::ledger::params::ConsensusParams;
use crate::ledger::script;
use crate::ledger::tx::{Transaction, Txid};
use std::collections::HashSet;

/// Rules a block must meet whatever its place in the chain: proof of work against its
/// own bits, size, coinbase placement, Merkle root, and each transaction's own rules.
/// Returns the txids, which every later step needs.
pub fn check_block(block: &Block, params: &ConsensusParams) -> Result<Vec<Txid>, ValidationError> {
    let hash = block.block_hash();
    check_proof_of_work(&block.header, hash)?;
    let size = block.size();
    if size > params.max_block_bytes {
        return Err(ValidationError::BlockTooLarge {
            hash,
            size,
            max: params.max_block_bytes,
        });
    }
    check_structure(block, hash)
}

/// A genesis block is trusted by a node that is built with it, but a chain read back
/// from a file is not: it must meet every context-free rule but the size limit (a
/// scenario's premine can outgrow its block limit, docs/ledger.md), have no parent,
/// and hold only its coinbase (nothing exists yet for another transaction to spend).
pub fn check_genesis(block: &Block) -> Result<Vec<Txid>, ValidationError> {
    let hash = block.block_hash();
    if block.header.prev_blockhash != BlockHash::ZERO {
        return Err(ValidationError::GenesisWithParent {
            hash,
            parent: block.header.prev_blockhash,
        });
    }
    check_proof_of_work(&block.header, hash)?;
    if block.txdata.len() > 1 {
        return Err(ValidationError::GenesisWithTransactions {
            hash,
            count: block.txdata.len(),
        });
    }
    check_structure(block, hash)
}

/// Coinbase placement, Merkle root and each transaction's own rules.
fn check_structure(block: &Block, hash: BlockHash) -> Result<Vec<Txid>, ValidationError> {
    let first = block
        .txdata
        .first()
        .ok_or(ValidationError::EmptyBlock { hash })?;
    if !first.is_coinbase() {
        return Err(ValidationError::FirstNotCoinbase { hash });
    }
    if let Some(index) = block
        .txdata
        .iter()
        .skip(1)
        .position(Transaction::is_coinbase)
    {
        return Err(ValidationError::ExtraCoinbase {
            hash,
            index: index + 1,
        });
    }
    let txids = block.txids();
    let (computed, mutated) = crate::ledger::merkle::merkle_root_checked(&txids);
    if computed != block.header.merkle_root {
        return Err(ValidationError::BadMerkleRoot {
            hash,
            claimed: block.header.merkle_root,
            computed,
        });
    }
    if mutated {
        let mut seen = HashSet::new();
        let txid = *txids
            .iter()
            .find(|t| !seen.insert(**t))
            .unwrap_or(&txids[0]);
        return Err(ValidationError::DuplicateTransaction { hash, txid });
    }
    for (tx, txid) in block.txdata.iter().zip(&txids) {
        check_transaction(tx, *txid)?;
    }
    Ok(txids)
}

pub fn check_proof_of_work(header: &Header, hash: BlockHash) -> Result<(), ValidationError> {
    let target = header
        .bits
        .to_target()
        .map_err(|reason| ValidationError::InvalidBits { hash, reason })?;
    if !target.is_met_by(hash.as_hash()) {
        return Err(ValidationError::HighHash {
            hash,
            bits: header.bits,
        });
    }
    Ok(())
}

/// Header rules that depend on the chain: the difficulty the retarget rule demands and
/// the timestamp window (after the median time past, not too far in the future).
pub fn check_header_context(
    header: &Header,
    hash: BlockHash,
    ctx: &BlockContext,
    params: &ConsensusParams,
) -> Result<(), ValidationError> {
    if header.bits != ctx.expected_bits {
        return Err(ValidationError::WrongBits {
            hash,
            height: ctx.height,
            found: header.bits,
            expected: ctx.expected_bits,
        });
    }
    if header.time <= ctx.median_time_past {
        return Err(ValidationError::TimeTooOld {
            hash,
            time: header.time,
            median_time_past: ctx.median_time_past,
        });
    }
    if header.time > ctx.now.saturating_add(params.max_future_block_time_s) {
        return Err(ValidationError::TimeTooNew {
            hash,
            time: header.time,
            now: ctx.now,
            max_future_s: params.max_future_block_time_s,
        });
    }
    Ok(())
}

/// The coinbase script prefix BIP 34 requires, as Bitcoin Core builds it
/// (`CScript() << nHeight`): OP_0 for 0, the opcodes OP_1 to OP_16 for 1 to 16, and
/// above that a push of the height as a minimal script number.
pub fn coinbase_height_prefix(height: u32) -> Vec<u8> {
    let mut prefix = Vec::with_capacity(5);
    script::push_int(&mut prefix, i64::from(height));
    prefix
}
