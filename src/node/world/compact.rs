//! Compact block relay (BIP 152, low-bandwidth mode): after inv and getdata, the
//! sender sends the header, 6-byte short ids and the coinbase; a receiver missing some
//! of the block's transactions asks for them (getblocktxn) and gets them (blocktxn)
//! before it can validate.
//!
//! Which transactions a node has is not tracked per message. A node is taken to hold a
//! payment once it could have reached it from where it was made: made at `t`, at node
//! `v` by `t + d(origin, v)`, where a transaction's distance is the path's latency plus
//! `workload.tx_trickle` per hop (transactions are announced on a timer, blocks at
//! once), estimated through the miners as landmarks: `min over miners m of d(origin,
//! m) + d(m, v)` (an upper bound, exact when a best path passes a miner). A block can
//! thus outrun the payments in it when the trickle is slow: what compact blocks then
//! fetch. Only payments younger than the longest such distance can be missing, so each
//! check looks at a few.

use super::{Event, World};
use crate::ledger::BlockId;
use crate::sim::SimTime;

/// Header, nonce and short-id count of a compact block, in bytes.
const COMPACT_OVERHEAD: usize = 80 + 8 + 3;
const SHORT_ID: usize = 6;
/// Coinbase bytes beyond this are padding standing for transactions everyone holds
/// (`mining.block_padding`), sent as short ids of this many bytes each.
const PLAIN_COINBASE: usize = 200;
const PADDED_TX: usize = 250;
/// getblocktxn: header hash and the missing indexes.
const REQUEST_BYTES: usize = 64;

impl World {
    /// Bytes of the compact form of `block`.
    pub(super) fn compact_size(&self, block: BlockId) -> usize {
        let entry = self.tree.entry(block);
        let coinbase = entry.block.txdata[0].size();
        let padding_ids = coinbase.saturating_sub(PLAIN_COINBASE) / PADDED_TX;
        COMPACT_OVERHEAD
            + SHORT_ID * (entry.txids.len() - 1 + padding_ids)
            + coinbase.min(PLAIN_COINBASE)
    }

    /// Called as `block` is mined at `now`: the payments in it that some node may still
    /// lack (younger than the horizon), so that each arrival checks only those.
    pub(super) fn note_young_payments(&mut self, block: BlockId, now: SimTime) {
        let young = match self.tx_horizon {
            Some(horizon) => self
                .payments_in(block)
                .filter(|&i| self.txs[i as usize].created + horizon > now)
                .collect(),
            None => Vec::new(),
        };
        debug_assert_eq!(self.young_payments.len(), block as usize);
        self.young_payments.push(young);
    }

    /// The block's transactions `node` does not hold at `now`, as (count, bytes).
    fn missing(&self, node: u32, block: BlockId, now: SimTime) -> (usize, usize) {
        let (mut count, mut bytes) = (0, 0);
        if self.is_light(node) {
            return (0, 0); // a header is all it takes
        }
        if let Some(g) = &self.gossip {
            // Gossip tracks what each node holds.
            for &tx in g.block_payments(block) {
                if !g.has(tx, node) {
                    count += 1;
                    bytes += self.txs[tx as usize].size;
                }
            }
            return (count, bytes);
        }
        for &index in &self.young_payments[block as usize] {
            let record = &self.txs[index as usize];
            let reach = (0..self.miners.len())
                .map(|m| {
                    let d = &self.payment_delays[m];
                    d[record.origin as usize].saturating_add(d[node as usize])
                })
                .min()
                .unwrap_or(0);
            if record.created.saturating_add(reach) > now {
                count += 1;
                bytes += record.size;
            }
        }
        (count, bytes)
    }

    /// A compact block reached `node`: validate at once, or first fetch what is missing.
    pub(super) fn on_compact_block(&mut self, now: SimTime, node: u32, from: u32, block: BlockId) {
        let (count, bytes) = self.missing(node, block, now);
        if count == 0 {
            self.on_block(now, node, from, block);
            return;
        }
        self.trace(now, Some(node), "getblocktxn", Some(block), || {
            format!("{count} transaction(s) missing, asked of node {from}")
        });
        // The answer leaves the sender once the request has arrived.
        let at_sender = self.arrival(now, node, from, REQUEST_BYTES);
        let back = self.arrival(at_sender, from, node, bytes + 32);
        let answer = Event::BlockTxn {
            to: node,
            from,
            block,
        };
        self.queue.schedule(back, answer);
    }
}
