//! Transmission: a node's upload link sends one message at a time, so relaying a
//! 1 MB block to eight peers takes eight transmission times, not one. With
//! [`Transfer::download_queue`] a receiver's download link queues too, so a node that many
//! peers send blocks to at once takes them one after the other.

use super::plan::Transfer;
use super::{Link, NodeId};
use crate::sim::SimTime;

/// What a message is: with [`Transfer::download_queue`] payloads queue at both ends,
/// and without [`Transfer::control_queued`] control messages behind nothing. Bulk
/// queues at both ends in every model: what a node copying the chain downloads from
/// many peers at once, where its own download rate is the limit (`node::join`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Traffic {
    Control,
    Payload,
    Bulk,
}

pub struct Uplinks {
    free_at: Vec<SimTime>,
    upload_bps: Vec<f64>,
    download_bps: Vec<f64>,
    transfer: Transfer,
    /// When each node's download link is free (used by the download queue and by bulk
    /// traffic).
    down_free_at: Vec<SimTime>,
}

/// Nanoseconds to move `bytes` at `bps`.
fn duration(bytes: usize, bps: f64) -> SimTime {
    SimTime(((bytes as f64 * 8.0 / bps) * 1e9).round() as u64)
}

impl Uplinks {
    /// Every node with the same upload and download bandwidth.
    pub fn uniform(nodes: usize, bits_per_s: f64) -> Self {
        Self::per_node(vec![bits_per_s; nodes], vec![bits_per_s; nodes])
    }

    pub fn per_node(upload_bps: Vec<f64>, download_bps: Vec<f64>) -> Self {
        Uplinks {
            free_at: vec![SimTime::ZERO; upload_bps.len()],
            down_free_at: vec![SimTime::ZERO; upload_bps.len()],
            upload_bps,
            download_bps,
            transfer: Transfer::UPLINK,
        }
    }

    pub fn with_transfer(mut self, transfer: Transfer) -> Self {
        self.transfer = transfer;
        self
    }

    /// When `bytes` that `from` sends at `now` over `link` arrive at the other end.
    pub fn deliver(
        &mut self,
        from: NodeId,
        link: &Link,
        now: SimTime,
        bytes: usize,
        traffic: Traffic,
    ) -> SimTime {
        let to = link.peer;
        if traffic == Traffic::Control && !self.transfer.control_queued {
            now + link.latency + self.transmission_time(from, to, link.bandwidth_bps, bytes)
        } else if self.queues_at_receiver(traffic) {
            self.payload(from, link, now, bytes)
        } else {
            self.send(from, to, link.bandwidth_bps, now, bytes) + link.latency
        }
    }

    /// A payload with the download queue, in one step: [`Uplinks::upload`] then
    /// [`Uplinks::download`] at once. The receiver's downlink is then reserved from the
    /// moment of sending, ahead of transfers that may reach it sooner: block relay takes
    /// the two steps apart (an event between them); payments and Merkle branches,
    /// which no measured model sends, use this.
    fn payload(&mut self, from: NodeId, link: &Link, now: SimTime, bytes: usize) -> SimTime {
        let reached = self.upload(from, link, now, bytes);
        self.download(from, link.peer, link.bandwidth_bps, reached, bytes)
    }

    /// With the download queue: `from`'s uplink is held for `bytes` at its own upload
    /// rate from when its earlier payloads are done; returns when the payload's first
    /// bit reaches the receiver (its turn, then the link's latency).
    pub fn upload(&mut self, from: NodeId, link: &Link, now: SimTime, bytes: usize) -> SimTime {
        let up = self.upload_bps[from.index()].min(link.bandwidth_bps);
        let start = self.free_at[from.index()].max(now);
        self.free_at[from.index()] = start + duration(bytes, up);
        start + link.latency
    }

    /// With the download queue: a payload from `from` reaches `to` at `now`; `to` takes
    /// it after what its downlink is already taking, holding the downlink for the bytes
    /// at its download rate, and has all of it after the bytes at the slower end.
    pub fn download(
        &mut self,
        from: NodeId,
        to: NodeId,
        link_bps: f64,
        now: SimTime,
        bytes: usize,
    ) -> SimTime {
        let (up, down) = (self.upload_bps[from.index()], self.download_bps[to.index()]);
        let begin = self.down_free_at[to.index()].max(now);
        self.down_free_at[to.index()] = begin + duration(bytes, down);
        begin + duration(bytes, up.min(down).min(link_bps))
    }

