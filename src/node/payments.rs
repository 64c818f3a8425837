//! The workload's payments, made ahead on a thread of their own.
//!
//! Which wallet pays which, how much, from which node and when depend only on the
//! workload's random stream and the wallets' own coins (a payee's coin is credited when
//! the payment is made, not when it confirms), never on the network. So the whole
//! sequence can be produced ahead of the event loop: signing every input (and, where
//! nodes admit payments one by one, verifying it into the shared signature cache), the
//! costs that dominate runs with payments, overlap with the simulation instead of
//! adding to it. The cache keeps successes only,
//! so a payment verified here or later gets the same verdict; results are identical to
//! making each payment when its event fires.

use crate::ledger::keys::SigCache;
use crate::ledger::{Amount, OutPoint, Transaction, Wallet, COIN};
use crate::net::NodeId;
use crate::sim::rng::{exponential, SimRng};
use crate::sim::SimTime;
use rand::Rng;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::thread::JoinHandle;

/// Payments made ahead and not yet taken: enough to keep the thread busy while the
/// event loop catches up, little enough not to matter in memory.
const AHEAD: usize = 4096;

/// One payment, and the delay to the next one.
pub struct Tick {
    /// `None` when the paying wallet was out of money (nothing is offered then).
    pub payment: Option<Payment>,
    pub next_in: SimTime,
}

pub struct Payment {
    pub txid: crate::ledger::Txid,
    pub payer: u32,
    pub payee: u32,
    pub amount: Amount,
    pub tx: Transaction,
    pub fee: Amount,
    /// The node where the payment enters the network.
    pub origin: NodeId,
}

/// What the workload draws from, moved to its thread.
pub struct Workload {
    pub wallets: Vec<Wallet>,
    pub rng: SimRng,
    pub tx_rate: f64,
    /// Fee rate in sat/byte, drawn uniformly from this range per payment.
    pub fee_rate: (u64, u64),
    pub nodes: u32,
    /// Verify each payment's signatures into the cache too: worth it when nodes admit
    /// payments one by one on the event loop (gossip). Otherwise the block carrying a
    /// payment verifies it on all cores, faster than this one thread could.
    pub verify_ahead: bool,
}

pub struct PaymentFeed {
    ticks: Option<Receiver<Tick>>,
    thread: Option<JoinHandle<()>>,
}

impl Workload {
    fn delay(&mut self) -> SimTime {
        let mean = 1.0 / self.tx_rate;
        SimTime::from_secs_f64(exponential(&mut self.rng, mean)).max(SimTime(1))
    }

    /// A random wallet pays a random other wallet between 0.01 and 1 coin.
    fn next_payment(&mut self, sigcache: &SigCache) -> Option<Payment> {
        let n = self.wallets.len() as u32;
        let payer = self.rng.random_range(0..n);
        let payee = (payer + self.rng.random_range(1..n)) % n;
        let amount = Amount(self.rng.random_range(COIN.0 / 100..=COIN.0));
        let fee_rate = match self.fee_rate {
            // A fixed rate draws nothing, so fixed-fee runs keep their random sequence.
            (min, max) if min == max => min,
            (min, max) => self.rng.random_range(min..=max),
        };
        let to = self.wallets[payee as usize].receive_script();
        let spent_script = self.wallets[payer as usize].receive_script();
        let (tx, fee) = self.wallets[payer as usize]
            .pay_with_fee(to, amount, crate::ledger::FeeRate(fee_rate))
            .ok()?;
        let txid = tx.txid();
        self.wallets[payee as usize].add_coin(OutPoint::new(txid, 0), amount, 0);
        // Workload coins are all locked to the payer's receiving script; a failure here
        // caches nothing and the mempool or the block finds the fault itself.
        if self.verify_ahead {
            for index in 0..tx.inputs.len() {
                let _ = sigcache.verify(&tx, txid, index, &spent_script);
            }
        }
        let origin = NodeId(self.rng.random_range(0..self.nodes));
        Some(Payment {
            txid,
            payer,
            payee,
            amount,
            tx,
            fee,
            origin,
        })
    }
}

impl PaymentFeed {
    /// Starts the thread; returns the delay to the first payment and the feed.
    pub fn start(mut workload: Workload, sigcache: Arc<SigCache>) -> (SimTime, PaymentFeed) {
        let first = workload.delay();
        let (send, ticks) = sync_channel(AHEAD);
        let thread = std::thread::Builder::new()
            .name("payments".into())
            .spawn(move || loop {
                let payment = workload.next_payment(&sigcache);
                let next_in = workload.delay();
                if send.send(Tick { payment, next_in }).is_err() {
                    return; // the run is over
                }
            })
            .expect("spawn the payments thread");
        let feed = PaymentFeed {
            ticks: Some(ticks),
            thread: Some(thread),
        };
        (first, feed)
    }

    pub fn take(&mut self) -> Tick {
        match self.ticks.as_ref().map(Receiver::recv) {
            Some(Ok(tick)) => tick,
            // The thread only stops when the feed is dropped, or when it panicked.
            _ => panic!("the payments thread stopped: see its panic above"),
        }
    }
}

impl Drop for PaymentFeed {
    fn drop(&mut self) {
        // Closing the channel ends the thread at its next send.
        self.ticks.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
