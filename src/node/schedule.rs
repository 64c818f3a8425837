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
        let honest = (0..self.miners.len() as u32)
            .map(MinerId)
            .filter(|&m| self.miners.get(m).attacker.is_none());
        let affected: Vec<MinerId> = honest.filter(|&m| miner.is_none_or(|s| s == m)).collect();
        for m in affected {
            self.schedule_mining(m);
        }
        let relative = self.miners.honest_hashrate();
        self.core
            .rec
            .trace(now, None, "hashrate", None, || match miner {
                Some(m) => format!(
                    "miner {m} at {} × its start; honest network at {relative:.4}",
                    step.factor
                ),
                None => format!("honest network at {relative:.4} × its start"),
            });
    }
}
