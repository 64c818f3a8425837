//! Payments between nodes, message by message, as Bitcoin Core relays them: a node that
//! admits a payment queues it for each peer and announces the queue on a Poisson timer
//! (mean `workload.tx_trickle`; 0 announces at once) in one inv; a peer asks in one
//! getdata for the payments it neither holds nor has asked for, and gets them back to
//! back. A payment whose parent a node lacks waits (orphan) until the parent arrives in
//! a payment or a block. Admission is decided once per payment by the real mempool
//! rules (the verdict cached by txid); each node still pays
//! `network.validation_per_tx` per payment before it admits and announces.
//!
//! Light nodes neither ask for nor relay others' payments; a payment made at a light
//! node is announced to its peers.

use super::super::core::Core;
use super::super::event::{Event, Msg, UNTRACKED};
use super::super::ids::{ListId, PaymentId};
use super::super::plan::TxRelayKind;
use super::TxRelay;
use crate::ledger::mempool::Mempool;
use crate::ledger::{BlockId, Transaction};
use crate::net::{wire, NodeId, Traffic};
use crate::sim::rng::{exponential, stream, SimRng};
use crate::sim::{EventQueue, SimTime};

mod holding;
mod lists;

use holding::Holding;
use lists::Lists;

pub struct Gossip {
    holding: Holding,
    /// Per node, payments admitted since its last announcement, with the peer each came
    /// from (which is not told about it again).
    outbox: Vec<Vec<(PaymentId, NodeId)>>,
    announcement_due: Vec<bool>,
    /// Per node, payments waiting for a parent, with the peer they came from.
    orphans: Vec<Vec<(PaymentId, NodeId)>>,
    /// Per payment, the earlier payments it spends.
    parents: Vec<Vec<PaymentId>>,
    /// Per block, its payments (an attacker's own spends are not payments).
    block_payments: Vec<Vec<PaymentId>>,
    lists: Lists,
    trickle_rng: SimRng,
    /// Admission verdicts for every payment made, decided once at its origin.
    mempool: Mempool,
}

impl Gossip {
    pub fn new(seed: u64, core: &Core) -> Gossip {
        let n = core.nodes.len() as usize;
        let full_nodes = n - core.nodes.light_nodes().len();
        Gossip {
            holding: Holding::new(n, full_nodes as u32),
            outbox: vec![Vec::new(); n],
            announcement_due: vec![false; n],
            orphans: vec![Vec::new(); n],
            parents: Vec::new(),
            block_payments: vec![Vec::new()],
            lists: Lists::default(),
            trickle_rng: stream(seed, "tx-trickle", 0),
            mempool: Mempool::new(),
        }
    }

    /// `node` holds `tx` from `from` (itself when it made the payment): admit it unless
    /// a parent is missing, hand it to the node's miner and queue it for the peers.
    fn admit_at(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        (node, from): (NodeId, NodeId),
        tx: PaymentId,
    ) {
        if self.holding.has(tx, node) {
            return;
        }
        if self.parents[tx.index()]
            .iter()
            .any(|&p| !self.holding.has(p, node))
        {
            self.holding.set_asked(tx, node, true);
            self.orphans[node.index()].push((tx, from));
            return;
        }
        self.hold(core, now, node, tx);
        if let Some(m) = core.nodes.honest_miner_at(node) {
            core.pools[m.index()].push(tx);
        }
        self.outbox[node.index()].push((tx, from));
        if !self.announcement_due[node.index()] {
            self.announcement_due[node.index()] = true;
            let mean = core.plan.workload.tx_trickle.secs();
            let delay = if mean > 0.0 {
                SimTime::from_secs_f64(exponential(&mut self.trickle_rng, mean))
            } else {
                SimTime::ZERO
            };
            q.schedule(now + delay, Event::TxAnnounce { node });
        }
        self.adopt_orphans(core, q, now, node);
    }

    /// Marks `tx` held at `node` and counts how far it has spread.
    fn hold(&mut self, core: &Core, now: SimTime, node: NodeId, tx: PaymentId) {
        let created = core.pays.record(tx).created;
        self.holding
            .hold(tx, node, !core.nodes.is_light(node), now - created);
    }

