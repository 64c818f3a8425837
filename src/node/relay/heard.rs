//! One node's records of announcements of blocks it has not connected yet
//! (`announce`), kept as one list while short and by block once long.
//!
//! A node keeps a block's records until it connects the block, so a node that falls
//! behind holds every announcement of every block it lacks — and of blocks it asked
//! for, forgot after timeouts and may never fetch. Every read is about one block:
//! scanning one list for it made a request timeout cost the whole list, three quarters
//! of a congested run (Gervais et al.'s 10 min / 4 MB point at 6,000 nodes, `perf`).
//! Past [`BY_BLOCK_FROM`] records the list is split by block. Every reader either
//! sorts a block's records by (time, sequence), which is unique, or folds them in an
//! order-free way (a bit set, `all`, a minimum), and records of one block keep their
//! order either way, so the split changes no result.

use crate::ledger::BlockId;
use crate::sim::SimTime;
use std::collections::HashMap;

/// An announcement of `block` from the peer in `slot`, landing at (`time`, `seq`) in
/// event order; `wakes` when it has an event of its own (it may make the node ask),
/// `headers` for a headers message rather than an inv (for waking it later, see
/// `wake_next`). The two flags ride in the top bits of the sequence number, which
/// counts events and so never reaches 2^62: a record is 24 bytes, not 32, and a flood
/// writes one per announcement into the receiver's list.
#[derive(Clone, Copy)]
pub(super) struct Heard {
    pub block: BlockId,
    pub slot: u32,
    pub time: SimTime,
    seq_flags: u64,
}

const WAKES: u64 = 1 << 63;
const HEADERS: u64 = 1 << 62;

impl Heard {
    pub fn new(
        block: BlockId,
        slot: u32,
        (time, seq): (SimTime, u64),
        wakes: bool,
        headers: bool,
    ) -> Self {
        assert!(seq < HEADERS, "event sequence numbers stay below 2^62");
        let flags = if wakes { WAKES } else { 0 } | if headers { HEADERS } else { 0 };
        Heard {
            block,
            slot,
            time,
            seq_flags: seq | flags,
        }
    }

    pub fn seq(&self) -> u64 {
        self.seq_flags & (HEADERS - 1)
    }

    /// Where the announcement lands in event order.
    pub fn at(&self) -> (SimTime, u64) {
        (self.time, self.seq())
    }

    pub fn wakes(&self) -> bool {
        self.seq_flags & WAKES != 0
    }

    pub fn set_wakes(&mut self) {
        self.seq_flags |= WAKES;
    }

    pub fn headers(&self) -> bool {
        self.seq_flags & HEADERS != 0
    }
}

/// Records past which a node's list is split by block: a node this far behind is
/// rare outside congestion, and below it one short scan beats a hash lookup.
const BY_BLOCK_FROM: usize = 128;

/// One node's records: boxed when split, so that the per-node table stays three
/// words a node (its slot is read for every announcement sent; a bare map would
/// double it for the few nodes that ever split; the test below holds the size).
#[allow(clippy::box_collection)]
pub(super) enum NodeHeard {
    List(Vec<Heard>),
    ByBlock(Box<HashMap<BlockId, Vec<Heard>>>),
}

impl NodeHeard {
    pub fn new() -> Self {
        NodeHeard::List(Vec::new())
    }

    pub fn push(&mut self, h: Heard) {
        match self {
            NodeHeard::List(list) => {
                list.push(h);
                if list.len() > BY_BLOCK_FROM {
                    let mut by_block: HashMap<BlockId, Vec<Heard>> = HashMap::new();
                    for h in list.drain(..) {
                        by_block.entry(h.block).or_default().push(h);
                    }
                    *self = NodeHeard::ByBlock(Box::new(by_block));
                }
            }
            NodeHeard::ByBlock(by_block) => by_block.entry(h.block).or_default().push(h),
        }
    }

