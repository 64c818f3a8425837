//! Topologies built with petgraph and flattened into one array of links for the hot loop.

use super::NodeId;
use crate::sim::rng::SimRng;
use crate::sim::SimTime;
use petgraph::graph::{NodeIndex, UnGraph};
use rand::Rng;

/// One direction of a link as the hot loop sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    pub peer: NodeId,
    /// Where this link sits in the peer's own list: how the peer names us.
    pub back: u32,
    /// One-way propagation delay.
    pub latency: SimTime,
    /// The link's own capacity (bits/s), infinite unless a topology file sets one;
    /// transfers also run no faster than the two nodes' bandwidth.
    pub bandwidth_bps: f64,
    /// The rate a message over this link moves at: the slowest of the sender's
    /// upload, the receiver's download and `bandwidth_bps`, written by the transport
    /// (`Transport::new`, `Transport::open_link`) so that timing a message need not
    /// read the receiver's record — a cache miss per message, a tenth of a
    /// 100,000-node run. NaN where not written: the rate is then computed.
    pub rate_bps: f64,
}

impl Link {
    /// A link whose rate the transport has not written yet.
    pub fn new(peer: NodeId, back: u32, latency: SimTime, bandwidth_bps: f64) -> Self {
        Link {
            peer,
            back,
            latency,
            bandwidth_bps,
            rate_bps: f64::NAN,
        }
    }
}

/// An undirected edge given by the user (a topology file): nodes, delay, capacity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EdgeSpec {
    pub a: NodeId,
    pub b: NodeId,
    pub latency: SimTime,
    pub bandwidth_bps: f64,
}

#[derive(Clone, Copy, Debug)]
struct EdgeInfo {
    latency: SimTime,
    bandwidth_bps: f64,
}

impl EdgeInfo {
    fn latency(latency: SimTime) -> Self {
        EdgeInfo {
            latency,
            bandwidth_bps: f64::INFINITY,
        }
    }
}

type Graph = UnGraph<(), EdgeInfo>;

/// The graph, and each node's links in one flat array (node `i`'s are
/// `links[offsets[i]..offsets[i + 1]]`): the hot loop reads a node's peers without
/// following a pointer per node, and finds a link by scanning the peers' ids alone
/// (`peer_ids`, parallel to `links`: 16 peers are one cache line).
pub struct Topology {
    graph: Graph,
    offsets: Vec<usize>,
    links: Vec<Link>,
    peer_ids: Vec<NodeId>,
    /// Each node's region (an index into `net::regions::REGIONS`), where the network
    /// model has regions; empty otherwise.
    region: Vec<u8>,
    /// Where links open and close during the run (routing, `topology_live.rs`): per
    /// link, whether it is open, parallel to `links`; empty while every link is.
    open: Vec<bool>,
    /// The rule that gave the links their delays, for links opened later.
    latency_model: Option<super::latency::LatencyModel>,
}

fn empty_graph(nodes: u32, edges: usize) -> Graph {
    let mut graph = Graph::with_capacity(nodes as usize, edges);
    for _ in 0..nodes {
        graph.add_node(());
    }
    graph
}

