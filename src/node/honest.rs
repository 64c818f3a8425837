//! When a miner mines and what it does with a block it finds: honest miners build on
//! their node's tip (or, in a race under a fixed γ, on the side γ picks) and connect
//! their block at once; attackers build on their private branch and decide by their
//! strategy (`attack`).

use super::ids::MinerId;
use super::network::Network;
use super::plan::PowMode;
use super::template;
use crate::ledger::{builder, Block, BlockId};
use crate::sim::SimTime;

impl Network {
    /// (Re)draws when miner `m` finds its next block, on the tip it mines on now. A
    /// crashed miner, or one the schedule stopped, finds nothing; its pending
    /// discovery is void.
    pub(super) fn schedule_mining(&mut self, m: MinerId) {
        let stopped = self.miners.rate(m) == 0.0;
        if stopped || self.core.transport.faults.is_down(self.miners.get(m).node) {
            self.miners.void(m);
            return;
        }
        if self.miners.pow() == PowMode::Grind {
            let built = self.build_block(self.q.now(), m);
            self.miners.schedule_ground(&mut self.q, m, built);
            return;
        }
        let tip = self.mining_tip(m);
        self.miners
            .schedule_sampled(&self.core, &mut self.q, m, tip);
    }

    /// The block a miner builds on: an attacker's private tip, else its node's tip.
    fn mining_tip(&self, m: MinerId) -> BlockId {
        let miner = self.miners.get(m);
        match miner.attacker {
            Some(a) => self.attacker(a).private_tip,
            None => self.core.views.tip(miner.node),
        }
    }

    /// A block for miner `m`: template, coinbase (with padding), header.
    fn build_block(&mut self, now: SimTime, m: MinerId) -> (Block, u32) {
        let miner = self.miners.get(m);
        let (node, attacker) = (miner.node, miner.attacker);
        let tip = match attacker {
            Some(a) => self.attacker(a).private_tip,
            None => self.parent_in_race(m, self.core.views.tip(node)),
        };
        let txs = match attacker {
            Some(a) => self.attacker_template(a, tip),
            None => template::build(&mut self.core, m, tip),
        };
        self.miners.assemble(&self.core, m, now, tip, txs)
    }

    pub(super) fn mine_block(&mut self, now: SimTime, m: MinerId) {
        let miner = self.miners.get(m);
        let (node, attacker) = (miner.node, miner.attacker);
        let (block, time) = match self.miners.take_pending(m) {
            Some(solved) => solved,
            None => {
                let (mut block, time) = self.build_block(now, m);
                builder::solve(&mut block);
                (block, time)
            }
        };
        let core = &mut self.core;
        let id = match core.tree.add_block(block, time) {
            Ok(accepted) => accepted.id(),
            Err(e) => panic!("a miner built an invalid block; this is a chainlab bug: {e}"),
        };
        core.views.add_block(id);
        self.txs.block_mined(core, id, now);
        let present = core.views.nodes() - core.transport.faults.absent_count();
        core.rec.mined(id, m, now, present);
        let (height, n_tx) = (core.tree.entry(id).height, core.tree.entry(id).txids.len());
        core.rec.trace(now, Some(node), "mined", Some(id), || {
            format!("miner {m}, height {height}, {n_tx} transactions")
        });
        match attacker {
            Some(a) => self.attacker_found(now, a, id),
            None => {
                self.end_race_below(height);
                self.connect(now, node, node, id);
            }
        }
    }
}