    /// Whether `traffic` queues at the receiver too: bulk always, payloads with the
    /// download queue.
    pub fn queues_at_receiver(&self, traffic: Traffic) -> bool {
        match traffic {
            Traffic::Bulk => true,
            Traffic::Payload => self.transfer.download_queue,
            Traffic::Control => false,
        }
    }

    /// Time to move `bytes` from `from` to `to` over a link of `link_bps`: at the
    /// slowest of the sender's upload, the link and the receiver's download.
    pub fn transmission_time(
        &self,
        from: NodeId,
        to: NodeId,
        link_bps: f64,
        bytes: usize,
    ) -> SimTime {
        let bps = self.upload_bps[from.index()]
            .min(self.download_bps[to.index()])
            .min(link_bps);
        duration(bytes, bps)
    }

    /// Queues `bytes` for `to` on `from`'s uplink at `now`; returns when the last bit
    /// leaves. Downloads are not queued.
    fn send(
        &mut self,
        from: NodeId,
        to: NodeId,
        link_bps: f64,
        now: SimTime,
        bytes: usize,
    ) -> SimTime {
        let start = self.free_at[from.index()].max(now);
        let done = start + self.transmission_time(from, to, link_bps, bytes);
        self.free_at[from.index()] = done;
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: NodeId = NodeId(0);
    const B: NodeId = NodeId(1);

    #[test]
    fn sends_queue_behind_each_other() {
        let mut up = Uplinks::uniform(2, 8e6); // 1 MB/s
        let any = f64::INFINITY;
        assert_eq!(
            up.send(A, B, any, SimTime(0), 1_000_000),
            SimTime(1_000_000_000)
        );
        assert_eq!(
            up.send(A, B, any, SimTime(0), 1_000_000),
            SimTime(2_000_000_000)
        );
        assert_eq!(up.send(B, A, any, SimTime(500), 1_000), SimTime(1_000_500));
    }

    #[test]
    fn with_up_down_queues_a_receiver_takes_payloads_one_at_a_time() {
        // Two senders at 8 Mbit/s, one receiver at 8 Mbit/s down: each 1 MB takes 1 s,
        // so the second arrives a second after the first although both left at once;
        // a control message in between queues behind neither.
        let both = Transfer {
            download_queue: true,
            control_queued: false,
        };
        let mut up = Uplinks::per_node(vec![8e6; 3], vec![8e6; 3]).with_transfer(both);
        let to_c = |back| Link {
            peer: NodeId(2),
            back,
            latency: SimTime(1_000),
            bandwidth_bps: f64::INFINITY,
        };
        let one_s = 1_000_000_000;
        let first = up.deliver(A, &to_c(0), SimTime(0), 1_000_000, Traffic::Payload);
        let second = up.deliver(B, &to_c(1), SimTime(0), 1_000_000, Traffic::Payload);
        assert_eq!(first, SimTime(1_000 + one_s));
        assert_eq!(second, SimTime(1_000 + 2 * one_s));
        let inv = up.deliver(A, &to_c(0), SimTime(10), 61, Traffic::Control);
        assert_eq!(inv, SimTime(10 + 1_000 + 61_000));
        // A's uplink is free at 1 s, but the receiver's downlink only after the second
        // megabyte: 1 kB more takes 1 ms after that.
        let third = up.deliver(A, &to_c(0), SimTime(0), 1_000, Traffic::Payload);
        assert_eq!(third, SimTime(2 * one_s + 1_000 + 1_000_000));
    }

    #[test]
    fn the_slower_end_sets_the_rate() {
        let up = Uplinks::per_node(vec![8e6, 80e6], vec![80e6, 8e6]);
        assert_eq!(
            up.transmission_time(A, B, f64::INFINITY, 1_000),
            SimTime(1_000_000)
        );
        assert_eq!(
            up.transmission_time(B, A, f64::INFINITY, 1_000),
            SimTime(100_000)
        );
        assert_eq!(
            up.transmission_time(B, A, 8e6, 1_000),
            SimTime(1_000_000),
            "a slow link"
        );
    }
}