    /// Where the next record goes (`sim::prefetch`): the end of a short list; nothing
    /// for a split one (rare, and its place depends on the block).
    pub fn next_slot(&self) -> Option<*const Heard> {
        match self {
            NodeHeard::List(list) => Some(list.as_ptr().wrapping_add(list.len())),
            NodeHeard::ByBlock(_) => None,
        }
    }

    fn slice(&self, block: BlockId) -> &[Heard] {
        match self {
            NodeHeard::List(list) => list,
            NodeHeard::ByBlock(by_block) => by_block.get(&block).map_or(&[], Vec::as_slice),
        }
    }

    /// The records of `block`, in the order they were made.
    pub fn of(&self, block: BlockId) -> impl Iterator<Item = &Heard> {
        self.slice(block).iter().filter(move |h| h.block == block)
    }

    /// The same, to change them.
    pub fn of_mut(&mut self, block: BlockId) -> impl Iterator<Item = &mut Heard> {
        let slice: &mut [Heard] = match self {
            NodeHeard::List(list) => list,
            NodeHeard::ByBlock(by_block) => {
                by_block.get_mut(&block).map_or(&mut [], Vec::as_mut_slice)
            }
        };
        slice.iter_mut().filter(move |h| h.block == block)
    }

    /// Takes out the records of `block`, handing each to `each`.
    pub fn take(&mut self, block: BlockId, mut each: impl FnMut(&Heard)) {
        match self {
            NodeHeard::List(list) => list.retain(|h| {
                if h.block != block {
                    return true;
                }
                each(h);
                false
            }),
            NodeHeard::ByBlock(by_block) => {
                for h in by_block.remove(&block).into_iter().flatten() {
                    each(&h);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heard(block: u32, seq: u64) -> Heard {
        Heard::new(
            BlockId(block),
            seq as u32,
            (SimTime(seq), seq),
            false,
            false,
        )
    }

    #[test]
    fn a_record_is_24_bytes_and_keeps_its_flags_apart_from_its_sequence() {
        assert_eq!(std::mem::size_of::<Heard>(), 24);
        let last = (1u64 << 62) - 1;
        for (wakes, headers) in [(false, false), (true, false), (false, true), (true, true)] {
            let mut h = Heard::new(BlockId(7), 3, (SimTime(9), last), wakes, headers);
            assert_eq!(
                (h.at(), h.wakes(), h.headers()),
                ((SimTime(9), last), wakes, headers)
            );
            h.set_wakes();
            assert_eq!((h.seq(), h.wakes(), h.headers()), (last, true, headers));
        }
    }

    #[test]
    fn a_node_slot_stays_one_vec_wide() {
        assert_eq!(
            std::mem::size_of::<NodeHeard>(),
            std::mem::size_of::<Vec<Heard>>()
        );
    }

    #[test]
    fn a_split_list_reads_and_takes_out_as_the_flat_one() {
        // Three blocks' records interleaved, past the split: each block's records
        // come back in the order they were made, and taking one block leaves the rest.
        let mut flat = Vec::new();
        let mut node = NodeHeard::new();
        for seq in 0..(3 * BY_BLOCK_FROM as u64) {
            let h = heard((seq % 3) as u32, seq);
            flat.push(h);
            node.push(h);
        }
        assert!(matches!(node, NodeHeard::ByBlock(_)));
        for block in 0..3 {
            let want: Vec<u64> = (flat.iter())
                .filter(|h| h.block == BlockId(block))
                .map(|h| h.seq())
                .collect();
            let got: Vec<u64> = node.of(BlockId(block)).map(|h| h.seq()).collect();
            assert_eq!(got, want);
        }
        let mut taken = Vec::new();
        node.take(BlockId(1), |h| taken.push(h.seq()));
        assert_eq!(taken.len(), BY_BLOCK_FROM);
        assert_eq!(node.of(BlockId(1)).count(), 0);
        assert_eq!(node.of(BlockId(2)).count(), BY_BLOCK_FROM);
    }
}
