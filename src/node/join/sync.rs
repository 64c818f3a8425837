//! How a joining node copies the chain, after Bitcoin Core's headers-first initial
//! block download, simplified: it asks one peer for headers (`getheaders`; up to 2,000
//! a `headers` message, 81 bytes each) until it has the peer's whole chain, and as the
//! headers come asks its peers for the blocks, in height order, at most
//! `joining.blocks_in_flight` from any one peer (Core: 16) and only of a peer that has
//! the block. Blocks are validated one after another at the modelled cost; once every
//! block the headers named is connected the node is synced and relays like any other.
//! Blocks mined meanwhile reach it by ordinary relay and wait as orphans if early.
//! Simplified: no locator beyond the height (the peers' chains share their start), no
//! stalling detection (a lost request is asked of another peer), no pruning.

use super::super::chain_view::Seen;
use super::super::event::{Event, Msg, UNTRACKED};
use super::super::network::Network;
use super::super::plan::CORE_BLOCKS_IN_FLIGHT;
use super::super::relay;
use crate::ledger::encode::compact_size_len;
use crate::ledger::BlockId;
use crate::net::{wire, NodeId};
use crate::sim::SimTime;

/// Headers in one `headers` message (Core's MAX_HEADERS_RESULTS).
const HEADERS_PER_MESSAGE: u32 = 2_000;
/// How long a node with nothing to do waits before looking again (peers may have
/// connected more blocks, or a request was lost).
pub(super) const TICK: SimTime = SimTime(2_000_000_000);
/// The longest wait between looks (a node no peer can serve backs off to this).
const TICK_MAX: SimTime = SimTime(600_000_000_000);

/// A getheaders message: header, version, locator (one hash per height step, about
/// log2 of the height plus ten) and the stop hash.
fn getheaders_bytes(height: u32) -> usize {
    let locator = 1 + (height.min(10) + (32 - height.max(1).leading_zeros())) as usize;
    24 + 4 + compact_size_len(locator as u64) + 32 * locator + 32
}

fn headers_bytes(count: u32) -> usize {
    24 + compact_size_len(u64::from(count)) + wire::HEADER_BYTES * count as usize
}

impl Network {
    /// `node` joins now: it can talk from here, and asks a peer for headers.
    pub(in crate::node) fn node_joins(&mut self, now: SimTime, node: NodeId) {
        self.core.transport.faults.join(node);
        if let Some(r) = &mut self.routing {
            r.node_joins(&mut self.q, now, node);
        }
        let Some(s) = self.joins.sync_mut(node) else {
            return;
        };
        s.record.joined = Some(now);
        if s.record.rejoin {
            self.churn_returns(now, node);
        }
        self.core
            .rec
            .trace(now, Some(node), "joined", None, || "starts to sync".into());
        self.sync_work(now, node);
    }

    /// Whatever the node can do now: ask for headers, ask for blocks, or look again
    /// later.
    pub(in crate::node) fn sync_work(&mut self, now: SimTime, node: NodeId) {
        let Some(s) = self.joins.sync(node) else {
            return;
        };
        if s.record.synced.is_some() {
            return;
        }
        if !s.headers_done && !s.headers_asked {
            self.ask_headers(now, node);
        }
        let asked = self.ask_blocks(now, node);
        let s = self.joins.sync_mut(node).expect("a joining node");
        let idle = s.in_flight.iter().all(|(_, c)| *c == 0) && !s.headers_asked;
        if (idle || asked == 0) && !s.tick_pending {
            s.tick_pending = true;
            let wait = s.tick;
            s.tick = (s.tick.saturating_mul(2)).min(TICK_MAX);
            self.q
                .schedule(now.saturating_add(wait), Event::SyncTick(node));
        }
    }

    pub(in crate::node) fn sync_tick(&mut self, now: SimTime, node: NodeId) {
        if let Some(s) = self.joins.sync_mut(node) {
            s.tick_pending = false;
        }
        self.sync_work(now, node);
    }

    /// The peers a joining node may download from: reachable full nodes.
    fn sync_peers(&self, node: NodeId) -> Vec<NodeId> {
        let core = &self.core;
        (core.transport.peers(node).iter())
            .map(|l| l.peer)
            .filter(|&p| core.transport.usable(node, p) && !core.nodes.is_light(p))
            .collect()
    }