    /// Orphans at `node` whose parents it now holds are admitted.
    fn adopt_orphans(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        node: NodeId,
    ) {
        loop {
            let (holding, parents) = (&self.holding, &self.parents);
            let Some(pos) = self.orphans[node.index()].iter().position(|&(tx, _)| {
                parents[tx.index()].iter().all(|&p| holding.has(p, node)) || holding.has(tx, node)
            }) else {
                return;
            };
            let (tx, from) = self.orphans[node.index()].swap_remove(pos);
            self.holding.set_asked(tx, node, false);
            self.admit_at(core, q, now, (node, from), tx);
        }
    }

    fn send_getdata(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        (node, peer): (NodeId, NodeId),
        list: ListId,
    ) {
        let bytes = wire::inventory_bytes(self.lists.len(list));
        let at = core
            .transport
            .send(now, node, peer, bytes, Traffic::Control);
        let msg = Msg::TxGetData(list);
        q.schedule(
            at,
            Event::Wire {
                from: node,
                to: peer,
                msg,
                slot: UNTRACKED,
            },
        );
    }

    /// A getdata or its answer was lost: ask again after the loss fault's retry time.
    fn retry_later(
        core: &Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        (node, peer): (NodeId, NodeId),
        list: ListId,
    ) {
        let retry = core.transport.faults.retry_delay();
        q.schedule(now + retry, Event::TxRetry { node, peer, list });
    }
}

impl TxRelay for Gossip {
    fn kind(&self) -> TxRelayKind {
        TxRelayKind::Gossip
    }

    fn admit(&mut self, core: &mut Core, tx: &Transaction, origin: NodeId) -> Result<(), String> {
        let tip = core.views.tip(origin);
        let verdict = core.tree.admit_to_mempool(&mut self.mempool, tx, tip);
        self.register_unrelayed(core, tx);
        verdict.map(|_| ()).map_err(|e| e.to_string())
    }

    fn register_unrelayed(&mut self, core: &mut Core, tx: &Transaction) {
        let parents = tx
            .inputs
            .iter()
            .filter_map(|i| core.pays.find(&i.previous_output.txid))
            .collect();
        self.parents.push(parents);
        self.holding.register();
    }

    fn offer(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        origin: NodeId,
        tx: PaymentId,
    ) {
        self.admit_at(core, q, now, (origin, origin), tx);
    }

    fn block_mined(&mut self, core: &Core, block: BlockId, _now: SimTime) {
        debug_assert_eq!(self.block_payments.len(), block.index());
        self.block_payments
            .push(core.pays.in_block(&core.tree, block).collect());
    }

    /// Its payments are held from now on (they are not announced: Core relays only
    /// unconfirmed payments). A miner keeps them in its pool in case a reorg returns
    /// them, as Core returns a disconnected block's payments to its mempool.
    fn block_connected(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        node: NodeId,
        block: BlockId,
    ) {
        let payments: Vec<PaymentId> = self.block_payments[block.index()]
            .iter()
            .copied()
            .filter(|&tx| !self.holding.has(tx, node))
            .collect();
        if payments.is_empty() {
            return;
        }
        let miner = core.nodes.honest_miner_at(node);
        for &tx in &payments {
            self.hold(core, now, node, tx);
            if let Some(m) = miner {
                core.pools[m.index()].push(tx);
            }
        }
        self.adopt_orphans(core, q, now, node);
    }

