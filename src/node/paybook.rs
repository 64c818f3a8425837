//! The payments made in a run, in the order they were made: what the results keep of
//! each, the transactions themselves, and where to find them by txid.

use super::ids::PaymentId;
use crate::ledger::{Amount, BlockId, BlockTree, Transaction, Txid};
use crate::net::NodeId;
use crate::sim::SimTime;
use std::collections::HashMap;
use std::sync::Arc;

pub struct TxRecord {
    pub txid: Txid,
    pub created: SimTime,
    pub origin: NodeId,
    pub fee: Amount,
    pub size: usize,
}

pub struct Paybook {
    pub records: Vec<TxRecord>,
    /// The payments themselves, parallel to `records`.
    bodies: Vec<Arc<Transaction>>,
    /// Position of each payment, kept where relay needs it (gossip, and compact blocks
    /// on shortest paths), which find a block's payments and a payment's parents.
    index: Option<HashMap<Txid, PaymentId>>,
    /// Payments to a light node's wallet, by the light node that watches them.
    watched: HashMap<Txid, NodeId>,
}

impl Paybook {
    pub fn new(indexed: bool) -> Self {
        Paybook {
            records: Vec::new(),
            bodies: Vec::new(),
            index: indexed.then(HashMap::new),
            watched: HashMap::new(),
        }
    }

    pub fn record(&self, tx: PaymentId) -> &TxRecord {
        &self.records[tx.index()]
    }

    pub fn body(&self, tx: PaymentId) -> &Arc<Transaction> {
        &self.bodies[tx.index()]
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Adds a payment made at `origin` at `now`; returns its id.
    pub fn add(
        &mut self,
        tx: Transaction,
        txid: Txid,
        origin: NodeId,
        fee: Amount,
        now: SimTime,
    ) -> PaymentId {
        let id = PaymentId(self.records.len() as u32);
        if let Some(index) = &mut self.index {
            index.insert(txid, id);
        }
        self.records.push(TxRecord {
            txid,
            created: now,
            origin,
            fee,
            size: tx.size(),
        });
        self.bodies.push(Arc::new(tx));
        id
    }

    pub fn find(&self, txid: &Txid) -> Option<PaymentId> {
        self.index.as_ref()?.get(txid).copied()
    }

    /// The payments in `block`, by id (an attacker's own spends are no payments).
    pub fn in_block<'a>(
        &'a self,
        tree: &'a BlockTree,
        block: BlockId,
    ) -> impl Iterator<Item = PaymentId> + 'a {
        tree.entry(block)
            .txids
            .iter()
            .skip(1)
            .filter_map(|txid| self.find(txid))
    }

    pub fn watch(&mut self, txid: Txid, light_node: NodeId) {
        self.watched.insert(txid, light_node);
    }

    /// The light node watching the payment with this txid, if any.
    pub fn watcher(&self, txid: &Txid) -> Option<NodeId> {
        self.watched.get(txid).copied()
    }

    pub fn into_records(self) -> Vec<TxRecord> {
        self.records
    }
}
