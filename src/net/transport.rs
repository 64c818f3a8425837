//! The one place that turns "node a sends m bytes to its peer b" into when they
//! arrive (`link`: queued behind what a's uplink is already sending, and with
//! `Transfer::UpDown` behind what b's downlink is taking, then the link's latency). On arrival the fault
//! filter decides whether the message was delivered at all.

use super::faults::Faults;
use super::link::Traffic;
use super::{Link, NodeId, Topology, Uplinks};
use crate::sim::SimTime;

/// When a message sent with [`Transport::send_staged`] arrives.
pub enum Arrival {
    At(SimTime),
    /// Reaches the receiver's downlink then (see [`Transport::downlink`]).
    Downlink(SimTime),
}

pub struct Transport {
    topology: Topology,
    uplinks: Uplinks,
    pub faults: Faults,
    /// Bytes sent so far, lost ones included (they used the sender's uplink).
    sent_bytes: u64,
}

impl Transport {
    pub fn new(mut topology: Topology, uplinks: Uplinks, faults: Faults) -> Self {
        for node in NodeId::all(topology.len() as u32) {
            uplinks.write_rates(node, topology.peers_mut(node));
        }
        Transport {
            topology,
            uplinks,
            faults,
            sent_bytes: 0,
        }
    }

    /// Opens a link between `a` and `b` ([`Topology::open_link`]) and writes its rates.
    pub fn open_link(&mut self, a: NodeId, b: NodeId, latency: SimTime) {
        self.topology.open_link(a, b, latency);
        for node in [a, b] {
            self.uplinks
                .write_rates(node, self.topology.peers_mut(node));
        }
    }

    /// Per node, how long its uplink is still taken at `at` (`Uplinks::uplink_backlogs`).
    pub fn uplink_backlogs(&self, at: SimTime) -> Vec<SimTime> {
        self.uplinks.uplink_backlogs(at)
    }

    /// `node`'s (upload, download) bandwidth in bit/s.
    pub fn bandwidths(&self, node: NodeId) -> (f64, f64) {
        self.uplinks.bandwidths(node)
    }

    /// Bytes every node has sent so far.
    pub fn sent_bytes(&self) -> u64 {
        self.sent_bytes
    }

    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    pub fn topology_mut(&mut self) -> &mut Topology {
        &mut self.topology
    }

    pub fn peers(&self, node: NodeId) -> &[Link] {
        self.topology.peers(node)
    }

    /// Whether the peer in `slot` of `node`'s list can be sent to: the link is open
    /// (routing closes links) and the peer is in the network.
    pub fn live(&self, node: NodeId, slot: usize) -> bool {
        self.topology.is_open(node, slot)
            && !self.faults.is_absent(self.topology.peers(node)[slot].peer)
    }

    /// When `bytes` that `from` sends its peer `to` at `now` arrive.
    pub fn send(
        &mut self,
        now: SimTime,
        from: NodeId,
        to: NodeId,
        bytes: usize,
        traffic: Traffic,
    ) -> SimTime {
        let link = self
            .topology
            .link(from, to)
            .expect("messages travel between peers");
        self.send_over(now, from, link, bytes, traffic)
    }

    /// As [`Transport::send`], over a link the caller already holds.
    pub fn send_over(
        &mut self,
        now: SimTime,
        from: NodeId,
        link: Link,
        bytes: usize,
        traffic: Traffic,
    ) -> SimTime {
        self.sent_bytes += bytes as u64;
        self.uplinks.deliver(from, &link, now, bytes, traffic)
    }

    /// As [`Transport::send_over`], for a message whose arrival nobody reads: counted,
    /// and charged to the links only where it queues on them (where it does not, its
    /// arrival time is a pure function nobody needs, so it is not computed).
    pub fn send_unread(
        &mut self,
        now: SimTime,
        from: NodeId,
        link: Link,
        bytes: usize,
        traffic: Traffic,
    ) {
        if self.uplinks.leaves_a_trace(traffic) {
            self.send_over(now, from, link, bytes, traffic);
        } else {
            self.sent_bytes += bytes as u64;
        }
    }

    /// As [`Transport::send_over`], for a message that may take two steps: one that
    /// queues at the receiver (a payload with the download queue, bulk traffic always)
    /// first reaches the receiver's downlink ([`Arrival::Downlink`]:
    /// the caller calls [`Transport::downlink`] then, in event order, so that the
    /// receiver takes payloads in the order they reach it).
    pub fn send_staged(
        &mut self,
        now: SimTime,
        from: NodeId,
        link: Link,
        bytes: usize,
        traffic: Traffic,
    ) -> Arrival {
        if self.uplinks.queues_at_receiver(traffic) {
            self.sent_bytes += bytes as u64;
            Arrival::Downlink(self.uplinks.upload(from, &link, now, bytes))
        } else {
            Arrival::At(self.send_over(now, from, link, bytes, traffic))
        }
    }

