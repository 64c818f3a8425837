//! A node connects a block it has validated: orphans wait for their parent (the first
//! missing ancestor is asked of the peer that sent the orphan, which had it: this is
//! how nodes catch up after a partition), the tip moves by most work, the block is relayed (or, at a light node,
//! its payments' branches asked for), and orphans waiting on it follow.

use super::chain_view::{Connectable, Seen};
use super::light;
use super::network::Network;
use super::relay;
use crate::ledger::BlockId;
use crate::net::NodeId;
use crate::sim::SimTime;

impl Network {
    pub(super) fn connect(&mut self, now: SimTime, node: NodeId, from: NodeId, block: BlockId) {
        let core = &mut self.core;
        if let Connectable::Orphan { parent } = core
            .views
            .park_unless_connectable(&core.tree, node, from, block)
        {
            // A node copying the chain gets the parent from its headers-first
            // download, as Core in initial block download does; asking the sender
            // would walk the chain backwards block by block beside the download.
            if from == node || self.joins.syncing(node) {
                return;
            }
            // Gervais et al.'s nodes never ask for an orphan's parent: the header
            // answered with each request does (`relay::parent_timers`).
            if (core.requests.as_ref()).is_some_and(|r| r.parents_by_header()) {
                return;
            }
            // The sender holds every ancestor. Ask it for the first one missing here,
            // below any orphans already waiting: when that one's request was lost and
            // forgotten (a partition), nothing else would ever fetch it again and the
            // node would stay behind for good.
            let missing = core.views.below_orphans(&core.tree, node, parent);
            if core.views.seen(missing, node) == Seen::Unknown {
                relay::request(core, &mut self.q, now, node, from, missing);
            }
            return;
        }
        // Orphans that `block` completes wait in `ready`; `next` spares the common case
        // (none) an allocation per connected block. Order as with one stack: last in,
        // first out.
        let mut ready = Vec::new();
        let mut next = Some((block, from));
        while let Some((b, f)) = next.take().or_else(|| ready.pop()) {
            self.core.views.set_seen(b, node, Seen::Connected);
            let height = self.core.tree.entry(b).height;
            self.core.rec.connected(b, now, (node, height, f == node));
            self.consider_tip(now, node, b);
            let (core, q) = (&mut self.core, &mut self.q);
            let known = core.heard.heard_from(node, b, q.position());
            if core.nodes.is_light(node) {
                light::connected(core, q, now, node, f, b);
            } else {
                self.txs.block_connected(core, q, now, node, b);
                // A node copying the chain announces nothing until it is done (Core).
                if !self.joins.syncing(node) {
                    relay::relay(&mut *self.blocks, core, q, now, node, f, b, known);
                }
            }
            ready.extend(core.views.take_children(&core.tree, node, b));
        }
        if self.joins.syncing(node) {
            self.sync_progress(now, node);
        }
    }

    /// The tip moves to `block` if it has more work; the node's miner and any attack
    /// watching the node hear of it.
    fn consider_tip(&mut self, now: SimTime, node: NodeId, block: BlockId) {
        let core = &mut self.core;
        let Some(moved) = core.views.consider_tip(&core.tree, node, block) else {
            return;
        };
        let old = moved.old;
        if let Some(depth) = moved.reorg_depth {
            core.rec.reorg(depth);
            core.transport.faults.count_reorg(depth);
            core.rec.trace(now, Some(node), "reorg", Some(block), || {
                format!("{depth} block(s) abandoned from block {old}")
            });
        }
        let height = core.tree.entry(block).height;
        core.rec.trace(now, Some(node), "tip", Some(block), || {
            format!("height {height}")
        });
        if let Some(m) = core.nodes.miner_at(node) {
            match self.miners.get(m).attacker {
                // The attacker's own blocks becoming the tip are its releases, not news.
                Some(_) if core.rec.miner(block) == Some(m) => {}
                Some(a) => self.attacker_saw_public(now, a),
                None => self.schedule_mining(m),
            }
        }
        if !self.attackers.is_empty() {
            self.observer_tip_changed(now, node, old);
        }
    }
}
