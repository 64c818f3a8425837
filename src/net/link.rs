//! Transmission: a node's upload link sends one message at a time, so relaying a
//! 1 MB block to eight peers takes eight transmission times, not one.

use crate::sim::SimTime;

pub struct Uplinks {
    free_at: Vec<SimTime>,
    bits_per_s: f64,
}

impl Uplinks {
    /// Every node with the same bandwidth for upload and download; a transfer runs at
    /// the minimum of the two, which is then that one figure.
    pub fn new(nodes: usize, bits_per_s: f64) -> Self {
        Uplinks {
            free_at: vec![0; nodes],
            bits_per_s,
        }
    }

    pub fn transmission_time(&self, bytes: usize) -> SimTime {
        ((bytes as f64 * 8.0 / self.bits_per_s) * 1e9).round() as SimTime
    }

    /// Queues `bytes` on `node`'s uplink at `now`; returns when the last bit leaves.
    pub fn send(&mut self, node: u32, now: SimTime, bytes: usize) -> SimTime {
        let start = self.free_at[node as usize].max(now);
        let done = start + self.transmission_time(bytes);
        self.free_at[node as usize] = done;
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sends_queue_behind_each_other() {
        let mut up = Uplinks::new(2, 8e6); // 1 MB/s
        assert_eq!(up.send(0, 0, 1_000_000), 1_000_000_000);
        assert_eq!(up.send(0, 0, 1_000_000), 2_000_000_000);
        assert_eq!(up.send(1, 500, 1_000), 1_000_500);
    }
}
