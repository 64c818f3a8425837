//! Every node's view of the chain, in one place: what it knows of each block (asked
//! for, received, an orphan, connected), the blocks waiting for a parent, and its tip.
//! Blocks themselves live once, in the shared tree; a view is a byte per block and a
//! tip per node.

use crate::ledger::{BlockId, BlockTree};
use crate::net::NodeId;

/// What a node knows of one block.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
#[repr(u8)]
pub enum Seen {
    Unknown,
    Requested,
    Received,
    /// Validated, but its parent is not yet connected at this node.
    Orphan,
    Connected,
}

pub struct ChainViews {
    tips: Vec<BlockId>,
    /// `seen[block][node]`.
    seen: Vec<Vec<Seen>>,
    /// Per node, validated blocks waiting for their parent, with the peer they came from.
    orphans: Vec<Vec<(BlockId, NodeId)>>,
    /// How many orphans wait at all nodes: with none (nearly always), connecting a
    /// block does not read the node's list (a cache miss per connection at 10,000
    /// nodes, 6% of a run).
    orphans_waiting: usize,
}

/// A node's tip moved.
pub struct TipMove {
    pub old: BlockId,
    /// Blocks abandoned from the old tip's branch, when the new tip is not on it.
    pub reorg_depth: Option<u32>,
}

impl ChainViews {
    /// `nodes` nodes, each holding genesis only.
    pub fn new(nodes: u32) -> Self {
        let n = nodes as usize;
        ChainViews {
            tips: vec![BlockId::GENESIS; n],
            seen: vec![vec![Seen::Connected; n]],
            orphans: vec![Vec::new(); n],
            orphans_waiting: 0,
        }
    }

    pub fn nodes(&self) -> u32 {
        self.tips.len() as u32
    }

    pub fn tip(&self, node: NodeId) -> BlockId {
        self.tips[node.index()]
    }

    pub fn seen(&self, block: BlockId, node: NodeId) -> Seen {
        self.seen[block.index()][node.index()]
    }

    pub fn set_seen(&mut self, block: BlockId, node: NodeId, seen: Seen) {
        self.seen[block.index()][node.index()] = seen;
    }

    /// A block already held at the start: connected by the nodes `held` marks, the
    /// tip of each of them (blocks come parent first); unknown to the rest.
    pub fn add_held_block(&mut self, block: BlockId, held: &[bool]) {
        debug_assert_eq!(self.seen.len(), block.index());
        let row = held
            .iter()
            .map(|&h| if h { Seen::Connected } else { Seen::Unknown });
        self.seen.push(row.collect());
        for (tip, _) in self.tips.iter_mut().zip(held).filter(|(_, &h)| h) {
            *tip = block;
        }
    }

    /// A block new to the tree, known to no node yet.
    pub fn add_block(&mut self, block: BlockId) {
        debug_assert_eq!(self.seen.len(), block.index());
        self.seen.push(vec![Seen::Unknown; self.tips.len()]);
    }

    /// `node` validated `block` from `from`: connectable if its parent is connected
    /// here; otherwise it waits as an orphan.
    pub fn park_unless_connectable(
        &mut self,
        tree: &BlockTree,
        node: NodeId,
        from: NodeId,
        block: BlockId,
    ) -> Connectable {
        let parent = tree.entry(block).parent.expect("not genesis");
        match self.seen(parent, node) {
            Seen::Connected => Connectable::Yes,
            _ => {
                self.set_seen(block, node, Seen::Orphan);
                self.orphans[node.index()].push((block, from));
                self.orphans_waiting += 1;
                Connectable::Orphan { parent }
            }
        }
    }

    /// The first block at or below `block` that `node` does not hold as a waiting
    /// orphan: the root of the orphan chain `block` may top.
    pub fn below_orphans(&self, tree: &BlockTree, node: NodeId, mut block: BlockId) -> BlockId {
        while self.seen(block, node) == Seen::Orphan {
            block = tree.entry(block).parent.expect("an orphan is not genesis");
        }
        block
    }

    /// Orphans at `node` whose parent is `block`, taken out of waiting (in the order
    /// they arrived; the rest keep theirs).
    pub fn take_children(
        &mut self,
        tree: &BlockTree,
        node: NodeId,
        block: BlockId,
    ) -> Vec<(BlockId, NodeId)> {
        if self.orphans_waiting == 0 {
            return Vec::new();
        }
        let waiting = &mut self.orphans[node.index()];
        if waiting.is_empty() {
            return Vec::new();
        }
        let (children, rest): (Vec<_>, Vec<_>) = waiting
            .drain(..)
            .partition(|(c, _)| tree.entry(*c).parent == Some(block));
        *waiting = rest;
        self.orphans_waiting -= children.len();
        children
    }

    /// Makes `block` the tip of `node` if it has more work than the tip (the first
    /// seen wins ties, as in Bitcoin Core).
    pub fn consider_tip(
        &mut self,
        tree: &BlockTree,
        node: NodeId,
        block: BlockId,
    ) -> Option<TipMove> {
        let tip = self.tip(node);
        if !tree.displaces(block, tip) {
            return None;
        }
        let reorg_depth = (!tree.is_ancestor(tip, block)).then(|| {
            let fork = tree.fork_point(tip, block);
            tree.entry(tip).height - tree.entry(fork).height
        });
        self.tips[node.index()] = block;
        Some(TipMove {
            old: tip,
            reorg_depth,
        })
    }
}

pub enum Connectable {
    Yes,
    /// Parked until `parent` is connected.
    Orphan {
        parent: BlockId,
    },
}