    /// Whether `traffic` takes two steps ([`Transport::send_staged`]).
    pub fn queues_at_receiver(&self, traffic: Traffic) -> bool {
        self.uplinks.queues_at_receiver(traffic)
    }

    /// A payload from `from` reaches `to`'s downlink now: when `to` has all of it, and
    /// where `from` sits in `to`'s peer list.
    pub fn downlink(
        &mut self,
        now: SimTime,
        from: NodeId,
        to: NodeId,
        bytes: usize,
    ) -> (SimTime, u32) {
        let link = self
            .topology
            .link(from, to)
            .expect("messages travel between peers");
        let at = (self.uplinks).download(from, &link, now, bytes);
        (at, link.back)
    }

    /// `node`'s link to `peer`, which sits at `slot` in its list. The slot is checked
    /// against the peer (a load of the line it reads anyway), and the list searched
    /// when it does not name it or is out of range (as `node::event::UNTRACKED` is:
    /// the sender did not say) — so a wrong slot costs time, never a wrong link.
    pub fn link_at(&self, node: NodeId, peer: NodeId, slot: u32) -> Link {
        match self.peers(node).get(slot as usize) {
            Some(link) if link.peer == peer => *link,
            _ => (self.topology.link(node, peer)).expect("messages travel between peers"),
        }
    }

    /// Starts loading what a message reaching `node` over the link in `slot` of its
    /// list reads first: that link and the node's transfer ends (`sim::prefetch`).
    pub fn prefetch(&self, node: NodeId, slot: u32) {
        let links = self.topology.peers(node);
        if let Some(link) = links.get(slot as usize).or(links.first()) {
            crate::sim::prefetch::line(link);
        }
        self.uplinks.prefetch(node);
    }

    /// Whether a message from `from` reaching `to` now was delivered (not lost to a
    /// fault). Asked once per message, as it arrives.
    /// A message over a link that has closed since it was sent is lost too (not
    /// counted against a fault).
    pub fn delivered(&mut self, from: NodeId, to: NodeId) -> bool {
        if self.topology.is_live() && !self.topology.link_open(to, from) {
            return false;
        }
        !self.faults.lost(from, to)
    }

    /// Whether `a` and `b` can talk now (and, with routing, are linked).
    pub fn usable(&self, a: NodeId, b: NodeId) -> bool {
        self.faults.usable(a, b) && (!self.topology.is_live() || self.topology.link_open(a, b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::topology::uniform_latency;
    use crate::sim::rng::stream;

    #[test]
    fn a_link_found_by_slot_is_the_link_found_by_search() {
        let mut rng = stream(3, "topology", 0);
        let latency = uniform_latency(SimTime(1_000), SimTime(900));
        let topology = Topology::random_outbound(200, 8, &mut rng, latency);
        let transport = Transport::new(
            topology,
            Uplinks::uniform(200, 1e6),
            Faults::new(vec![], 200, 3),
        );
        for node in NodeId::all(200) {
            for link in transport.peers(node).to_vec() {
                let searched = transport.topology().link(node, link.peer).unwrap();
                let at = |slot| transport.link_at(node, link.peer, slot);
                // The slot a message carries is the sender's `back`: where it sits here.
                let there = transport.peers(link.peer)[link.back as usize];
                assert_eq!(at(there.back), searched);
                // Not said, out of range, or naming another peer: searched, same link.
                assert_eq!(at(u32::MAX), searched);
                assert_eq!(at((there.back + 1) % 8), searched);
            }
        }
    }

    /// Every link carries the slowest of its sender's upload, its receiver's download
    /// and its own capacity, links opened during the run too: the rate the hot loop
    /// times messages with instead of reading the receiver's record.
    #[test]
    fn every_link_carries_the_rate_of_its_slower_end() {
        let n = 60;
        let mut rng = stream(4, "topology", 0);
        let latency = uniform_latency(SimTime(1_000), SimTime(900));
        let topology = Topology::random_outbound(n, 8, &mut rng, latency);
        let up: Vec<f64> = (0..n).map(|i| 1e6 * f64::from(1 + i % 7)).collect();
        let down: Vec<f64> = (0..n).map(|i| 1e6 * f64::from(1 + i % 5)).collect();
        let uplinks = Uplinks::per_node(up.clone(), down.clone());
        let mut transport = Transport::new(topology, uplinks, Faults::new(vec![], n, 3));
        let linked = |t: &Transport, a, b| t.topology().link(a, b).is_some();
        let (a, b) = (NodeId::all(n).map(|b| (NodeId(0), b)))
            .find(|&(a, b)| a != b && !linked(&transport, a, b))
            .expect("a pair not linked yet");
        transport.open_link(a, b, SimTime(5));
        assert!(linked(&transport, a, b) && linked(&transport, b, a));
        for node in NodeId::all(n) {
            for link in transport.peers(node) {
                let slowest = up[node.index()].min(down[link.peer.index()]);
                assert_eq!(link.rate_bps, slowest.min(link.bandwidth_bps));
            }
        }
    }
}
