//! Payments between nodes, message by message (`workload.relay: gossip`), as Bitcoin
//! Core relays them: a node that admits a payment queues it for each peer and announces
//! the queue on a Poisson timer (mean `workload.tx_trickle`; 0 announces at once) in one
//! inv; a peer asks in one getdata for the payments it neither holds nor has asked for,
//! and gets them back to back. A payment whose parent a node lacks waits (orphan) until
//! the parent arrives in a payment or a block. Admission is decided once per payment by
//! the real mempool rules (the verdict cached by txid); each node still pays
//! `network.validation_per_tx` per payment before it admits and announces.
//!
//! Light nodes neither ask for nor relay others' payments; a payment made at a light node
//! is announced to its peers.

use super::relay::inventory_bytes;
use super::{Event, World};
use crate::ledger::BlockId;
use crate::sim::rng::{exponential, stream, SimRng};
use crate::sim::{SimTime, NS_PER_S};

/// Each tx message's header.
const TX_MESSAGE_OVERHEAD: usize = 24;

pub(super) struct Gossip {
    /// u64 words per payment in the bit sets below.
    words: usize,
    /// `have[tx * words + node / 64]`: the node holds the payment (admitted, or
    /// confirmed in a block it connected).
    have: Vec<u64>,
    /// The node asked a peer for the payment (or holds it as an orphan) and awaits it.
    asked: Vec<u64>,
    /// Per node, payments admitted since its last announcement, with the peer each came
    /// from (which is not told about it again).
    outbox: Vec<Vec<(u32, u32)>>,
    announcement_due: Vec<bool>,
    /// Per node, payments waiting for a parent, with the peer they came from.
    orphans: Vec<Vec<(u32, u32)>>,
    /// Per payment, the earlier payments it spends.
    parents: Vec<Vec<u32>>,
    /// Per block, its payments (an attacker's own spends are not payments).
    block_payments: Vec<Vec<u32>>,
    /// Per payment, how many full nodes hold it, and the delays from its creation to
    /// 50%, 90% and 100% of them.
    holders: Vec<u32>,
    pub(super) reach: Vec<[Option<SimTime>; 3]>,
    /// Holders that make 50%, 90% and 100% of the full nodes.
    shares: [u32; 3],
    /// Payment lists travelling in inv, getdata and tx messages, reused once consumed.
    lists: Vec<Vec<u32>>,
    free_lists: Vec<u32>,
    trickle_rng: SimRng,
}

impl Gossip {
    pub(super) fn new(seed: u64, nodes: u32, full_nodes: u32) -> Gossip {
        let n = nodes as usize;
        Gossip {
            words: n.div_ceil(64),
            have: Vec::new(),
            asked: Vec::new(),
            outbox: vec![Vec::new(); n],
            announcement_due: vec![false; n],
            orphans: vec![Vec::new(); n],
            parents: Vec::new(),
            block_payments: vec![Vec::new()],
            holders: Vec::new(),
            reach: Vec::new(),
            shares: [0.5, 0.9, 1.0].map(|f: f64| ((f * full_nodes as f64).ceil() as u32).max(1)),
            lists: Vec::new(),
            free_lists: Vec::new(),
            trickle_rng: stream(seed, "tx-trickle", 0),
        }
    }

    fn bit(&self, tx: u32, node: u32) -> (usize, u64) {
        (
            tx as usize * self.words + node as usize / 64,
            1 << (node % 64),
        )
    }

    pub(super) fn has(&self, tx: u32, node: u32) -> bool {
        let (i, b) = self.bit(tx, node);
        self.have[i] & b != 0
    }

    /// Holds the payment or awaits it: an inv for it would be ignored.
    fn knows(&self, tx: u32, node: u32) -> bool {
        let (i, b) = self.bit(tx, node);
        (self.have[i] | self.asked[i]) & b != 0
    }

    fn has_asked(&self, tx: u32, node: u32) -> bool {
        let (i, b) = self.bit(tx, node);
        self.asked[i] & b != 0
    }

    fn set_asked(&mut self, tx: u32, node: u32, on: bool) {
        let (i, b) = self.bit(tx, node);
        if on {
            self.asked[i] |= b;
        } else {
            self.asked[i] &= !b;
        }
    }

    fn store(&mut self, list: Vec<u32>) -> u32 {
        match self.free_lists.pop() {
            Some(id) => {
                self.lists[id as usize] = list;
                id
            }
            None => {
                self.lists.push(list);
                (self.lists.len() - 1) as u32
            }
        }
    }

    fn take(&mut self, id: u32) -> Vec<u32> {
        self.free_lists.push(id);
        std::mem::take(&mut self.lists[id as usize])
    }

    pub(super) fn list_len(&self, id: u32) -> usize {
        self.lists[id as usize].len()
    }

