//! The transaction workload: wallets paying each other at a Poisson rate.

use super::{Event, TxRecord, World};
use crate::ledger::{Amount, BlockId, Transaction};
use crate::sim::SimTime;
use std::sync::Arc;

impl World {
    /// The next payment of the workload enters the network, and the one after is
    /// scheduled.
    pub(super) fn make_payment(&mut self, now: SimTime) {
        let (_, feed) = self.payments.as_mut().expect("a workload");
        let tick = feed.take();
        if let Some(p) = tick.payment {
            self.offer(now, p);
        }
        self.queue.schedule_in(tick.next_in, Event::NewTx);
    }

    /// A wallet out of money offers nothing (`payment: None` above): the offered load
    /// counts real payments only.
    fn offer(&mut self, now: SimTime, p: crate::node::payments::Payment) {
        let txid = p.txid;
        if let Some(owner) = self.wallet_owner(p.payee) {
            self.watched.insert(txid, owner);
        }
        self.trace(now, Some(p.origin), "tx-created", None, || {
            format!(
                "{txid}: wallet {} pays wallet {} {} sat",
                p.payer, p.payee, p.amount
            )
        });
        self.broadcast_tx(now, p.origin, p.tx, p.fee);
    }

    /// The workload's payments in `block`, by index (an attacker's own spends are in
    /// no index).
    pub(super) fn payments_in(&self, block: BlockId) -> impl Iterator<Item = u32> + '_ {
        let txids = &self.tree.entry(block).txids;
        txids
            .iter()
            .skip(1)
            .filter_map(|txid| self.tx_index.get(txid).copied())
    }

    /// The light node holding wallet `w`, if light nodes hold wallets: wallets are
    /// dealt round-robin over the light nodes.
    fn wallet_owner(&self, w: u32) -> Option<u32> {
        let light = &self.light_list;
        (!light.is_empty()).then(|| light[w as usize % light.len()])
    }

    /// A new payment enters the network at `origin` and travels by gossip (admitted
    /// first by the mempool rules) or along the fastest paths to each honest miner
    /// (attackers keep their own templates). Returns its index.
    pub(super) fn broadcast_tx(
        &mut self,
        now: SimTime,
        origin: u32,
        tx: Transaction,
        fee: Amount,
    ) -> u32 {
        let index = self.txs.len() as u32;
        let txid = tx.txid();
        if self.tx_horizon.is_some() || self.gossip.is_some() {
            self.tx_index.insert(txid, index);
        }
        self.txs.push(TxRecord {
            txid,
            created: now,
            origin,
            fee,
            size: tx.size(),
        });
        // Gossiping nodes admit payments by the mempool rules, judged once, at the
        // origin's tip (the tree's best block can be an attacker's private one). Along
        // shortest paths nothing is relayed node by node, and the block that carries a
        // payment verifies it (in parallel, where admission is serial).
        let mut verdict = Ok(fee);
        if self.gossip.is_some() {
            let tip = self.tips[origin as usize];
            verdict = self.tree.admit_to_mempool(&mut self.mempool, &tx, tip);
            let parents = tx
                .inputs
                .iter()
                .filter_map(|i| self.tx_index.get(&i.previous_output.txid).copied())
                .collect();
            self.gossip_register(parents);
        }
        self.tx_bodies.push(Arc::new(tx));
        if let Err(e) = verdict {
            // Not relayed. Wallets make valid payments; a conflicting spend would land here.
            self.trace(now, Some(origin), "tx-rejected", None, || e.to_string());
            return index;
        }
        if self.gossip.is_some() {
            self.gossip_admit(now, origin, origin, index);
            return index;
        }
        for m in 0..self.miners.len() {
            if self.miners[m].attacker.is_some() {
                continue;
            }
            let d = self.payment_delays[m][origin as usize];
            self.queue.schedule(
                now + d,
                Event::TxAtMiner {
                    miner: m as u32,
                    tx: index,
                },
            );
        }
        index
    }
}
