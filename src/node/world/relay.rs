//! Blocks between nodes: inv → getdata → block (or unsolicited push), validation
//! delay, orphans and their parents, tip choice by most work.

use super::{Event, HeardInv, Seen, World};
use crate::ledger::BlockId;
use crate::net::Link;
use crate::scenario::BlockRelay;
use crate::sim::SimTime;

/// An inv or getdata: message header, entry count, and 36 bytes per entry.
pub(super) const fn inventory_bytes(entries: usize) -> usize {
    25 + 36 * entries
}
/// An inv or getdata for one block.
const INV_BYTES: usize = inventory_bytes(1);

impl World {
    pub(super) fn on_inv(&mut self, now: SimTime, node: u32, from: u32, block: BlockId) {
        if self.simulates_every_message() {
            // Every inv is an event (and may be lost), so it is heard on arrival.
            if let Some(slot) = self.topo.peers(node).iter().position(|l| l.peer == from) {
                let (time, seq) = self.queue.position();
                self.heard[node as usize].push(HeardInv {
                    block,
                    slot: slot as u32,
                    time,
                    seq,
                    wakes: false,
                });
            }
        }
        if self.seen[block as usize][node as usize] == Seen::Unknown {
            self.request(now, node, from, block);
        }
    }

    /// When `bytes` that `from` queues for its peer `to` at `now` arrive: after the
    /// messages already on `from`'s uplink, the transfer, and the link's latency.
    pub(super) fn arrival(&mut self, now: SimTime, from: u32, to: u32, bytes: usize) -> SimTime {
        let link = self
            .topo
            .link(from, to)
            .expect("messages travel between peers");
        self.arrival_over(now, from, link, bytes)
    }

    /// As [`World::arrival`], over a link the caller already holds.
    pub(super) fn arrival_over(
        &mut self,
        now: SimTime,
        from: u32,
        link: Link,
        bytes: usize,
    ) -> SimTime {
        let sent = self
            .uplinks
            .send(from, link.peer, link.bandwidth_bps, now, bytes);
        sent + link.latency
    }

    /// `node` asks `peer` for `block`.
    pub(super) fn request(&mut self, now: SimTime, node: u32, peer: u32, block: BlockId) {
        self.seen[block as usize][node as usize] = Seen::Requested;
        let at = self.arrival(now, node, peer, INV_BYTES);
        let getdata = Event::GetData {
            to: peer,
            from: node,
            block,
        };
        self.queue.schedule(at, getdata);
    }

    /// `node` tells `peer` about `block` (relay, or tips exchanged on reconnection).
    pub(super) fn announce(&mut self, now: SimTime, node: u32, peer: u32, block: BlockId) {
        let link = self.topo.link(node, peer).expect("peers");
        self.send_inv(now, node, link, block);
    }

    fn send_inv(&mut self, now: SimTime, node: u32, link: Link, block: BlockId) {
        let peer = link.peer;
        let arrival = self.arrival_over(now, node, link, INV_BYTES);
        let inv = Event::Inv {
            to: peer,
            from: node,
            block,
        };
        if self.simulates_every_message() {
            self.queue.schedule(arrival, inv);
            return;
        }
        // Without faults or a trace an inv can do two things: make a node that lacks the
        // block ask for it, and, landing before the node connects the block, spare the
        // sender the node's announcement. Only the first needs an event, and only for
        // the earliest inv to a node that does not know the block; the second is read
        // off the record below when the node connects it. Most invs in a flood do
        // neither as events (three in four at 10,000 nodes); results are those of
        // simulating each (tests/network_properties.rs).
        let seen = self.seen[block as usize][peer as usize];
        if seen == Seen::Connected {
            return; // connected and relayed already: this inv changes nothing
        }
        let seq = self.queue.reserve_seq();
        let heard = &mut self.heard[peer as usize];
        let wakes = seen == Seen::Unknown
            && heard
                .iter()
                .filter(|h| h.block == block && h.wakes)
                .all(|h| (arrival, seq) < (h.time, h.seq));
        heard.push(HeardInv {
            block,
            slot: link.back,
            time: arrival,
            seq,
            wakes,
        });
        if wakes {
            self.queue.schedule_reserved(arrival, seq, inv);
        }
    }

    pub(super) fn on_block(&mut self, now: SimTime, node: u32, from: u32, block: BlockId) {
        if self.seen[block as usize][node as usize] < Seen::Received {
            self.seen[block as usize][node as usize] = Seen::Received;
            // A light node checks the header only.
            let n_tx = if self.is_light(node) {
                0
            } else {
                self.tree.entry(block).txids.len() as u64
            };
            let delay =
                self.sc.network.validation_base.0 + n_tx * self.sc.network.validation_per_tx.0;
            self.queue
                .schedule(now + delay, Event::Validated { node, from, block });
        }
    }

