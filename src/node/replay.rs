//! What the animated replay (report.html, `report::replay`) needs from a run and no
//! other result keeps: when each of a sample of nodes connected each block. Kept for at
//! most [`SHOWN_NODES`] nodes (all of a classroom network; the miners and an even
//! spread of the rest otherwise) and the first blocks, at least [`SHOWN_BLOCKS`] and
//! up to [`CELLS`] arrivals in all, so that it costs a lookup per connection and at
//! most a few megabytes at any scale.

use crate::ledger::BlockId;
use crate::net::NodeId;
use crate::sim::SimTime;

/// Nodes the replay draws: enough to see a block spread, few enough to stay smooth on
/// a projector.
pub const SHOWN_NODES: u32 = 250;
/// Blocks the replay keeps at least (the first ones, by id); more where few nodes are
/// shown, up to [`CELLS`] node-block arrivals in all.
pub const SHOWN_BLOCKS: usize = 500;
/// Shown nodes × kept blocks at most: what keeps replay.json to a few megabytes.
pub const CELLS: usize = 150_000;

/// Blocks kept (genesis included) when `shown` nodes are shown.
pub fn blocks_kept(shown: usize) -> usize {
    SHOWN_BLOCKS.max(CELLS / shown.max(1))
}
const NOT_SHOWN: u16 = u16::MAX;

pub struct Sample {
    /// Per node, its place among the shown nodes, or [`NOT_SHOWN`].
    place: Vec<u16>,
    /// The shown nodes, ascending.
    pub nodes: Vec<NodeId>,
    /// Per block (the first [`blocks_kept`]), (place, when) of each shown node that
    /// connected it, in the order they did.
    pub arrivals: Vec<Vec<(u16, SimTime)>>,
    kept: usize,
}

impl Sample {
    /// Every node of a network of at most [`SHOWN_NODES`]; otherwise the miners' nodes
    /// and evenly spaced others up to that many.
    pub fn new(nodes: u32, miners: &[NodeId]) -> Self {
        let mut shown: Vec<NodeId> = if nodes <= SHOWN_NODES {
            NodeId::all(nodes).collect()
        } else {
            let mut chosen: Vec<NodeId> =
                miners.iter().copied().take(SHOWN_NODES as usize).collect();
            let spread = SHOWN_NODES.saturating_sub(chosen.len() as u32).max(1);
            let step = u64::from(nodes) / u64::from(spread);
            chosen.extend((0..spread).map(|i| NodeId((u64::from(i) * step) as u32)));
            chosen
        };
        shown.sort_unstable();
        shown.dedup();
        shown.truncate(SHOWN_NODES as usize);
        let mut place = vec![NOT_SHOWN; nodes as usize];
        for (i, node) in shown.iter().enumerate() {
            place[node.index()] = i as u16;
        }
        Sample {
            place,
            kept: blocks_kept(shown.len()),
            nodes: shown,
            arrivals: vec![Vec::new()],
        }
    }

    /// A block was mined (or, for genesis, is there from the start).
    pub fn mined(&mut self, block: BlockId) {
        if block.index() < self.kept {
            self.arrivals.push(Vec::new());
        }
    }

    /// `node` connected `block` now.
    #[inline]
    pub fn connected(&mut self, block: BlockId, node: NodeId, now: SimTime) {
        let place = self.place[node.index()];
        if place != NOT_SHOWN {
            if let Some(list) = self.arrivals.get_mut(block.index()) {
                list.push((place, now));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_network_shows_its_miners_and_a_spread_of_the_rest() {
        let miners = [NodeId(3), NodeId(9_999), NodeId(5_000)];
        let s = Sample::new(10_000, &miners);
        // At most SHOWN_NODES; a miner's node that is also in the spread counts once.
        let shown = s.nodes.len();
        assert!((SHOWN_NODES as usize - miners.len()..=SHOWN_NODES as usize).contains(&shown));
        assert!(miners.iter().all(|m| s.nodes.contains(m)));
        assert!(s.nodes.windows(2).all(|w| w[0] < w[1]));
        assert!(
            *s.nodes.last().unwrap() >= NodeId(9_000),
            "spread over all ids"
        );
        let small = Sample::new(12, &miners[..1]);
        assert_eq!(small.nodes, NodeId::all(12).collect::<Vec<_>>());
    }

    #[test]
    fn only_shown_nodes_and_the_first_blocks_are_kept() {
        let mut s = Sample::new(1_000, &[NodeId(7)]);
        let kept = blocks_kept(s.nodes.len());
        assert_eq!(kept, CELLS / 250, "250 nodes shown: 600 blocks kept");
        for b in 1..=kept as u32 + 5 {
            s.mined(BlockId(b));
        }
        assert_eq!(s.arrivals.len(), kept);
        s.connected(BlockId(1), NodeId(7), SimTime(5));
        s.connected(BlockId(1), NodeId(9), SimTime(6)); // not among the shown
        s.connected(BlockId(kept as u32 + 2), NodeId(7), SimTime(9));
        // Shown: 0, 4 (every fourth node), then the miner's node 7 in its place.
        assert_eq!(s.arrivals[1], vec![(2, SimTime(5))]);
    }
}
