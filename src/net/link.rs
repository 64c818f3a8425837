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

/// One node's links to the network, together: a send reads the sender's and the
/// receiver's record, one cache line each (four arrays were four misses a message at
/// 10,000 nodes).
#[derive(Clone, Copy)]
struct Ends {
    /// When the upload link is free.
    free_at: SimTime,
    /// When the download link is free (used by the download queue and by bulk traffic).
    down_free_at: SimTime,
    upload_bps: f64,
    download_bps: f64,
}

pub struct Uplinks {
    ends: Vec<Ends>,
    transfer: Transfer,
}

/// Nanoseconds to move `bytes` at `bps`, rounded half away from zero.
fn duration(bytes: usize, bps: f64) -> SimTime {
    SimTime(round_ns((bytes as f64 * 8.0 / bps) * 1e9))
}

/// `ns.round() as u64` for the non-negative (or infinite, or NaN) `ns` a duration is,
/// without the call to libm's `round` that was 3% of a 10,000-node run. Exact: below
/// 2^53 the fraction `ns - ns.trunc()` is computed without rounding error, so it is
/// ≥ 0.5 exactly when `round` goes up; from 2^53 on `ns` is an integer; infinity
/// saturates to `u64::MAX` as the cast does, NaN gives 0 (tested against `round`).
fn round_ns(ns: f64) -> u64 {
    let whole = ns as u64;
    if ns - whole as f64 >= 0.5 {
        whole.saturating_add(1)
    } else {
        whole
    }
}

impl Uplinks {
    /// Every node with the same upload and download bandwidth.
    pub fn uniform(nodes: usize, bits_per_s: f64) -> Self {
        Self::per_node(vec![bits_per_s; nodes], vec![bits_per_s; nodes])
    }