    pub(super) fn block_payments(&self, block: BlockId) -> &[u32] {
        &self.block_payments[block as usize]
    }
}

impl World {
    /// A new payment, with the earlier payments it spends, joins the bit sets.
    pub(super) fn gossip_register(&mut self, parents: Vec<u32>) {
        let Some(g) = &mut self.gossip else { return };
        g.have.extend(std::iter::repeat_n(0, g.words));
        g.asked.extend(std::iter::repeat_n(0, g.words));
        g.parents.push(parents);
        g.holders.push(0);
        g.reach.push([None; 3]);
    }

    /// Called as `block` is mined: remember its payments.
    pub(super) fn gossip_note_block(&mut self, block: BlockId) {
        if self.gossip.is_none() {
            return;
        }
        let payments = self.payments_in(block).collect();
        let g = self.gossip.as_mut().expect("gossip");
        debug_assert_eq!(g.block_payments.len(), block as usize);
        g.block_payments.push(payments);
    }

    /// `node` holds `tx` from `from` (itself when it made the payment): admit it unless
    /// a parent is missing, hand it to the node's miner and queue it for the peers.
    pub(super) fn gossip_admit(&mut self, now: SimTime, node: u32, from: u32, tx: u32) {
        let Some(g) = &mut self.gossip else { return };
        if g.has(tx, node) {
            return;
        }
        if g.parents[tx as usize].iter().any(|&p| !g.has(p, node)) {
            g.set_asked(tx, node, true);
            g.orphans[node as usize].push((tx, from));
            return;
        }
        self.gossip_hold(now, node, tx);
        if let Some(m) = self.miner_of_node[node as usize] {
            if self.miners[m as usize].attacker.is_none() {
                self.miners[m as usize].mempool.push(tx);
            }
        }
        let g = self.gossip.as_mut().expect("gossip");
        g.outbox[node as usize].push((tx, from));
        if !g.announcement_due[node as usize] {
            g.announcement_due[node as usize] = true;
            let mean = crate::sim::to_secs(self.sc.workload.tx_trickle.0);
            let delay = if mean > 0.0 {
                (exponential(&mut g.trickle_rng, mean) * NS_PER_S as f64) as SimTime
            } else {
                0
            };
            self.queue.schedule(now + delay, Event::TxAnnounce { node });
        }
        self.gossip_adopt_orphans(now, node);
    }

    /// Marks `tx` held at `node` and counts how far it has spread.
    fn gossip_hold(&mut self, now: SimTime, node: u32, tx: u32) {
        let light = self.is_light(node);
        let created = self.txs[tx as usize].created;
        let g = self.gossip.as_mut().expect("gossip");
        let (i, b) = g.bit(tx, node);
        g.have[i] |= b;
        g.asked[i] &= !b;
        if light {
            return;
        }
        let holders = &mut g.holders[tx as usize];
        *holders += 1;
        for (slot, &needed) in g.shares.iter().enumerate() {
            if *holders == needed {
                g.reach[tx as usize][slot] = Some(now - created);
            }
        }
    }

    /// Orphans at `node` whose parents it now holds are admitted.
    fn gossip_adopt_orphans(&mut self, now: SimTime, node: u32) {
        loop {
            let g = self.gossip.as_mut().expect("gossip");
            let waiting = &g.orphans[node as usize];
            let Some(pos) = waiting.iter().position(|&(tx, _)| {
                g.parents[tx as usize].iter().all(|&p| g.has(p, node)) || g.has(tx, node)
            }) else {
                return;
            };
            let (tx, from) = g.orphans[node as usize].swap_remove(pos);
            g.set_asked(tx, node, false);
            self.gossip_admit(now, node, from, tx);
        }
    }

    /// A full node connected `block`: its payments are held from now on (they are not
    /// announced: Core relays only unconfirmed payments). A miner keeps them in its
    /// pool in case a reorg returns them, as Core returns a disconnected block's
    /// payments to its mempool.
    pub(super) fn gossip_block_connected(&mut self, now: SimTime, node: u32, block: BlockId) {
        let Some(g) = &self.gossip else { return };
        let payments: Vec<u32> = g
            .block_payments(block)
            .iter()
            .copied()
            .filter(|&tx| !g.has(tx, node))
            .collect();
        if payments.is_empty() {
            return;
        }
        let miner = self.miner_of_node[node as usize]
            .filter(|&m| self.miners[m as usize].attacker.is_none());
        for &tx in &payments {
            self.gossip_hold(now, node, tx);
            if let Some(m) = miner {
                self.miners[m as usize].mempool.push(tx);
            }
        }
        self.gossip_adopt_orphans(now, node);
    }

