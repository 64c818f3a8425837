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
}

impl Transport {
    pub fn new(topology: Topology, uplinks: Uplinks, faults: Faults) -> Self {
        Transport {
            topology,
            uplinks,
            faults,
        }
    }

    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    pub fn peers(&self, node: NodeId) -> &[Link] {
        self.topology.peers(node)
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
        self.uplinks.deliver(from, &link, now, bytes, traffic)
    }

    /// As [`Transport::send`], for a message that may take two steps: with the download
    /// queue a payload first reaches the receiver's downlink ([`Arrival::Downlink`]:
    /// the caller calls [`Transport::downlink`] then, in event order, so that the
    /// receiver takes payloads in the order they reach it).
    pub fn send_staged(
        &mut self,
        now: SimTime,
        from: NodeId,
        to: NodeId,
        bytes: usize,
        traffic: Traffic,
    ) -> Arrival {
        if traffic == Traffic::Payload && self.uplinks.download_queue() {
            let link = self
                .topology
                .link(from, to)
                .expect("messages travel between peers");
            Arrival::Downlink(self.uplinks.upload(from, &link, now, bytes))
        } else {
            Arrival::At(self.send(now, from, to, bytes, traffic))
        }
    }

    /// A payload from `from` reaches `to`'s downlink now: when `to` has all of it.
    pub fn downlink(&mut self, now: SimTime, from: NodeId, to: NodeId, bytes: usize) -> SimTime {
        let link = self
            .topology
            .link(from, to)
            .expect("messages travel between peers");
        self.uplinks
            .download(from, to, link.bandwidth_bps, now, bytes)
    }

    /// Whether a message from `from` reaching `to` now was delivered (not lost to a
    /// fault). Asked once per message, as it arrives.
    pub fn delivered(&mut self, from: NodeId, to: NodeId) -> bool {
        !self.faults.lost(from, to)
    }

    /// Whether `a` and `b` can talk now.
    pub fn usable(&self, a: NodeId, b: NodeId) -> bool {
        self.faults.usable(a, b)
    }
}
