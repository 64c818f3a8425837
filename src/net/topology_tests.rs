//! Tests of `topology.rs`, kept apart to keep that file short.
use super::*;
use crate::sim::rng::stream;

#[test]
fn every_node_has_its_outbound_links_and_the_graph_is_connected() {
    let mut rng = stream(1, "topology", 0);
    let t = Topology::random_outbound(500, 8, &mut rng, uniform_latency(SimTime(100), SimTime(20)));
    for n in 0..500 {
        let n = NodeId(n);
        assert!(
            t.peers(n).len() >= 8,
            "node {n} has {} peers",
            t.peers(n).len()
        );
        assert!(t
            .peers(n)
            .iter()
            .all(|l| (80..=120).contains(&l.latency.nanos())));
    }
    assert!(t
        .distances_from(NodeId(0))
        .iter()
        .all(|&d| d < SimTime::MAX));
}

#[test]
fn each_link_knows_its_slot_at_the_other_end() {
    let mut rng = stream(4, "topology", 0);
    let mut t =
        Topology::random_outbound(300, 8, &mut rng, uniform_latency(SimTime(100), SimTime(20)));
    t.add_random_links(NodeId(7), 40, &mut rng, |_, _, _| SimTime(5));
    t.add_random_links(NodeId(8), 40, &mut rng, |_, _, _| SimTime(5));
    for n in NodeId::all(300) {
        for link in t.peers(n) {
            let back = t.peers(link.peer)[link.back as usize];
            assert_eq!((back.peer, back.latency), (n, link.latency));
        }
    }
}

#[test]
fn regular_graphs_give_every_node_the_same_degree() {
    let mut rng = stream(2, "topology", 0);
    let t = Topology::random_regular(
        1000,
        16,
        &mut rng,
        uniform_latency(SimTime(100), SimTime(0)),
    );
    assert!(NodeId::all(1000).all(|n| t.peers(n).len() == 16));
    assert!(t.is_connected());
}

#[test]
fn small_worlds_keep_the_ring_degree_and_get_shortcuts() {
    let mut rng = stream(3, "topology", 0);
    let ring = Topology::small_world(
        400,
        2,
        0.0,
        &mut rng,
        uniform_latency(SimTime(1), SimTime(0)),
    );
    let world = Topology::small_world(
        400,
        2,
        0.2,
        &mut rng,
        uniform_latency(SimTime(1), SimTime(0)),
    );
    let edges = |t: &Topology| NodeId::all(400).map(|n| t.peers(n).len()).sum::<usize>() / 2;
    assert_eq!(edges(&ring), 800);
    // Rewiring only moves links, so the count stays, and shortcuts shrink paths:
    // the ring's farthest node is 100 hops away.
    assert!(edges(&world) >= 790);
    let far = |t: &Topology| t.distances_from(NodeId(0)).iter().max().unwrap().nanos();
    assert_eq!(far(&ring), 100);
    assert!(far(&world) < 30, "{}", far(&world));
}

#[test]
fn tiny_networks_are_complete_graphs() {
    let mut rng = stream(1, "topology", 0);
    let t = Topology::random_outbound(3, 8, &mut rng, uniform_latency(SimTime(100), SimTime(0)));
    assert!(NodeId::all(3).all(|n| t.peers(n).len() == 2));
}