    /// The announcement timer fired: one inv per peer with what it was not told yet.
    pub(super) fn on_tx_announce(&mut self, now: SimTime, node: u32) {
        let g = self.gossip.as_mut().expect("gossip");
        g.announcement_due[node as usize] = false;
        let outbox = std::mem::take(&mut g.outbox[node as usize]);
        if self.faults.is_down(node) {
            return; // the crash took the queue with the rest of the node's memory
        }
        // As with blocks, entries a peer already holds or awaits change nothing on
        // arrival (without faults a request is always answered); unless every message
        // is simulated they need not travel as events (their bytes still do).
        let skip_known = !self.simulates_every_message();
        for i in 0..self.topo.peers(node).len() {
            let link = self.topo.peers(node)[i];
            let peer = link.peer;
            if self.is_light(peer) {
                continue;
            }
            let told = outbox.iter().filter(|&&(_, from)| from != peer).count();
            if told == 0 {
                continue;
            }
            let at = self.arrival_over(now, node, link, inventory_bytes(told));
            let g = self.gossip.as_mut().expect("gossip");
            let list: Vec<u32> = outbox
                .iter()
                .filter(|&&(tx, from)| from != peer && !(skip_known && g.knows(tx, peer)))
                .map(|&(tx, _)| tx)
                .collect();
            if list.is_empty() {
                continue;
            }
            let list = g.store(list);
            let inv = Event::TxInv {
                to: peer,
                from: node,
                list,
            };
            self.queue.schedule(at, inv);
        }
    }

    /// An inv reached `node`: ask `from` for what it lacks and has not asked for.
    pub(super) fn on_tx_inv(&mut self, now: SimTime, node: u32, from: u32, list: u32) {
        let g = self.gossip.as_mut().expect("gossip");
        let mut wanted = g.take(list);
        wanted.retain(|&tx| !g.has(tx, node) && !g.has_asked(tx, node));
        for &tx in &wanted {
            g.set_asked(tx, node, true);
        }
        if !wanted.is_empty() {
            let list = g.store(wanted);
            self.send_tx_getdata(now, node, from, list);
        }
    }

    fn send_tx_getdata(&mut self, now: SimTime, node: u32, peer: u32, list: u32) {
        let g = self.gossip.as_ref().expect("gossip");
        let bytes = inventory_bytes(g.lists[list as usize].len());
        let at = self.arrival(now, node, peer, bytes);
        let getdata = Event::TxGetData {
            to: peer,
            from: node,
            list,
        };
        self.queue.schedule(at, getdata);
    }

    /// A getdata reached `node`: send the payments back to back; the asker admits them
    /// after validating each.
    pub(super) fn on_tx_getdata(&mut self, now: SimTime, node: u32, asker: u32, list: u32) {
        let g = self.gossip.as_ref().expect("gossip");
        let txs = &g.lists[list as usize];
        let bytes: usize = txs
            .iter()
            .map(|&tx| self.txs[tx as usize].size + TX_MESSAGE_OVERHEAD)
            .sum();
        let validation = self.sc.network.validation_per_tx.0 * txs.len() as u64;
        let at = self.arrival(now, node, asker, bytes);
        let answer = Event::TxData {
            to: asker,
            from: node,
            list,
        };
        self.queue.schedule(at + validation, answer);
    }

    /// Payments asked of `from` reached `node` and were validated.
    pub(super) fn on_tx_data(&mut self, now: SimTime, node: u32, from: u32, list: u32) {
        let txs = self.gossip.as_mut().expect("gossip").take(list);
        for tx in txs {
            let g = self.gossip.as_mut().expect("gossip");
            if g.has(tx, node) || g.orphans[node as usize].iter().any(|&(o, _)| o == tx) {
                continue;
            }
            g.set_asked(tx, node, false);
            self.gossip_admit(now, node, from, tx);
        }
    }

    /// An inv was lost: its list is dropped.
    pub(super) fn gossip_drop(&mut self, list: u32) {
        self.gossip.as_mut().expect("gossip").take(list);
    }

    /// A getdata or its answer was lost: ask again after the loss fault's retry time.
    pub(super) fn tx_retry_later(&mut self, now: SimTime, node: u32, peer: u32, list: u32) {
        let retry = self.retry_delay();
        self.queue
            .schedule(now + retry, Event::TxRetry { node, peer, list });
    }

    pub(super) fn on_tx_retry(&mut self, now: SimTime, node: u32, peer: u32, list: u32) {
        let usable = self.link_usable(node, peer);
        let g = self.gossip.as_mut().expect("gossip");
        let mut wanted = g.take(list);
        wanted.retain(|&tx| !g.has(tx, node) && g.has_asked(tx, node));
        if usable && !wanted.is_empty() {
            let list = g.store(wanted);
            self.send_tx_getdata(now, node, peer, list);
        } else {
            // Cut off: forget the requests; another peer's inv (or a block) brings them.
            for tx in wanted {
                g.set_asked(tx, node, false);
            }
        }
    }
}