fn linked(graph: &Graph, a: u32, b: u32) -> bool {
    graph.contains_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize))
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
        latency: impl FnMut(NodeId, NodeId, &mut SimRng) -> SimTime,
    ) -> Topology {
        Self::random_outbound_capped(nodes, (outbound, u32::MAX), rng, latency)
    }

    /// As [`Topology::random_outbound`], where no node takes more than `max_inbound`
    /// of the others' links (routing's inbound limit): a full node is drawn again.
    /// Without a limit (`u32::MAX`) the draws are those of `random_outbound`.
    pub fn random_outbound_capped(
        nodes: u32,
        (outbound, max_inbound): (u32, u32),
        rng: &mut SimRng,
        mut latency: impl FnMut(NodeId, NodeId, &mut SimRng) -> SimTime,
    ) -> Topology {
        let mut graph = empty_graph(nodes, (nodes * outbound) as usize);
        let outbound = outbound.min(nodes - 1);
        let mut inbound = vec![
            0u32;
            if max_inbound < u32::MAX {
                nodes as usize
            } else {
                0
            }
        ];
        for a in 0..nodes {
            let mut chosen = 0;
            let mut full = 0u64;
            while chosen < outbound {
                let b = rng.random_range(0..nodes);
                let ia = NodeIndex::new(a as usize);
                if inbound.get(b as usize).is_some_and(|&i| i >= max_inbound) {
                    // The scenario asks max_inbound ≥ outbound, so free places exist;
                    // a bound all the same, never a hang.
                    full += 1;
                    if full > 64 * u64::from(nodes) {
                        break;
                    }
                    continue;
                }
                if b == a || linked(&graph, a, b) {
                    // A node already linked to all others cannot open more.
                    if graph.neighbors(ia).count() as u32 >= nodes - 1 {
                        break;
                    }
                    continue;
                }
                let delay = latency(NodeId(a), NodeId(b), rng);
                graph.add_edge(ia, NodeIndex::new(b as usize), EdgeInfo::latency(delay));
                if let Some(i) = inbound.get_mut(b as usize) {
                    *i += 1;
                }
                chosen += 1;
            }
        }
        join_components(&mut graph, &mut latency, rng);
        Self::from_graph(graph)
    }

    /// Every node has exactly `degree` peers, chosen at random (Steger and Wormald's
    /// pairing: random free stubs are joined unless that would make a loop or a double
    /// link; a dead end starts over). `nodes · degree` must be even.
    pub fn random_regular(
        nodes: u32,
        degree: u32,
        rng: &mut SimRng,
        mut latency: impl FnMut(NodeId, NodeId, &mut SimRng) -> SimTime,
    ) -> Topology {
        let degree = degree.min(nodes - 1);
        'attempt: for _ in 0..100 {
            let mut graph = empty_graph(nodes, (nodes * degree / 2) as usize);
            let mut stubs: Vec<u32> = (0..nodes)
                .flat_map(|n| std::iter::repeat_n(n, degree as usize))
                .collect();
            while stubs.len() >= 2 {
                let mut joined = false;
                for _ in 0..stubs.len() * 4 + 100 {
                    let i = rng.random_range(0..stubs.len());
                    let j = rng.random_range(0..stubs.len());
                    let (a, b) = (stubs[i], stubs[j]);
                    if a == b || linked(&graph, a, b) {
                        continue;
                    }
                    let delay = latency(NodeId(a), NodeId(b), rng);
                    graph.add_edge(
                        NodeIndex::new(a as usize),
                        NodeIndex::new(b as usize),
                        EdgeInfo::latency(delay),
                    );
                    let (hi, lo) = (i.max(j), i.min(j));
                    stubs.swap_remove(hi);
                    stubs.swap_remove(lo);
                    joined = true;
                    break;
                }
                if !joined {
                    continue 'attempt;
                }
            }
            // Joining components would add links and break the regularity: a graph
            // in pieces is a failed attempt too.
            if petgraph::algo::connected_components(&graph) != 1 {
                continue 'attempt;
            }
            return Self::from_graph(graph);
        }
        // Dense graphs (degree near the node count) defeat the pairing: build one that
        // is exactly regular another way, never a graph of another kind.
        super::regular::by_swaps(nodes, degree, rng, latency)
    }

    /// Watts and Strogatz's small world: a ring where each node links to its `k`
    /// nearest neighbours on each side, then each link's far end is moved to a random
    /// node with probability `rewire`.
    pub fn small_world(
        nodes: u32,
        k: u32,
        rewire: f64,
        rng: &mut SimRng,
        mut latency: impl FnMut(NodeId, NodeId, &mut SimRng) -> SimTime,
    ) -> Topology {
        let k = k.min((nodes - 1) / 2).max(1);
        let mut graph = empty_graph(nodes, (nodes * k) as usize);
        for step in 1..=k {
            for a in 0..nodes {
                let mut b = (a + step) % nodes;
                if rng.random::<f64>() < rewire {
                    // Up to a few tries for a free partner; keep the ring link otherwise.
                    for _ in 0..8 {
                        let c = rng.random_range(0..nodes);
                        if c != a && !linked(&graph, a, c) {
                            b = c;
                            break;
                        }
                    }
                }
                if a != b && !linked(&graph, a, b) {
                    let delay = latency(NodeId(a), NodeId(b), rng);
                    graph.add_edge(
                        NodeIndex::new(a as usize),
                        NodeIndex::new(b as usize),
                        EdgeInfo::latency(delay),
                    );
                }
            }
        }
        join_components(&mut graph, &mut latency, rng);
        Self::from_graph(graph)
    }

    /// Exactly the given edges (validated by the caller: ids in range, no loops, no
    /// repeats, connected).
    pub fn from_edges(nodes: u32, edges: &[EdgeSpec]) -> Topology {
        let mut graph = empty_graph(nodes, edges.len());
        for e in edges {
            graph.add_edge(
                NodeIndex::new(e.a.index()),
                NodeIndex::new(e.b.index()),
                EdgeInfo {
                    latency: e.latency,
                    bandwidth_bps: e.bandwidth_bps,
                },
            );
        }
        Self::from_graph(graph)
    }

    /// Gives `node` up to `count` more links to random nodes it is not linked to yet.
    pub fn add_random_links(
        &mut self,
        node: NodeId,
        count: u32,
        rng: &mut SimRng,
        mut latency: impl FnMut(NodeId, NodeId, &mut SimRng) -> SimTime,
    ) {
        let n = self.len() as u32;
        let mut adjacency = self.lists();
        let mut added = 0;
        let mut tries = 0u64;
        // count is below n (checked by the scenario): this many tries always suffice.
        while added < count && tries < 20 * (u64::from(count) + u64::from(n)) {
            tries += 1;
            let peer = NodeId(rng.random_range(0..n));
            if peer == node || linked(&self.graph, node.0, peer.0) {
                continue;
            }
            let delay = latency(node, peer, rng);
            push_link(&mut self.graph, &mut adjacency, (node, peer), delay);
            added += 1;
        }
        self.flatten(adjacency);
    }

    /// Links `a` to `b` unless they are linked already (an eclipse attacker's links to
    /// its victims, made after everything else so that they reshuffle nothing).
    pub fn add_link(
        &mut self,
        (a, b): (NodeId, NodeId),
        rng: &mut SimRng,
        mut latency: impl FnMut(NodeId, NodeId, &mut SimRng) -> SimTime,
    ) {
        if a == b || linked(&self.graph, a.0, b.0) {
            return;
        }
        let mut adjacency = self.lists();
        let delay = latency(a, b, rng);
        push_link(&mut self.graph, &mut adjacency, (a, b), delay);
        self.flatten(adjacency);
    }

    /// Each node's links as a list of its own (for changing them while building).
    fn lists(&self) -> Vec<Vec<Link>> {
        (0..self.len())
            .map(|i| self.links[self.offsets[i]..self.offsets[i + 1]].to_vec())
            .collect()
    }

    /// Lays `adjacency` out flat, every node's links in the same order.
    fn flatten(&mut self, adjacency: Vec<Vec<Link>>) {
        debug_assert!(self.open.is_empty(), "links are added before any closes");
        self.offsets = Vec::with_capacity(adjacency.len() + 1);
        self.offsets.push(0);
        self.links = Vec::with_capacity(adjacency.iter().map(Vec::len).sum());
        for list in adjacency {
            self.links.extend(list);
            self.offsets.push(self.links.len());
        }
        self.peer_ids = self.links.iter().map(|l| l.peer).collect();
    }

    fn from_graph(graph: Graph) -> Topology {
        let mut adjacency = vec![Vec::new(); graph.node_count()];
        for edge in graph.raw_edges() {
            let (a, b) = (edge.source().index(), edge.target().index());
            let (latency, bandwidth_bps) = (edge.weight.latency, edge.weight.bandwidth_bps);
            let (slot_a, slot_b) = (adjacency[a].len() as u32, adjacency[b].len() as u32);
            adjacency[a].push(Link::new(NodeId(b as u32), slot_b, latency, bandwidth_bps));
            adjacency[b].push(Link::new(NodeId(a as u32), slot_a, latency, bandwidth_bps));
        }
        let mut topology = Topology {
            graph,
            offsets: vec![0],
            links: Vec::new(),
            peer_ids: Vec::new(),
            region: Vec::new(),
            open: Vec::new(),
            latency_model: None,
        };
        topology.flatten(adjacency);
        topology
    }

    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn peers(&self, node: NodeId) -> &[Link] {
        &self.links[self.offsets[node.index()]..self.offsets[node.index() + 1]]
    }

    /// `node`'s links, to write their rates (`Transport`).
    pub fn peers_mut(&mut self, node: NodeId) -> &mut [Link] {
        &mut self.links[self.offsets[node.index()]..self.offsets[node.index() + 1]]
    }

    /// Places every node in a region (`regions[node]`, an index into
    /// `net::regions::REGIONS`).
    pub fn set_regions(&mut self, regions: &[usize]) {
        debug_assert_eq!(regions.len(), self.len());
        self.region = regions.iter().map(|&r| r as u8).collect();
    }

    /// `node`'s region, where the network has regions.
    pub fn region(&self, node: NodeId) -> Option<usize> {
        self.region.get(node.index()).map(|&r| usize::from(r))
    }

    pub fn link(&self, a: NodeId, b: NodeId) -> Option<Link> {
        let (start, end) = (self.offsets[a.index()], self.offsets[a.index() + 1]);
        let slot = self.peer_ids[start..end].iter().position(|&p| p == b)?;
        Some(self.links[start + slot])
    }

    /// Hops on the fewest-hop path from `source` to every node (breadth-first).
    pub fn hops_from(&self, source: NodeId) -> Vec<u32> {
        let mut hops = vec![u32::MAX; self.len()];
        let mut queue = std::collections::VecDeque::from([source]);
        hops[source.index()] = 0;
        while let Some(node) = queue.pop_front() {
            for link in self.peers(node) {
                if hops[link.peer.index()] == u32::MAX {
                    hops[link.peer.index()] = hops[node.index()] + 1;
                    queue.push_back(link.peer);
                }
            }
        }
        hops
    }

    /// Whether every node can reach node 0.
    pub fn is_connected(&self) -> bool {
        petgraph::algo::connected_components(&self.graph) <= 1
    }

    /// Latency of the fastest path from `source` to every node (Dijkstra); `MAX` for
    /// nodes it cannot reach.
    pub fn distances_from(&self, source: NodeId) -> Vec<SimTime> {
        let map =
            petgraph::algo::dijkstra(&self.graph, NodeIndex::new(source.index()), None, |e| {
                e.weight().latency.nanos()
            });
        let mut dist = vec![SimTime::MAX; self.len()];
        for (node, d) in map {
            dist[node.index()] = SimTime(d);
        }
        dist
    }
}

