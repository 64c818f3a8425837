//! The transaction workload: wallets paying each other at a Poisson rate.

use super::{Event, TxRecord, World};
use crate::ledger::{Amount, OutPoint, Transaction, COIN};
use crate::sim::rng::exponential;
use crate::sim::{SimTime, NS_PER_S};
use rand::Rng;
use std::sync::Arc;

impl World {
    pub(super) fn schedule_next_tx(&mut self) {
        let mean = 1.0 / self.sc.workload.tx_rate.0;
        let delay = (exponential(&mut self.workload_rng, mean) * NS_PER_S as f64) as SimTime;
        self.queue.schedule_in(delay.max(1), Event::NewTx);
    }

    /// A random wallet pays a random other wallet between 0.01 and 1 coin.
    pub(super) fn create_tx(&mut self, now: SimTime) {
        let n = self.wallets.len() as u32;
        let payer = self.workload_rng.random_range(0..n);
        let payee = (payer + self.workload_rng.random_range(1..n)) % n;
        let amount = self.workload_rng.random_range(COIN / 100..=COIN);
        let to = self.wallets[payee as usize].receive_script();
        let Ok((tx, fee)) =
            self.wallets[payer as usize].pay_with_fee(to, amount, self.sc.workload.fee_rate)
        else {
            return; // this wallet is out of money; the offered load counts only real payments
        };
        let txid = tx.txid();
        self.wallets[payee as usize].add_coin(OutPoint::new(txid, 0), amount, 0);
        let origin = self.workload_rng.random_range(0..self.tips.len() as u32);
        if let Some(owner) = self.wallet_owner(payee) {
            self.watched.insert(txid, owner);
        }
        self.trace(now, Some(origin), "tx-created", None, || {
            format!("{txid}: wallet {payer} pays wallet {payee} {amount} sat")
        });
        self.broadcast_tx(now, origin, tx, fee);
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
