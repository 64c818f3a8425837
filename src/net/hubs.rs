//! A peer graph from a measured distribution of connection counts, with mining nodes
//! as hubs, as Gervais et al. build Bitcoin's 2015–16 network (topology helper,
//! lines 783–939): the mining nodes are linked to each other and each opens links
//! until it has its hub minimum; then every node opens links to random nodes until it
//! has its drawn minimum. A node refuses links once it has its maximum.

use super::gervais2016::draw_degree;
use super::{EdgeSpec, NodeId, Topology};
use crate::sim::rng::SimRng;
use crate::sim::SimTime;
use rand::Rng;
use std::collections::HashSet;

pub struct HubGraph {
    /// (fewest, most) peers per node.
    limits: Vec<(u32, u32)>,
    count: Vec<u32>,
    pairs: HashSet<(u32, u32)>,
    edges: Vec<EdgeSpec>,
}

impl HubGraph {
    /// `hubs` (mining nodes) with `hub_peers` (fewest, most) peers and linked to each
    /// other, or, with `None`, drawn like every other node.
    pub fn build(
        nodes: u32,
        hubs: &[NodeId],
        hub_peers: Option<(u32, u32)>,
        rng: &mut SimRng,
        mut latency: impl FnMut(NodeId, NodeId, &mut SimRng) -> SimTime,
    ) -> Topology {
        let mut limits: Vec<(u32, u32)> = (0..nodes).map(|_| draw_degree(rng)).collect();
        if let Some(peers) = hub_peers {
            for h in hubs {
                limits[h.index()] = peers;
            }
        }
        let mut g = HubGraph {
            limits,
            count: vec![0; nodes as usize],
            pairs: HashSet::new(),
            edges: Vec::new(),
        };
        if hub_peers.is_some() {
            for (i, &a) in hubs.iter().enumerate() {
                for &b in &hubs[i + 1..] {
                    g.link(a.0, b.0, rng, &mut latency);
                }
            }
            for &h in hubs {
                g.fill(h.0, rng, &mut latency);
            }
        }
        for a in 0..nodes {
            g.fill(a, rng, &mut latency);
        }
        g.join_components(rng, &mut latency);
        Topology::from_edges(nodes, &g.edges)
    }

    fn link(
        &mut self,
        a: u32,
        b: u32,
        rng: &mut SimRng,
        latency: &mut impl FnMut(NodeId, NodeId, &mut SimRng) -> SimTime,
    ) {
        self.pairs.insert((a.min(b), a.max(b)));
        self.count[a as usize] += 1;
        self.count[b as usize] += 1;
        self.edges.push(EdgeSpec {
            a: NodeId(a),
            b: NodeId(b),
            latency: latency(NodeId(a), NodeId(b), rng),
            bandwidth_bps: f64::INFINITY,
        });
    }

    /// `a` opens links to random nodes that still accept until it has its minimum; it
    /// gives up after as many tries as the source allows (ten per link wanted, and at
    /// least the network's size), as there may be too few nodes that accept.
    fn fill(
        &mut self,
        a: u32,
        rng: &mut SimRng,
        latency: &mut impl FnMut(NodeId, NodeId, &mut SimRng) -> SimTime,
    ) {
        let n = self.count.len() as u32;
        let want = self.limits[a as usize].0;
        let tries = (10 * u64::from(want)).max(u64::from(n));
        for _ in 0..tries {
            if self.count[a as usize] >= want {
                return;
            }
            let b = rng.random_range(0..n);
            let full = self.count[b as usize] >= self.limits[b as usize].1;
            if b == a || full || self.pairs.contains(&(a.min(b), a.max(b))) {
                continue;
            }
            self.link(a, b, rng, latency);
        }
    }

    /// Components left apart by chance are linked to the first one, so that every
    /// block can reach every node.
    fn join_components(
        &mut self,
        rng: &mut SimRng,
        latency: &mut impl FnMut(NodeId, NodeId, &mut SimRng) -> SimTime,
    ) {
        let n = self.count.len();
        let mut parent: Vec<usize> = (0..n).collect();
        fn root(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        for e in &self.edges {
            let (ra, rb) = (
                root(&mut parent, e.a.index()),
                root(&mut parent, e.b.index()),
            );
            parent[ra] = rb;
        }
        for x in 1..n {
            if root(&mut parent, x) != root(&mut parent, 0) {
                let mut other = rng.random_range(0..n);
                while root(&mut parent, other) != root(&mut parent, 0) {
                    other = rng.random_range(0..n);
                }
                let rx = root(&mut parent, x);
                parent[rx] = root(&mut parent, 0);
                self.link(x as u32, other as u32, rng, latency);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::stream;

    #[test]
    fn hubs_are_meshed_and_reach_their_minimum_and_every_node_is_reached() {
        let hubs: Vec<NodeId> = (0..16).map(|i| NodeId(i * 375)).collect();
        let mut rng = stream(5, "test", 0);
        let topo = HubGraph::build(6000, &hubs, Some((700, 800)), &mut rng, |_, _, _| {
            SimTime::from_nanos(10_000_000)
        });
        assert!(topo.is_connected());
        for &h in &hubs {
            let peers = topo.peers(h);
            assert!((700..=800).contains(&peers.len()), "{}", peers.len());
            assert!(hubs
                .iter()
                .filter(|&&o| o != h)
                .all(|&o| topo.link(h, o).is_some()));
        }
        let regular: Vec<usize> = (0..6000u32)
            .filter(|i| i % 375 != 0)
            .map(|i| topo.peers(NodeId(i)).len())
            .collect();
        let mean = regular.iter().sum::<usize>() as f64 / regular.len() as f64;
        // Each node's own minimum (8.9 on average) plus the links others open to it and
        // the hubs' (16 × 700 over 5,984 nodes): about 11.
        assert!((10.0..12.5).contains(&mean), "{mean}");
    }
}
