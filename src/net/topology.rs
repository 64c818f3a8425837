//! Topologies built with petgraph and flattened to adjacency lists for the hot loop.

use crate::sim::rng::SimRng;
use crate::sim::SimTime;
use petgraph::graph::{NodeIndex, UnGraph};
use rand::Rng;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    pub peer: u32,
    /// One-way propagation delay.
    pub latency: SimTime,
}

pub struct Topology {
    graph: UnGraph<(), SimTime>,
    adjacency: Vec<Vec<Link>>,
}

impl Topology {
    /// Bitcoin-like: every node opens `outbound` connections to distinct random peers
    /// (inbound ones come from others' choices); `latency(a, b, rng)` gives each new
    /// link its one-way delay. Components left apart by chance are joined so every
    /// block can reach every node.
    pub fn random_outbound(
        nodes: u32,
        outbound: u32,
        rng: &mut SimRng,
        mut latency: impl FnMut(u32, u32, &mut SimRng) -> SimTime,
    ) -> Topology {
        let mut graph =
            UnGraph::<(), SimTime>::with_capacity(nodes as usize, (nodes * outbound) as usize);
        for _ in 0..nodes {
            graph.add_node(());
        }
        let outbound = outbound.min(nodes - 1);
        for a in 0..nodes {
            let mut chosen = 0;
            while chosen < outbound {
                let b = rng.random_range(0..nodes);
                let (ia, ib) = (NodeIndex::new(a as usize), NodeIndex::new(b as usize));
                if b == a || graph.contains_edge(ia, ib) {
                    // A node already linked to all others cannot open more.
                    if graph.neighbors(ia).count() as u32 >= nodes - 1 {
                        break;
                    }
                    continue;
                }
                let delay = latency(a, b, rng);
                graph.add_edge(ia, ib, delay);
                chosen += 1;
            }
        }
        join_components(&mut graph, &mut latency, rng);
        Self::from_graph(graph)
    }

    fn from_graph(graph: UnGraph<(), SimTime>) -> Topology {
        let mut adjacency = vec![Vec::new(); graph.node_count()];
        for edge in graph.raw_edges() {
            let (a, b) = (edge.source().index(), edge.target().index());
            adjacency[a].push(Link {
                peer: b as u32,
                latency: edge.weight,
            });
            adjacency[b].push(Link {
                peer: a as u32,
                latency: edge.weight,
            });
        }
        Topology { graph, adjacency }
    }

    pub fn len(&self) -> usize {
        self.adjacency.len()
    }

    pub fn is_empty(&self) -> bool {
        self.adjacency.is_empty()
    }

    pub fn peers(&self, node: u32) -> &[Link] {
        &self.adjacency[node as usize]
    }

    pub fn latency(&self, a: u32, b: u32) -> Option<SimTime> {
        self.peers(a)
            .iter()
            .find(|l| l.peer == b)
            .map(|l| l.latency)
    }

    /// Latency of the fastest path from `source` to every node (Dijkstra).
    pub fn distances_from(&self, source: u32) -> Vec<SimTime> {
        let map =
            petgraph::algo::dijkstra(&self.graph, NodeIndex::new(source as usize), None, |e| {
                *e.weight()
            });
        let mut dist = vec![SimTime::MAX; self.len()];
        for (node, d) in map {
            dist[node.index()] = d;
        }
        dist
    }
}

/// Links the first node of each extra component to node 0's component.
fn join_components(
    graph: &mut UnGraph<(), SimTime>,
    latency: &mut impl FnMut(u32, u32, &mut SimRng) -> SimTime,
    rng: &mut SimRng,
) {
    let mut sets = petgraph::unionfind::UnionFind::new(graph.node_count());
    for edge in graph.raw_edges() {
        sets.union(edge.source().index(), edge.target().index());
    }
    for node in 1..graph.node_count() {
        if !sets.equiv(0, node) {
            sets.union(0, node);
            let delay = latency(0, node as u32, rng);
            graph.add_edge(NodeIndex::new(0), NodeIndex::new(node), delay);
        }
    }
}

/// Latency uniform in mean ± jitter, for networks without a region model.
pub fn uniform_latency(
    mean: SimTime,
    jitter: SimTime,
) -> impl FnMut(u32, u32, &mut SimRng) -> SimTime {
    move |_, _, rng| {
        if jitter == 0 {
            mean
        } else {
            rng.random_range(mean - jitter..=mean + jitter)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::stream;

    #[test]
    fn every_node_has_its_outbound_links_and_the_graph_is_connected() {
        let mut rng = stream(1, "topology", 0);
        let t = Topology::random_outbound(500, 8, &mut rng, uniform_latency(100, 20));
        for n in 0..500 {
            assert!(
                t.peers(n).len() >= 8,
                "node {n} has {} peers",
                t.peers(n).len()
            );
            assert!(t.peers(n).iter().all(|l| (80..=120).contains(&l.latency)));
        }
        assert!(t.distances_from(0).iter().all(|&d| d < SimTime::MAX));
    }

    #[test]
    fn tiny_networks_are_complete_graphs() {
        let mut rng = stream(1, "topology", 0);
        let t = Topology::random_outbound(3, 8, &mut rng, uniform_latency(100, 0));
        assert!((0..3).all(|n| t.peers(n).len() == 2));
    }
}