    fn receive(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        (from, to): (NodeId, NodeId),
        msg: Msg,
    ) {
        match msg {
            Msg::TxInv(list) => {
                // Ask `from` for what the node lacks and has not asked for.
                let mut wanted = self.lists.take(list);
                wanted.retain(|&tx| !self.holding.has(tx, to) && !self.holding.has_asked(tx, to));
                for &tx in &wanted {
                    self.holding.set_asked(tx, to, true);
                }
                if !wanted.is_empty() {
                    let list = self.lists.store(wanted);
                    self.send_getdata(core, q, now, (to, from), list);
                }
            }
            Msg::TxGetData(list) => {
                // Send the payments back to back; the asker admits them after
                // validating each.
                let txs = self.lists.get(list);
                let bytes: usize = txs
                    .iter()
                    .map(|&tx| core.pays.record(tx).size + wire::TX_MESSAGE_OVERHEAD)
                    .sum();
                let validation = core.plan.validation.per_tx * txs.len() as u64;
                let at = core.transport.send(now, to, from, bytes, Traffic::Payload);
                let msg = Msg::TxData(list);
                q.schedule(
                    at + validation,
                    Event::Wire {
                        from: to,
                        to: from,
                        msg,
                        slot: UNTRACKED,
                    },
                );
            }
            Msg::TxData(list) => {
                for tx in self.lists.take(list) {
                    let waiting = self.orphans[to.index()].iter().any(|&(o, _)| o == tx);
                    if self.holding.has(tx, to) || waiting {
                        continue;
                    }
                    self.holding.set_asked(tx, to, false);
                    self.admit_at(core, q, now, (to, from), tx);
                }
            }
            _ => unreachable!("not a payment message"),
        }
    }

    fn lost(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        (from, to): (NodeId, NodeId),
        msg: Msg,
    ) {
        match msg {
            Msg::TxInv(list) => drop(self.lists.take(list)),
            Msg::TxGetData(list) => Self::retry_later(core, q, now, (from, to), list),
            Msg::TxData(list) => Self::retry_later(core, q, now, (to, from), list),
            _ => unreachable!("not a payment message"),
        }
    }

    /// One inv per peer with what it was not told yet.
    fn announce(&mut self, core: &mut Core, q: &mut EventQueue<Event>, now: SimTime, node: NodeId) {
        self.announcement_due[node.index()] = false;
        let outbox = std::mem::take(&mut self.outbox[node.index()]);
        if core.transport.faults.is_down(node) {
            return; // the crash took the queue with the rest of the node's memory
        }
        // As with blocks, entries a peer already holds or awaits change nothing on
        // arrival (without faults a request is always answered); unless every message
        // is simulated they need not travel as events (their bytes still do).
        let skip_known = !core.every_message();
        for i in 0..core.transport.peers(node).len() {
            let link = core.transport.peers(node)[i];
            let peer = link.peer;
            if core.nodes.is_light(peer) || !core.transport.topology().is_open(node, i) {
                continue;
            }
            let told = outbox.iter().filter(|&&(_, from)| from != peer).count();
            if told == 0 {
                continue;
            }
            let at = core.transport.send_over(
                now,
                node,
                link,
                wire::inventory_bytes(told),
                Traffic::Control,
            );
            let list: Vec<PaymentId> = outbox
                .iter()
                .filter(|&&(tx, from)| {
                    from != peer && !(skip_known && self.holding.knows(tx, peer))
                })
                .map(|&(tx, _)| tx)
                .collect();
            if list.is_empty() {
                continue;
            }
            let list = self.lists.store(list);
            let msg = Msg::TxInv(list);
            q.schedule(
                at,
                Event::Wire {
                    from: node,
                    to: peer,
                    msg,
                    slot: UNTRACKED,
                },
            );
        }
    }

    fn retry(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        (node, peer): (NodeId, NodeId),
        list: ListId,
    ) {
        let usable = core.transport.usable(node, peer);
        let mut wanted = self.lists.take(list);
        wanted.retain(|&tx| !self.holding.has(tx, node) && self.holding.has_asked(tx, node));
        if usable && !wanted.is_empty() {
            let list = self.lists.store(wanted);
            self.send_getdata(core, q, now, (node, peer), list);
        } else {
            // Cut off: forget the requests; another peer's inv (or a block) brings them.
            for tx in wanted {
                self.holding.set_asked(tx, node, false);
            }
        }
    }

    fn missing(&self, core: &Core, node: NodeId, block: BlockId, _now: SimTime) -> (usize, usize) {
        self.block_payments[block.index()]
            .iter()
            .filter(|&&tx| !self.holding.has(tx, node))
            .fold((0, 0), |(count, bytes), &tx| {
                (count + 1, bytes + core.pays.record(tx).size)
            })
    }

    fn list_len(&self, list: ListId) -> usize {
        self.lists.len(list)
    }

    fn reach(&mut self) -> Vec<[Option<SimTime>; 3]> {
        self.holding.take_reach()
    }
}
