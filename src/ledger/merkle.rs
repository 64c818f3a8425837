//! Merkle roots computed Bitcoin's way and inclusion proofs a light client can check.

use super::hash::{sha256d, Hash256};
use serde::Serialize;

fn parent(left: &Hash256, right: &Hash256) -> Hash256 {
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(&left.0);
    buf[32..].copy_from_slice(&right.0);
    sha256d(&buf)
}

/// The root of `leaves`, duplicating the last hash of every odd-length level, and
/// whether the tree is "mutated" (CVE-2012-2459): a level where the paired hashes are
/// equal, so that a different transaction list would give the same root.
pub fn merkle_root_checked<L: Copy + Into<Hash256>>(leaves: &[L]) -> (Hash256, bool) {
    if leaves.is_empty() {
        return (Hash256::ZERO, false);
    }
    let mut level: Vec<Hash256> = leaves.iter().map(|&l| l.into()).collect();
    let mut mutated = false;
    while level.len() > 1 {
        mutated |= level.chunks_exact(2).any(|pair| pair[0] == pair[1]);
        if level.len() % 2 == 1 {
            level.push(*level.last().expect("non-empty"));
        }
        level = level
            .chunks_exact(2)
            .map(|p| parent(&p[0], &p[1]))
            .collect();
    }
    (level[0], mutated)
}

pub fn merkle_root<L: Copy + Into<Hash256>>(leaves: &[L]) -> Hash256 {
    merkle_root_checked(leaves).0
}

/// The sibling hashes from one leaf up to the root: what a full node sends a light
/// client so it can check that a transaction is in a block whose header it holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MerkleProof {
    pub index: u32,
    /// Transactions in the block, as a merkleblock message carries them (BIP 37): an
    /// index at or past it would let a duplicated last leaf pass for a real one.
    pub leaf_count: u32,
    pub siblings: Vec<Hash256>,
}

/// Levels above the leaves in a tree of `leaves` leaves: ceil(log2(leaves)).
fn tree_depth(leaves: u32) -> usize {
    (u32::BITS - leaves.saturating_sub(1).leading_zeros()) as usize
}

impl MerkleProof {
    /// The proof for `leaves[index]`; `None` when the index is out of range.
    pub fn build<L: Copy + Into<Hash256>>(leaves: &[L], index: usize) -> Option<MerkleProof> {
        if index >= leaves.len() {
            return None;
        }
        let leaf_count = u32::try_from(leaves.len()).ok()?;
        let mut siblings = Vec::new();
        let mut level: Vec<Hash256> = leaves.iter().map(|&l| l.into()).collect();
        let mut pos = index;
        while level.len() > 1 {
            if level.len() % 2 == 1 {
                level.push(*level.last().expect("non-empty"));
            }
            siblings.push(level[pos ^ 1]);
            level = level
                .chunks_exact(2)
                .map(|p| parent(&p[0], &p[1]))
                .collect();
            pos /= 2;
        }
        Some(MerkleProof {
            index: index as u32,
            leaf_count,
            siblings,
        })
    }

    /// Recomputes the root from `leaf` and the siblings, taking left or right by the
    /// index bits, and compares it with `root` (from a header the client validated).
    pub fn verify(&self, leaf: impl Into<Hash256>, root: Hash256) -> bool {
        let leaf = leaf.into();
        if self.index >= self.leaf_count || self.siblings.len() != tree_depth(self.leaf_count) {
            return false;
        }
        let mut acc = leaf;
        for (depth, sibling) in self.siblings.iter().enumerate() {
            acc = if (self.index >> depth) & 1 == 0 {
                parent(&acc, sibling)
            } else {
                parent(sibling, &acc)
            };
        }
        acc == root
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_leaf_is_its_own_root() {
        let leaf = sha256d(b"a");
        assert_eq!(merkle_root(&[leaf]), leaf);
        let proof = MerkleProof::build(&[leaf], 0).unwrap();
        assert!(proof.siblings.is_empty());
        assert!(proof.verify(leaf, leaf));
    }

    #[test]
    fn duplicated_last_pair_is_flagged_as_mutated() {
        let a = sha256d(b"a");
        let b = sha256d(b"b");
        let c = sha256d(b"c");
        let (root3, mutated3) = merkle_root_checked(&[a, b, c]);
        let (root4, mutated4) = merkle_root_checked(&[a, b, c, c]);
        assert_eq!(root3, root4, "Bitcoin's odd-level rule makes these collide");
        assert!(!mutated3);
        assert!(mutated4);
    }

    #[test]
    fn depth_is_the_ceiling_of_log2() {
        let depths: Vec<usize> = [1, 2, 3, 4, 5, 8, 9, 1 << 20, (1 << 20) + 1]
            .map(tree_depth)
            .to_vec();
        assert_eq!(depths, vec![0, 1, 2, 2, 3, 3, 4, 20, 21]);
    }

    #[test]
    fn an_index_at_the_leaf_count_is_refused() {
        // Four leaves: index 4 walks the same left turns as index 0.
        let leaves: Vec<_> = (0..4u8).map(|i| sha256d(&[i])).collect();
        let root = merkle_root(&leaves);
        assert!(MerkleProof::build(&leaves, 4).is_none());
        let mut proof = MerkleProof::build(&leaves, 0).unwrap();
        proof.index = 4;
        assert!(!proof.verify(leaves[0], root));
        // Three leaves: index 3 is the duplicated third leaf (CVE-2012-2459's shape).
        let three = &leaves[..3];
        let root3 = merkle_root(three);
        let mut dup = MerkleProof::build(three, 2).unwrap();
        dup.index = 3;
        dup.siblings[0] = three[2];
        assert!(!dup.verify(three[2], root3));
        dup.leaf_count = 4;
        assert!(
            dup.verify(three[2], root3),
            "only the leaf count refuses it"
        );
    }

    #[test]
    fn proof_with_index_beyond_its_depth_fails() {
        let leaves: Vec<_> = (0..4u8).map(|i| sha256d(&[i])).collect();
        let root = merkle_root(&leaves);
        let mut proof = MerkleProof::build(&leaves, 1).unwrap();
        assert!(proof.verify(leaves[1], root));
        proof.index += 4;
        assert!(!proof.verify(leaves[1], root));
    }
}
