//! The transaction workload: wallets paying each other at a Poisson rate (made ahead
//! on their own thread, `payments`), each payment entering the network at its origin.

use super::event::Event;
use super::ids::PaymentId;
use super::network::Network;
use super::payments::Payment;
use crate::ledger::{Amount, Transaction};
use crate::net::NodeId;
use crate::sim::SimTime;

impl Network {
    /// The next payment of the workload enters the network, and the one after is
    /// scheduled. A wallet out of money offers nothing: the offered load counts real
    /// payments only.
    pub(super) fn make_payment(&mut self, now: SimTime) {
        let (_, feed) = self.feed.as_mut().expect("a workload");
        let tick = feed.take();
        if let Some(p) = tick.payment {
            self.offer(now, p);
        }
        self.q.schedule_in(tick.next_in, Event::NewPayment);
    }

    fn offer(&mut self, now: SimTime, mut p: Payment) {
        // A wallet whose node has not joined yet pays from the next node that is there
        // (the workload's draws stay as they were). Ends: miners' nodes never leave.
        let faults = &self.core.transport.faults;
        while faults.is_absent(p.origin) {
            p.origin = NodeId((p.origin.0 + 1) % self.core.views.nodes());
        }
        let txid = p.txid;
        if let Some(owner) = self.core.nodes.wallet_owner(p.payee) {
            self.core.pays.watch(txid, owner);
        }
        self.core
            .rec
            .trace(now, Some(p.origin), "tx-created", None, || {
                format!(
                    "{txid}: wallet {} pays wallet {} {} sat",
                    p.payer, p.payee, p.amount
                )
            });
        self.broadcast(now, p.origin, p.tx, p.fee);
    }

    /// A new payment enters the network at `origin`, if the payment relay admits it
    /// (wallets make valid payments; a conflicting spend would be refused and traced).
    pub(super) fn broadcast(
        &mut self,
        now: SimTime,
        origin: NodeId,
        tx: Transaction,
        fee: Amount,
    ) -> PaymentId {
        let txid = tx.txid();
        let verdict = self.txs.admit(&mut self.core, &tx, origin);
        let id = self.core.pays.add(tx, txid, origin, fee, now);
        match verdict {
            Err(e) => self
                .core
                .rec
                .trace(now, Some(origin), "tx-rejected", None, || e),
            Ok(()) => self.txs.offer(&mut self.core, &mut self.q, now, origin, id),
        }
        id
    }
}
