//! Which node holds which payment, two bits per payment per node, and how far each
//! payment has spread.

use super::super::super::ids::PaymentId;
use crate::net::NodeId;
use crate::sim::SimTime;

pub struct Holding {
    /// u64 words per payment in the bit sets below.
    words: usize,
    /// `have[tx * words + node / 64]`: the node holds the payment (admitted, or
    /// confirmed in a block it connected).
    have: Vec<u64>,
    /// The node asked a peer for the payment (or holds it as an orphan) and awaits it.
    asked: Vec<u64>,
    /// Per payment, how many full nodes hold it, and the delays from its creation to
    /// 50%, 90% and 100% of them.
    holders: Vec<u32>,
    reach: Vec<[Option<SimTime>; 3]>,
    /// Holders that make 50%, 90% and 100% of the full nodes.
    shares: [u32; 3],
}

impl Holding {
    pub fn new(nodes: usize, full_nodes: u32) -> Self {
        Holding {
            words: nodes.div_ceil(64),
            have: Vec::new(),
            asked: Vec::new(),
            holders: Vec::new(),
            reach: Vec::new(),
            shares: [0.5, 0.9, 1.0]
                .map(|f: f64| ((f * f64::from(full_nodes)).ceil() as u32).max(1)),
        }
    }

    /// A new payment joins the bit sets.
    pub fn register(&mut self) {
        self.have.extend(std::iter::repeat_n(0, self.words));
        self.asked.extend(std::iter::repeat_n(0, self.words));
        self.holders.push(0);
        self.reach.push([None; 3]);
    }

    fn bit(&self, tx: PaymentId, node: NodeId) -> (usize, u64) {
        (
            tx.index() * self.words + node.index() / 64,
            1 << (node.0 % 64),
        )
    }

    pub fn has(&self, tx: PaymentId, node: NodeId) -> bool {
        let (i, b) = self.bit(tx, node);
        self.have[i] & b != 0
    }

    /// Holds the payment or awaits it: an inv for it would be ignored.
    pub fn knows(&self, tx: PaymentId, node: NodeId) -> bool {
        let (i, b) = self.bit(tx, node);
        (self.have[i] | self.asked[i]) & b != 0
    }

    pub fn has_asked(&self, tx: PaymentId, node: NodeId) -> bool {
        let (i, b) = self.bit(tx, node);
        self.asked[i] & b != 0
    }

    pub fn set_asked(&mut self, tx: PaymentId, node: NodeId, on: bool) {
        let (i, b) = self.bit(tx, node);
        if on {
            self.asked[i] |= b;
        } else {
            self.asked[i] &= !b;
        }
    }

    /// `node` holds `tx` from now on, `age` after it was made; a full node counts
    /// towards the payment's spread.
    pub fn hold(&mut self, tx: PaymentId, node: NodeId, full: bool, age: SimTime) {
        let (i, b) = self.bit(tx, node);
        self.have[i] |= b;
        self.asked[i] &= !b;
        if !full {
            return;
        }
        let holders = &mut self.holders[tx.index()];
        *holders += 1;
        for (slot, &needed) in self.shares.iter().enumerate() {
            if *holders == needed {
                self.reach[tx.index()][slot] = Some(age);
            }
        }
    }

    pub fn take_reach(&mut self) -> Vec<[Option<SimTime>; 3]> {
        std::mem::take(&mut self.reach)
    }
}