    pub(super) fn send_block(&mut self, now: SimTime, sender: u32, receiver: u32, block: BlockId) {
        let bytes = match self.sc.network.relay {
            _ if self.is_light(receiver) => super::light::HEADER_BYTES,
            BlockRelay::Compact => self.compact_size(block),
            _ => self.tree.entry(block).size,
        };
        let at = self.arrival(now, sender, receiver, bytes);
        let message = Event::Block {
            to: receiver,
            from: sender,
            block,
        };
        self.queue.schedule(at, message);
    }

    /// A node has validated `block`: connect it (and any orphans waiting on it), switch
    /// tip by most work, and relay. An orphan's missing parent is asked of the peer that
    /// sent the orphan, which had it (this is how nodes catch up after a partition).
    pub(super) fn connect(&mut self, now: SimTime, node: u32, from: u32, block: BlockId) {
        let parent = self.tree.entry(block).parent.expect("not genesis");
        if self.seen[parent as usize][node as usize] != Seen::Connected {
            self.seen[block as usize][node as usize] = Seen::Orphan;
            self.orphans[node as usize].push((block, from));
            if self.seen[parent as usize][node as usize] == Seen::Unknown && from != node {
                self.request(now, node, from, parent);
            }
            return;
        }
        let mut ready = vec![(block, from)];
        while let Some((b, f)) = ready.pop() {
            self.seen[b as usize][node as usize] = Seen::Connected;
            let record = &mut self.blocks[b as usize];
            record.arrivals.push(now - record.mined_at);
            self.consider_tip(now, node, b);
            let known = self.heard_from(node, b);
            if self.is_light(node) {
                self.light_connected(now, node, f, b);
            } else {
                self.gossip_block_connected(now, node, b);
                self.relay(now, node, f, b, known);
            }
            let waiting = &mut self.orphans[node as usize];
            if waiting.is_empty() {
                continue;
            }
            let (children, rest): (Vec<_>, Vec<_>) = waiting
                .drain(..)
                .partition(|(c, _)| self.tree.entry(*c).parent == Some(b));
            *waiting = rest;
            ready.extend(children);
        }
    }

    fn consider_tip(&mut self, now: SimTime, node: u32, block: BlockId) {
        let tip = self.tips[node as usize];
        if self.tree.entry(block).chain_work <= self.tree.entry(tip).chain_work {
            return;
        }
        if !self.tree.is_ancestor(tip, block) {
            let fork = self.tree.fork_point(tip, block);
            let depth = self.tree.entry(tip).height - self.tree.entry(fork).height;
            self.reorgs += 1;
            self.reorg_depth_max = self.reorg_depth_max.max(depth);
            self.faults.count_reorg(depth);
            self.trace(now, Some(node), "reorg", Some(block), || {
                format!("{depth} block(s) abandoned from block {tip}")
            });
        }
        self.tips[node as usize] = block;
        let height = self.tree.entry(block).height;
        self.trace(now, Some(node), "tip", Some(block), || {
            format!("height {height}")
        });
        if let Some(m) = self.miner_of_node[node as usize] {
            match self.miners[m as usize].attacker {
                // The attacker's own blocks becoming the tip are its releases, not news.
                Some(_) if self.blocks[block as usize].miner == Some(m) => {}
                Some(a) => self.attacker_saw_public(now, a),
                None => self.schedule_mining(m),
            }
        }
        if !self.attackers.is_empty() {
            self.observer_tip_changed(now, node, tip);
        }
    }

    /// Peers (by slot) whose inv for `block` reached `node` before now, as a bit set
    /// of the first 64 (later peers always get the announcement); forgets them.
    fn heard_from(&mut self, node: u32, block: BlockId) -> u64 {
        let now = self.queue.position();
        let mut known = 0u64;
        self.heard[node as usize].retain(|h| {
            if h.block != block {
                return true;
            }
            if (h.time, h.seq) < now && h.slot < 64 {
                known |= 1 << h.slot;
            }
            false
        });
        known
    }

    /// Announces (or pushes) `block` to every peer but `from` and those in `known`.
    fn relay(&mut self, now: SimTime, node: u32, from: u32, block: BlockId, known: u64) {
        for i in 0..self.topo.peers(node).len() {
            let link = self.topo.peers(node)[i];
            let peer = link.peer;
            if peer == from || (i < 64 && known & (1 << i) != 0) {
                continue;
            }
            match self.sc.network.relay {
                BlockRelay::InvGetdata | BlockRelay::Compact => {
                    self.send_inv(now, node, link, block)
                }
                BlockRelay::Push => self.send_block(now, node, peer, block),
            }
        }
    }
}