    fn ask_headers(&mut self, now: SimTime, node: NodeId) {
        // The first reachable peer that is not syncing itself.
        let peers = self.sync_peers(node);
        let Some(&peer) = peers.iter().find(|&&p| !self.joins.syncing(p)) else {
            return; // the tick asks again
        };
        let s = self.joins.sync_mut(node).expect("a joining node");
        s.headers_asked = true;
        let held = self.core.tree.entry(s.anchor).height + s.headers.len() as u32;
        let (start, bytes) = (held + 1, getheaders_bytes(held));
        self.send_sync(now, node, peer, Msg::GetHeaders(start), bytes);
    }

    /// Asks peers for blocks up to their limits; returns how many it asked for.
    fn ask_blocks(&mut self, now: SimTime, node: NodeId) -> u32 {
        let cap = (self.joins.plan).map_or(CORE_BLOCKS_IN_FLIGHT, |p| p.blocks_in_flight);
        let mut asked = 0;
        for peer in self.sync_peers(node) {
            while self.joins.sync(node).expect("joining").in_flight(peer) < cap {
                let Some(block) = self.next_block(node) else {
                    return asked;
                };
                if self.core.views.seen(block, peer) != Seen::Connected {
                    let s = self.joins.sync_mut(node).expect("joining");
                    s.again.push(block); // another peer may have it
                    break;
                }
                self.core.views.set_seen(block, node, Seen::Requested);
                let s = self.joins.sync_mut(node).expect("joining");
                s.add_in_flight(peer, 1);
                self.send_sync(now, node, peer, Msg::IbdGetData(block), wire::INV_BYTES);
                asked += 1;
            }
        }
        asked
    }

    /// The next block the node still lacks: one to ask again first, then by height.
    fn next_block(&mut self, node: NodeId) -> Option<BlockId> {
        loop {
            let s = self.joins.sync_mut(node).expect("joining");
            let block = match s.again.pop() {
                Some(b) => b,
                None => {
                    let b = *s.headers.get(s.next)?;
                    s.next += 1;
                    b
                }
            };
            if self.core.views.seen(block, node) <= Seen::Requested {
                return Some(block);
            }
        }
    }

    fn send_sync(&mut self, now: SimTime, from: NodeId, to: NodeId, msg: Msg, bytes: usize) {
        let link = self.core.transport.link_at(from, to, UNTRACKED);
        relay::send(&mut self.core, &mut self.q, now, from, link, msg, bytes);
    }

    /// A sync message from `from` reached `to`.
    pub(in crate::node) fn sync_receive(
        &mut self,
        now: SimTime,
        (from, to): (NodeId, NodeId),
        msg: Msg,
    ) {
        match msg {
            Msg::GetHeaders(start) => {
                let tip = self.core.views.tip(to);
                let count = self.headers_after(tip, start);
                let bytes = headers_bytes(count);
                self.joins.served[to.index()] += bytes as u64;
                self.send_sync(now, to, from, Msg::SyncHeaders { tip, start }, bytes);
            }
            Msg::SyncHeaders { tip, start } => self.headers_arrived(now, (from, to), tip, start),
            Msg::IbdGetData(block) => {
                let bytes = self.core.tree.entry(block).size;
                self.joins.served[to.index()] += bytes as u64;
                // Bulk traffic: queued at the joining node's downlink too.
                self.send_sync(now, to, from, Msg::IbdBlock(block), bytes);
            }
            Msg::IbdBlock(block) => self.block_arrived(now, (from, to), block),
            _ => unreachable!("not a sync message"),
        }
    }

    /// Headers a peer with `tip` sends after height `start` − 1.
    fn headers_after(&self, tip: BlockId, start: u32) -> u32 {
        let height = self.core.tree.entry(tip).height;
        (height + 1).saturating_sub(start).min(HEADERS_PER_MESSAGE)
    }

