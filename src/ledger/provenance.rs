//! Coin provenance: the "life history" of a coin — the transactions it descends from
//! and the coinbases whose newly created value it ultimately carries.

use super::chain::BlockTree;
use super::tx::{OutPoint, Txid};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProvenanceError {
    #[error("no block in the tree contains transaction {0}")]
    UnknownTransaction(Txid),
    #[error("transaction {txid} has no output {vout}")]
    NoSuchOutput { txid: Txid, vout: u32 },
}

/// One transaction on a coin's path and the outpoints it spent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryStep {
    pub txid: Txid,
    pub height: u32,
    pub is_coinbase: bool,
    pub spent: Vec<OutPoint>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    pub coin: OutPoint,
    /// The coinbase outputs at the roots of the history.
    pub coinbases: BTreeSet<OutPoint>,
    /// Every transaction on the way, the coin's own first, then by distance (BFS).
    pub steps: Vec<HistoryStep>,
}

/// Traces `coin` back through every input of every ancestor transaction. Each
/// transaction is visited once, so shared ancestry does not blow up the walk.
pub fn trace(tree: &BlockTree, coin: OutPoint) -> Result<Provenance, ProvenanceError> {
    let (_, tx) = tree
        .locate_tx(&coin.txid)
        .ok_or(ProvenanceError::UnknownTransaction(coin.txid))?;
    if coin.vout as usize >= tx.outputs.len() {
        return Err(ProvenanceError::NoSuchOutput {
            txid: coin.txid,
            vout: coin.vout,
        });
    }
    let mut coinbases = BTreeSet::new();
    let mut steps = Vec::new();
    let mut visited: BTreeMap<Txid, ()> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([coin]);
    while let Some(outpoint) = queue.pop_front() {
        if visited.insert(outpoint.txid, ()).is_some() {
            if tree
                .locate_tx(&outpoint.txid)
                .is_some_and(|(_, tx)| tx.is_coinbase())
            {
                coinbases.insert(outpoint);
            }
            continue;
        }
        let (block, tx) = tree
            .locate_tx(&outpoint.txid)
            .ok_or(ProvenanceError::UnknownTransaction(outpoint.txid))?;
        let is_coinbase = tx.is_coinbase();
        let spent: Vec<OutPoint> = if is_coinbase {
            coinbases.insert(outpoint);
            Vec::new()
        } else {
            tx.inputs.iter().map(|i| i.previous_output).collect()
        };
        queue.extend(spent.iter().copied());
        steps.push(HistoryStep {
            txid: outpoint.txid,
            height: tree.entry(block).height,
            is_coinbase,
            spent,
        });
    }
    Ok(Provenance {
        coin,
        coinbases,
        steps,
    })
}
