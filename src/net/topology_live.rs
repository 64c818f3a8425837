//! Links that open and close during a run (routing nodes, `node::routing`).
//!
//! A link's place in both nodes' lists is never taken back: a closed link stays where
//! it was, marked closed, and opening it again (the same two nodes) reopens it there;
//! a link between two nodes never linked before goes at the end of both lists. So a
//! slot names one peer for the whole run, and what the node layer keeps by slot (the
//! announcements it heard, `relay::announce`) or carries in events can never come to
//! name another peer; a message over a closed link is lost on arrival
//! ([`crate::net::Transport::delivered`]). Lists grow by the peers a node ever had.

use super::super::latency::LatencyModel;
use super::{EdgeInfo, Link, NodeId, Topology};
use crate::sim::rng::SimRng;
use crate::sim::SimTime;
use petgraph::graph::NodeIndex;

impl Topology {
    /// Keeps the rule that drew the links' delays, for links opened later.
    pub fn set_latency_model(&mut self, model: LatencyModel) {
        self.latency_model = Some(model);
    }

    /// A delay for a new link between `a` and `b`, by the topology's rule.
    pub fn draw_latency(&self, a: NodeId, b: NodeId, rng: &mut SimRng) -> SimTime {
        let model = self
            .latency_model
            .as_ref()
            .expect("built with a latency rule");
        model.draw(a, b, rng)
    }

    /// From now on links may close and open: every link is open.
    pub fn make_live(&mut self) {
        if self.open.is_empty() {
            self.open = vec![true; self.links.len()];
        }
    }

    pub fn is_live(&self) -> bool {
        !self.open.is_empty()
    }

    /// Whether the link in `slot` of `node`'s list is open.
    pub fn is_open(&self, node: NodeId, slot: usize) -> bool {
        self.open.is_empty() || self.open[self.offsets[node.index()] + slot]
    }

    /// Where `b` sits in `a`'s list, open or not.
    fn slot(&self, a: NodeId, b: NodeId) -> Option<usize> {
        let (start, end) = (self.offsets[a.index()], self.offsets[a.index() + 1]);
        self.peer_ids[start..end].iter().position(|&p| p == b)
    }

    /// Whether `a` and `b` are linked by an open link.
    pub fn link_open(&self, a: NodeId, b: NodeId) -> bool {
        self.slot(a, b).is_some_and(|s| self.is_open(a, s))
    }

    /// Opens a link between `a` and `b` with one-way `latency` (a closed one between
    /// them is reopened in its place, with this new delay: the connection's handshake
    /// was timed with it).
    pub fn open_link(&mut self, a: NodeId, b: NodeId, latency: SimTime) {
        self.make_live();
        let (ia, ib) = (NodeIndex::new(a.index()), NodeIndex::new(b.index()));
        if let (Some(sa), Some(sb)) = (self.slot(a, b), self.slot(b, a)) {
            for at in [self.offsets[a.index()] + sa, self.offsets[b.index()] + sb] {
                self.open[at] = true;
                self.links[at].latency = latency;
            }
            match self.graph.find_edge(ia, ib) {
                Some(e) => self.graph[e].latency = latency,
                None => {
                    self.graph.add_edge(ia, ib, EdgeInfo::latency(latency));
                }
            }
            return;
        }
        self.graph.add_edge(ia, ib, EdgeInfo::latency(latency));
        let slots = [a, b].map(|v| (self.offsets[v.index() + 1] - self.offsets[v.index()]) as u32);
        let ends = [(a, b, slots[1]), (b, a, slots[0])];
        for (from, to, back) in ends {
            let at = self.offsets[from.index() + 1];
            let link = Link::new(to, back, latency, f64::INFINITY);
            self.links.insert(at, link);
            self.peer_ids.insert(at, to);
            self.open.insert(at, true);
            for o in &mut self.offsets[from.index() + 1..] {
                *o += 1;
            }
        }
    }

    /// Closes the link between `a` and `b` (both directions); nothing if there is none.
    pub fn close_link(&mut self, a: NodeId, b: NodeId) {
        self.make_live();
        let (Some(sa), Some(sb)) = (self.slot(a, b), self.slot(b, a)) else {
            return;
        };
        self.open[self.offsets[a.index()] + sa] = false;
        self.open[self.offsets[b.index()] + sb] = false;
        let (ia, ib) = (NodeIndex::new(a.index()), NodeIndex::new(b.index()));
        if let Some(e) = self.graph.find_edge(ia, ib) {
            self.graph.remove_edge(e);
        }
    }

    /// Every link as drawn, from the node that drew it (the first of the pair): at the
    /// start, before any closes, each node's outbound connections.
    pub fn drawn_links(&self) -> Vec<(NodeId, NodeId)> {
        (self.graph.raw_edges().iter())
            .map(|e| {
                (
                    NodeId(e.source().index() as u32),
                    NodeId(e.target().index() as u32),
                )
            })
            .collect()
    }

    /// `node`'s open links.
    pub fn open_peers(&self, node: NodeId) -> impl Iterator<Item = &Link> + '_ {
        (self.peers(node).iter().enumerate())
            .filter(move |(i, _)| self.is_open(node, *i))
            .map(|(_, l)| l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::topology::uniform_latency;
    use crate::sim::rng::stream;

    /// Opening and closing keep every open link's `back` pointing at its mirror and
    /// a slot naming the same peer for good.
    #[test]
    fn slots_stay_put_and_backs_stay_true() {
        let mut rng = stream(1, "live-test", 0);
        let mut t =
            Topology::random_outbound(40, 3, &mut rng, uniform_latency(SimTime(5), SimTime(0)));
        let before: Vec<Vec<NodeId>> = (0..40)
            .map(|i| t.peers(NodeId(i)).iter().map(|l| l.peer).collect())
            .collect();
        // A reopened link takes the delay its new connection was timed with.
        let (a, b) = (NodeId(0), t.peers(NodeId(0))[0].peer);
        t.close_link(a, b);
        t.open_link(a, b, SimTime(99));
        assert_eq!(
            (t.link(a, b).unwrap().latency, t.link(b, a).unwrap().latency),
            (SimTime(99), SimTime(99))
        );
        let mut draws = stream(1, "live-test", 1);
        for step in 0..2_000u32 {
            use rand::Rng;
            let (a, b) = (
                NodeId(draws.random_range(0..40)),
                NodeId(draws.random_range(0..40)),
            );
            if a == b {
                continue;
            }
            match step % 3 {
                0 => t.close_link(a, b),
                _ => t.open_link(a, b, SimTime(7)),
            }
        }
        for v in 0..40u32 {
            let node = NodeId(v);
            let now: Vec<NodeId> = t.peers(node).iter().map(|l| l.peer).collect();
            assert_eq!(&now[..before[v as usize].len()], &before[v as usize][..]);
            for (slot, link) in t.peers(node).iter().enumerate() {
                let back = t.peers(link.peer)[link.back as usize];
                assert_eq!(back.peer, node);
                assert_eq!(back.back as usize, slot);
                assert_eq!(
                    t.is_open(node, slot),
                    t.is_open(link.peer, link.back as usize)
                );
                assert_eq!(t.is_open(node, slot), t.link_open(link.peer, node));
            }
        }
        assert_eq!(
            t.graph.edge_count(),
            (0..40)
                .map(|v| t.open_peers(NodeId(v)).count())
                .sum::<usize>()
                / 2
        );
    }
}
