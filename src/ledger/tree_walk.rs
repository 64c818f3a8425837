//! Walks over the block tree: ancestry, fork points, and the stale branches beside
//! the main chain.

use super::chain::{BlockId, BlockTree};

impl BlockTree {
    /// Whether `descendant` has `ancestor` on its path to genesis.
    pub fn is_ancestor(&self, ancestor: BlockId, descendant: BlockId) -> bool {
        let height = self.entry(ancestor).height;
        self.ancestor_at(descendant, height) == Some(ancestor)
    }

    /// Walks only until the path joins the main chain, whose blocks are indexed by
    /// height: long runs ask this of old blocks, and a walk to them would cost the
    /// height difference each time.
    pub fn ancestor_at(&self, mut id: BlockId, height: u32) -> Option<BlockId> {
        if self.entry(id).height < height {
            return None;
        }
        while self.entry(id).height > height {
            if self.is_on_main_chain(id) {
                return self.at_height(height);
            }
            id = self.entry(id).parent?;
        }
        Some(id)
    }

    /// The last common block of two branches. Off-main-chain blocks are climbed until
    /// both are on the main chain, where the lower one is the answer.
    pub fn fork_point(&self, mut a: BlockId, mut b: BlockId) -> BlockId {
        loop {
            if a == b {
                return a;
            }
            let (main_a, main_b) = (self.is_on_main_chain(a), self.is_on_main_chain(b));
            let (ha, hb) = (self.entry(a).height, self.entry(b).height);
            if main_a && main_b {
                return if ha <= hb { a } else { b };
            }
            if !main_a && (main_b || ha >= hb) {
                a = self.entry(a).parent.expect("above genesis");
            } else {
                b = self.entry(b).parent.expect("above genesis");
            }
        }
    }

    /// Blocks from `a` and from `b` down to (not including) their last common block.
    pub(super) fn paths_to_fork(
        &self,
        mut a: BlockId,
        mut b: BlockId,
    ) -> (Vec<BlockId>, Vec<BlockId>) {
        let (mut up_a, mut up_b) = (Vec::new(), Vec::new());
        while self.entry(a).height > self.entry(b).height {
            up_a.push(a);
            a = self.entry(a).parent.expect("above genesis");
        }
        while self.entry(b).height > self.entry(a).height {
            up_b.push(b);
            b = self.entry(b).parent.expect("above genesis");
        }
        while a != b {
            up_a.push(a);
            a = self.entry(a).parent.expect("one genesis");
            up_b.push(b);
            b = self.entry(b).parent.expect("one genesis");
        }
        (up_a, up_b)
    }

    /// Blocks that are not on the main chain.
    pub fn stale_blocks(&self) -> impl Iterator<Item = BlockId> + '_ {
        (0..self.len() as u32)
            .map(BlockId)
            .filter(|&id| !self.is_on_main_chain(id))
    }

    /// For each stale branch tip (a stale block with no children): how many blocks the
    /// branch holds above its fork from the main chain.
    pub fn stale_branch_depths(&self) -> Vec<(BlockId, u32)> {
        let mut has_child = vec![false; self.len()];
        for entry in self.entries() {
            if let Some(p) = entry.parent {
                has_child[p.index()] = true;
            }
        }
        self.stale_blocks()
            .filter(|&id| !has_child[id.index()])
            .map(|tip| {
                let fork = self.fork_point(tip, self.best());
                (tip, self.entry(tip).height - self.entry(fork).height)
            })
            .collect()
    }
}
