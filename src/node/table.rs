//! The node table: what each node is (a miner's host, an attacker's, a light client)
//! — a column per property, indexed by node, for the hot loop's cache.

use super::ids::MinerId;
use crate::net::NodeId;
use crate::sim::rng::stream;

pub struct NodeTable {
    /// The miner each node hosts, if any (honest and attacking alike).
    miner_of_node: Vec<Option<MinerId>>,
    /// Whether each node is a light (headers-only) node.
    light: Vec<bool>,
    /// The light nodes, in id order (they hold the workload's wallets, dealt round-robin).
    light_list: Vec<NodeId>,
    /// Whether each miner attacks.
    attacking: Vec<bool>,
}

/// The node of the `index`-th of `miners` miners (honest first, then attackers):
/// spread evenly over the id space.
pub fn miner_node(index: usize, miners: usize, nodes: u32) -> NodeId {
    NodeId((index as u64 * u64::from(nodes) / miners as u64) as u32)
}

impl NodeTable {
    /// `honest` miners then `attackers`, each on its own node; a `light_fraction` of
    /// the nodes that host no miner are light, drawn from the seed.
    pub fn new(
        nodes: u32,
        honest: usize,
        attackers: usize,
        light_fraction: f64,
        seed: u64,
    ) -> Self {
        let miners = honest + attackers;
        let mut miner_of_node = vec![None; nodes as usize];
        for i in 0..miners {
            miner_of_node[miner_node(i, miners, nodes).index()] = Some(MinerId(i as u32));
        }
        let light = light_nodes(&miner_of_node, light_fraction, seed);
        NodeTable {
            light_list: (0..nodes)
                .map(NodeId)
                .filter(|n| light[n.index()])
                .collect(),
            light,
            miner_of_node,
            attacking: (0..miners).map(|i| i >= honest).collect(),
        }
    }

    pub fn len(&self) -> u32 {
        self.light.len() as u32
    }

    pub fn is_empty(&self) -> bool {
        self.light.is_empty()
    }

    pub fn is_light(&self, node: NodeId) -> bool {
        self.light.get(node.index()).copied().unwrap_or(false)
    }

    pub fn light_nodes(&self) -> &[NodeId] {
        &self.light_list
    }

    pub fn miner_at(&self, node: NodeId) -> Option<MinerId> {
        self.miner_of_node[node.index()]
    }

    /// The honest miner hosted at `node`, if any (attackers keep their own templates).
    pub fn honest_miner_at(&self, node: NodeId) -> Option<MinerId> {
        self.miner_at(node).filter(|m| !self.attacking[m.index()])
    }

    pub fn attacks(&self, miner: MinerId) -> bool {
        self.attacking[miner.index()]
    }

    /// The light node holding wallet `w`, if light nodes hold wallets.
    pub fn wallet_owner(&self, w: u32) -> Option<NodeId> {
        let light = &self.light_list;
        (!light.is_empty()).then(|| light[w as usize % light.len()])
    }
}

/// A `fraction` of the nodes that do not mine, picked from the seed.
fn light_nodes(miner_of_node: &[Option<MinerId>], fraction: f64, seed: u64) -> Vec<bool> {
    let n = miner_of_node.len();
    let mut light = vec![false; n];
    let candidates: Vec<usize> = (0..n).filter(|&i| miner_of_node[i].is_none()).collect();
    let count = ((fraction * n as f64).round() as usize).min(candidates.len());
    if count > 0 {
        let mut rng = stream(seed, "light-nodes", 0);
        for i in rand::seq::index::sample(&mut rng, candidates.len(), count) {
            light[candidates[i]] = true;
        }
    }
    light
}
