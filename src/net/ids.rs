//! Node identities: a type of its own, so that a miner's, an attacker's or a payment's
//! number is never taken for a node's.

use std::fmt;

/// A node of the simulated network, numbered from 0.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Debug)]
pub struct NodeId(pub u32);

impl NodeId {
    /// Its position in per-node vectors.
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// Every node of a network of `nodes`, in order.
    pub fn all(nodes: u32) -> impl Iterator<Item = NodeId> {
        (0..nodes).map(NodeId)
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