/// A new link between `a` and `b` in the graph and at the end of both lists.
fn push_link(
    graph: &mut Graph,
    adjacency: &mut [Vec<Link>],
    (a, b): (NodeId, NodeId),
    delay: SimTime,
) {
    let (ia, ib) = (NodeIndex::new(a.index()), NodeIndex::new(b.index()));
    graph.add_edge(ia, ib, EdgeInfo::latency(delay));
    let slots = [a, b].map(|v| adjacency[v.index()].len() as u32);
    for (from, to, back) in [(a, b, slots[1]), (b, a, slots[0])] {
        adjacency[from.index()].push(Link::new(to, back, delay, f64::INFINITY));
    }
}

/// Links the first node of each extra component to node 0's component.
fn join_components(
    graph: &mut Graph,
    latency: &mut impl FnMut(NodeId, NodeId, &mut SimRng) -> SimTime,
    rng: &mut SimRng,
) {
    let mut sets = petgraph::unionfind::UnionFind::new(graph.node_count());
    for edge in graph.raw_edges() {
        sets.union(edge.source().index(), edge.target().index());
    }
    for node in 1..graph.node_count() {
        if !sets.equiv(0, node) {
            sets.union(0, node);
            let delay = latency(NodeId(0), NodeId(node as u32), rng);
            graph.add_edge(
                NodeIndex::new(0),
                NodeIndex::new(node),
                EdgeInfo::latency(delay),
            );
        }
    }
}

/// Latency uniform in mean ± jitter, for networks without a region model.
pub fn uniform_latency(
    mean: SimTime,
    jitter: SimTime,
) -> impl FnMut(NodeId, NodeId, &mut SimRng) -> SimTime {
    let model = super::latency::LatencyModel::Uniform { mean, jitter };
    move |a, b, rng| model.draw(a, b, rng)
}

#[path = "topology_live.rs"]
mod live;

#[cfg(test)]
#[path = "topology_tests.rs"]
mod tests;
