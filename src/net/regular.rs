//! An exactly regular random graph for the dense cases where random pairing keeps
//! failing (a degree near the node count): a circulant graph — node i linked to the
//! `degree / 2` next nodes around a ring, and for an odd degree to the node opposite —
//! randomised by double edge swaps ({a-b, c-d} becomes {a-c, b-d}), which keep every
//! degree. If the swaps happen to disconnect it, the circulant graph itself is used.

use super::{EdgeSpec, NodeId, Topology};
use crate::sim::rng::SimRng;
use crate::sim::SimTime;
use rand::Rng;
use std::collections::HashSet;

/// `nodes · degree` is even and `degree < nodes` (checked by the scenario).
pub fn by_swaps(
    nodes: u32,
    degree: u32,
    rng: &mut SimRng,
    mut latency: impl FnMut(NodeId, NodeId, &mut SimRng) -> SimTime,
) -> Topology {
    let key = |a: u32, b: u32| (a.min(b), a.max(b));
    let mut edges: Vec<(u32, u32)> = Vec::new();
    for i in 0..nodes {
        for s in 1..=degree / 2 {
            edges.push(key(i, (i + s) % nodes));
        }
    }
    if degree % 2 == 1 {
        edges.extend((0..nodes / 2).map(|i| (i, i + nodes / 2)));
    }
    let circulant = edges.clone();
    let mut present: HashSet<(u32, u32)> = edges.iter().copied().collect();
    for _ in 0..u64::from(nodes) * u64::from(degree) {
        let (i, j) = (
            rng.random_range(0..edges.len()),
            rng.random_range(0..edges.len()),
        );
        let ((a, b), (c, d)) = (edges[i], edges[j]);
        let distinct = a != c && a != d && b != c && b != d;
        if !distinct || present.contains(&key(a, c)) || present.contains(&key(b, d)) {
            continue;
        }
        present.remove(&edges[i]);
        present.remove(&edges[j]);
        (edges[i], edges[j]) = (key(a, c), key(b, d));
        present.insert(edges[i]);
        present.insert(edges[j]);
    }
    let mut build = |list: &[(u32, u32)], rng: &mut SimRng| {
        let specs: Vec<EdgeSpec> = (list.iter())
            .map(|&(a, b)| EdgeSpec {
                a: NodeId(a),
                b: NodeId(b),
                latency: latency(NodeId(a), NodeId(b), rng),
                bandwidth_bps: f64::INFINITY,
            })
            .collect();
        Topology::from_edges(nodes, &specs)
    };
    let topo = build(&edges, rng);
    if topo.is_connected() {
        topo
    } else {
        build(&circulant, rng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::stream;

    #[test]
    fn dense_graphs_are_exactly_regular_and_connected() {
        for (n, d) in [(252, 250), (10, 9), (11, 8), (100, 3)] {
            let mut rng = stream(1, "test", 0);
            let topo = by_swaps(n, d, &mut rng, |_, _, _| SimTime::ZERO);
            assert!(topo.is_connected(), "{n} nodes, degree {d}");
            for v in 0..n {
                assert_eq!(
                    topo.peers(NodeId(v)).len() as u32,
                    d,
                    "{n} nodes, degree {d}"
                );
            }
        }
    }
}
