//! `mining.schedule` in a run: at each step a miner leaves, arrives or changes its
//! hashrate, or the whole honest network's does. Block discovery is memoryless, so
//! redrawing the affected miners' next blocks at the new rate is exact. The retarget
//! then answers as it would in Bitcoin: blocks come slower or faster until the next
//! adjustment.

use super::event::Event;
use super::ids::MinerId;
use super::network::Network;
use crate::sim::SimTime;

impl Network {
    /// Puts every step of the schedule on the queue.
    pub(super) fn start_schedule(&mut self) {
        for (i, step) in self.core.plan.mining.schedule.iter().enumerate() {
            self.q.schedule(step.at, Event::HashrateStep(i));
        }
    }

    pub(super) fn hashrate_step(&mut self, now: SimTime, i: usize) {
        let step = self.core.plan.mining.schedule[i];
        let miner = step.miner.map(MinerId);
        self.miners.set_factor(miner, step.factor);
        // Honest miners come first (`node::setup`), one per share.
        let honest = self.core.plan.mining.shares.len() as u32;
        let affected = miner.map_or(0..honest, |m| m.0..m.0 + 1);
        for m in affected {
            self.schedule_mining(MinerId(m));
        }
        self.core.rec.trace(now, None, "hashrate", None, || {
            let whose = miner.map_or("the honest network".into(), |m| format!("miner {m}"));
            format!("{whose} at {} × its start", step.factor)
        });
    }
}