    fn headers_arrived(
        &mut self,
        now: SimTime,
        (from, to): (NodeId, NodeId),
        tip: BlockId,
        start: u32,
    ) {
        let count = self.headers_after(tip, start);
        let tree = &self.core.tree;
        // The peer's chain from `start`: its block at the batch's top, then down.
        let top = tree.ancestor_at(tip, start + count.max(1) - 1);
        let mut chain: Vec<BlockId> = std::iter::successors(top, |&b| tree.entry(b).parent)
            .take(count as usize)
            .collect();
        chain.reverse();
        let s = self.joins.sync_mut(to).expect("a joining node");
        s.headers_asked = false;
        s.tick = TICK;
        s.record.bytes_in += headers_bytes(count) as u64;
        // The batch must start where the headers held end (an empty one: the peer's
        // tip is the last held). One that does not (the peer reorganised, or the node
        // asked twice) starts the header chain again from genesis; blocks the node
        // already has are not asked for again.
        let held = s.headers.last().copied().unwrap_or(s.anchor);
        let anchor_height = tree.entry(s.anchor).height;
        let below = chain.first().map_or(Some(tip), |&c| tree.entry(c).parent);
        let fits = start == anchor_height + s.headers.len() as u32 + 1 && below == Some(held);
        if !fits {
            s.restart_headers(BlockId::GENESIS);
            self.core.rec.trace(now, Some(to), "sync", None, || {
                format!("headers from node {from} do not follow; starting again")
            });
            return self.sync_work(now, to);
        }
        s.headers.extend(chain);
        s.headers_done = count < HEADERS_PER_MESSAGE;
        self.sync_work(now, to);
        self.sync_progress(now, to);
    }

    fn block_arrived(&mut self, now: SimTime, (from, to): (NodeId, NodeId), block: BlockId) {
        let entry = self.core.tree.entry(block);
        let (n_tx, size) = (entry.txids.len() as u64, entry.size as u64);
        let delay = self.core.plan.validation.block(n_tx, size);
        let s = self.joins.sync_mut(to).expect("a joining node");
        s.add_in_flight(from, -1);
        s.tick = TICK;
        s.record.blocks_in += 1;
        s.record.bytes_in += size;
        if self.core.views.seen(block, to) < Seen::Received {
            self.core.views.set_seen(block, to, Seen::Received);
            let at = now.max(s.validating_until) + delay;
            s.validating_until = at;
            self.q.schedule(
                at,
                Event::Validated {
                    node: to,
                    from,
                    block,
                },
            );
        }
        self.sync_work(now, to);
    }

    /// A sync message was lost to a fault: what was asked is asked again.
    pub(in crate::node) fn sync_lost(
        &mut self,
        now: SimTime,
        (from, to): (NodeId, NodeId),
        msg: Msg,
    ) {
        let (node, peer) = match msg {
            Msg::GetHeaders(_) | Msg::IbdGetData(_) => (from, to),
            _ => (to, from),
        };
        if self.core.transport.faults.is_absent(node) {
            // It left: what it asked for is forgotten with the rest of its download.
            if let Msg::IbdGetData(b) | Msg::IbdBlock(b) = msg {
                self.core.views.set_seen(b, node, Seen::Unknown);
            }
            return;
        }
        let Some(s) = self.joins.sync_mut(node) else {
            return;
        };
        match msg {
            Msg::GetHeaders(_) | Msg::SyncHeaders { .. } => s.headers_asked = false,
            Msg::IbdGetData(b) | Msg::IbdBlock(b) => {
                s.add_in_flight(peer, -1);
                s.again.push(b);
                self.core.views.set_seen(b, node, Seen::Unknown);
            }
            _ => {}
        }
        self.sync_work(now, node);
    }

    /// After `node` connected a block while syncing: synced once every block its
    /// headers named is in its chain.
    pub(in crate::node) fn sync_progress(&mut self, now: SimTime, node: NodeId) {
        let tree = &self.core.tree;
        let height = tree.entry(self.core.views.tip(node)).height;
        let Some(s) = self.joins.sync_mut(node) else {
            return;
        };
        let target = tree.entry(s.anchor).height + s.headers.len() as u32;
        if !s.headers_done || s.record.synced.is_some() || height < target {
            return;
        }
        s.record.synced = Some(now);
        s.headers = Vec::new(); // no longer needed
        let took = s.record.joined.map_or(0.0, |j| (now - j).secs());
        self.core.rec.trace(now, Some(node), "synced", None, || {
            format!("height {height} after {took:.1} s")
        });
    }
}
