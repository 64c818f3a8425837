//! Transmission: a node's upload link sends one message at a time, so relaying a
//! 1 MB block to eight peers takes eight transmission times, not one.

use super::NodeId;
use crate::sim::SimTime;

pub struct Uplinks {
    free_at: Vec<SimTime>,
    upload_bps: Vec<f64>,
    download_bps: Vec<f64>,
}

impl Uplinks {
    /// Every node with the same upload and download bandwidth.
    pub fn uniform(nodes: usize, bits_per_s: f64) -> Self {
        Self::per_node(vec![bits_per_s; nodes], vec![bits_per_s; nodes])
    }

    pub fn per_node(upload_bps: Vec<f64>, download_bps: Vec<f64>) -> Self {
        Uplinks {
            free_at: vec![SimTime::ZERO; upload_bps.len()],
            upload_bps,
            download_bps,
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
        SimTime(((bytes as f64 * 8.0 / bps) * 1e9).round() as u64)
    }

    /// Queues `bytes` for `to` on `from`'s uplink at `now`; returns when the last bit
    /// leaves. Downloads are not queued: a receiver's link is rarely the bottleneck
    /// when many senders share it over time (docs/scenario.md).
    pub fn send(
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