    pub fn per_node(upload_bps: Vec<f64>, download_bps: Vec<f64>) -> Self {
        debug_assert_eq!(upload_bps.len(), download_bps.len());
        let ends = (upload_bps.iter().zip(&download_bps))
            .map(|(&upload_bps, &download_bps)| Ends {
                free_at: SimTime::ZERO,
                down_free_at: SimTime::ZERO,
                upload_bps,
                download_bps,
            })
            .collect();
        Uplinks {
            ends,
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
        if traffic == Traffic::Control && !self.transfer.control_queued {
            now + link.latency + duration(bytes, self.link_rate(from, link))
        } else if self.queues_at_receiver(traffic) {
            self.payload(from, link, now, bytes)
        } else {
            self.send(from, link, now, bytes) + link.latency
        }
    }

    /// A payload with the download queue, in one step: [`Uplinks::upload`] then
    /// [`Uplinks::download`] at once. The receiver's downlink is then reserved from the
    /// moment of sending, ahead of transfers that may reach it sooner: block relay takes
    /// the two steps apart (an event between them); payments and Merkle branches,
    /// which no measured model sends, use this.
    fn payload(&mut self, from: NodeId, link: &Link, now: SimTime, bytes: usize) -> SimTime {
        let reached = self.upload(from, link, now, bytes);
        self.download(from, link, reached, bytes)
    }

    /// With the download queue: `from`'s uplink is held for `bytes` at its own upload
    /// rate from when its earlier payloads are done; returns when the payload's first
    /// bit reaches the receiver (its turn, then the link's latency).
    pub fn upload(&mut self, from: NodeId, link: &Link, now: SimTime, bytes: usize) -> SimTime {
        let sender = &mut self.ends[from.index()];
        let up = sender.upload_bps.min(link.bandwidth_bps);
        let start = sender.free_at.max(now);
        sender.free_at = start + duration(bytes, up);
        start + link.latency
    }

    /// With the download queue: a payload from `from` over `link` reaches its peer at
    /// `now`; the peer takes it after what its downlink is already taking, holding the
    /// downlink for the bytes at its download rate, and has all of it after the bytes
    /// at the link's rate (the slowest of the three ends).
    pub fn download(&mut self, from: NodeId, link: &Link, now: SimTime, bytes: usize) -> SimTime {
        let rate = self.link_rate(from, link);
        let receiver = &mut self.ends[link.peer.index()];
        let begin = receiver.down_free_at.max(now);
        receiver.down_free_at = begin + duration(bytes, receiver.download_bps);
        begin + duration(bytes, rate)
    }

    /// Whether sending `traffic` changes a link's state (queues on the uplink or the
    /// downlink): if not, a message nobody will read need not be timed.
    pub fn leaves_a_trace(&self, traffic: Traffic) -> bool {
        traffic != Traffic::Control || self.transfer.control_queued
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

    /// The rate `from` sends to `to` at over a link of `link_bps`: the slowest of the
    /// sender's upload, the receiver's download and the link.
    fn rate(&self, from: NodeId, to: NodeId, link_bps: f64) -> f64 {
        (self.ends[from.index()].upload_bps)
            .min(self.ends[to.index()].download_bps)
            .min(link_bps)
    }

    /// `rate` for `from`'s `link`: the rate the link carries when the transport wrote
    /// it ([`Uplinks::write_rates`]; the nodes' bandwidths never change, so it is the
    /// same number), else computed.
    fn link_rate(&self, from: NodeId, link: &Link) -> f64 {
        if link.rate_bps.is_nan() {
            self.rate(from, link.peer, link.bandwidth_bps)
        } else {
            link.rate_bps
        }
    }

    /// Starts loading `node`'s ends (`sim::prefetch`).
    pub fn prefetch(&self, node: NodeId) {
        crate::sim::prefetch::line(&self.ends[node.index()]);
    }

    /// `node`'s (upload, download) bandwidth in bit/s.
    pub fn bandwidths(&self, node: NodeId) -> (f64, f64) {
        let end = &self.ends[node.index()];
        (end.upload_bps, end.download_bps)
    }

    /// Per node, how long its uplink is still taken at `at` by what it has queued (zero
    /// for an idle one): a node whose backlog keeps growing serves blocks later and
    /// later.
    pub fn uplink_backlogs(&self, at: SimTime) -> Vec<SimTime> {
        (self.ends.iter())
            .map(|e| e.free_at.saturating_sub(at))
            .collect()
    }

    /// Writes each link's rate into it (`links` is `from`'s list).
    pub fn write_rates(&self, from: NodeId, links: &mut [Link]) {
        for link in links {
            link.rate_bps = self.rate(from, link.peer, link.bandwidth_bps);
        }
    }

    /// Queues `bytes` for `link.peer` on `from`'s uplink at `now`; returns when the
    /// last bit leaves. Downloads are not queued.
    fn send(&mut self, from: NodeId, link: &Link, now: SimTime, bytes: usize) -> SimTime {
        let start = self.ends[from.index()].free_at.max(now);
        let done = start + duration(bytes, self.link_rate(from, link));
        self.ends[from.index()].free_at = done;
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: NodeId = NodeId(0);
    const B: NodeId = NodeId(1);

    proptest::proptest! {
        /// The rounding without libm equals `f64::round` on every duration a link can
        /// give: any size at any rate, and the edge cases by name.
        #[test]
        fn round_ns_is_round(bytes in 0usize..1 << 40, bps in 1e-3f64..1e15) {
            let ns = (bytes as f64 * 8.0 / bps) * 1e9;
            proptest::prop_assert_eq!(round_ns(ns), ns.round() as u64);
        }

        #[test]
        fn round_ns_is_round_on_any_float(bits in 0u64..0x7ff0_0000_0000_0001) {
            let ns = f64::from_bits(bits);
            proptest::prop_assert_eq!(round_ns(ns), ns.round() as u64);
        }
    }

    #[test]
    fn round_ns_at_the_edges() {
        let half_below = 0.5f64.next_down();
        for ns in [
            0.0,
            0.5,
            1.5,
            2.5,
            half_below,
            4503599627370495.5,
            2f64.powi(53),
        ]
        .into_iter()
        .chain([2f64.powi(63), 2f64.powi(64), 1e300, f64::INFINITY, f64::NAN])
        {
            assert_eq!(round_ns(ns), ns.round() as u64, "{ns}");
        }
    }

    #[test]
    fn sends_queue_behind_each_other() {
        let mut up = Uplinks::uniform(2, 8e6); // 1 MB/s
        let (to_b, to_a) = (
            Link::new(B, 0, SimTime(0), f64::INFINITY),
            Link::new(A, 0, SimTime(0), f64::INFINITY),
        );
        assert_eq!(
            up.send(A, &to_b, SimTime(0), 1_000_000),
            SimTime(1_000_000_000)
        );
        assert_eq!(
            up.send(A, &to_b, SimTime(0), 1_000_000),
            SimTime(2_000_000_000)
        );
        assert_eq!(up.send(B, &to_a, SimTime(500), 1_000), SimTime(1_000_500));
        // At 0.5 ms, A has 2 s less 0.5 ms of sending left, B 0.5005 ms; at 0.5 s B is
        // idle.
        assert_eq!(
            up.uplink_backlogs(SimTime(500_000)),
            vec![SimTime(1_999_500_000), SimTime(500_500)]
        );
        assert_eq!(
            up.uplink_backlogs(SimTime(500_000_000)),
            vec![SimTime(1_500_000_000), SimTime(0)]
        );
        assert_eq!(
            up.uplink_backlogs(SimTime(3_000_000_000)),
            vec![SimTime(0); 2]
        );
    }

    proptest::proptest! {
        /// A rate written into a link times every message as computing it from the two
        /// nodes' records does, on every path (what lets the hot loop skip the
        /// receiver's record).
        #[test]
        fn a_written_rate_times_messages_as_the_computed_one(
            rates in proptest::collection::vec(1e3f64..1e9, 4),
            link_bps in proptest::prop_oneof![proptest::strategy::Just(f64::INFINITY), 1e3f64..1e9],
            bytes in 1usize..10_000_000,
            traffic in proptest::sample::select(vec![Traffic::Control, Traffic::Payload, Traffic::Bulk]),
            queued in proptest::bool::ANY,
        ) {
            let transfer = Transfer { download_queue: queued, control_queued: !queued };
            let nodes = || Uplinks::per_node(rates[..2].to_vec(), rates[2..].to_vec()).with_transfer(transfer);
            let (mut written, mut computed) = (nodes(), nodes());
            let mut links = [Link::new(B, 0, SimTime(7), link_bps)];
            written.write_rates(A, &mut links);
            let plain = Link::new(B, 0, SimTime(7), link_bps);
            for now in [0, 5, 1_000_000_000] {
                let (w, c) = (
                    written.deliver(A, &links[0], SimTime(now), bytes, traffic),
                    computed.deliver(A, &plain, SimTime(now), bytes, traffic),
                );
                proptest::prop_assert_eq!(w, c);
            }
        }
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
        let to_c = |back| Link::new(NodeId(2), back, SimTime(1_000), f64::INFINITY);
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
            duration(1_000, up.rate(A, B, f64::INFINITY)),
            SimTime(1_000_000)
        );
        assert_eq!(
            duration(1_000, up.rate(B, A, f64::INFINITY)),
            SimTime(100_000)
        );
        assert_eq!(
            duration(1_000, up.rate(B, A, 8e6)),
            SimTime(1_000_000),
            "a slow link"
        );
    }
}
