//! The majority attack: fork from `depth` blocks below the tip and mine privately
//! until the branch has more work than the public chain, then release it — history
//! rewritten `depth` (or more) blocks deep.

use super::super::ids::AttackerId;
use super::super::network::Network;
use super::super::plan::StrategyPlan;
use super::{branch, Attempt, Strategy};
use crate::ledger::BlockId;
use crate::sim::SimTime;

pub struct Majority;

impl Strategy for Majority {
    fn begin(
        &self,
        net: &mut Network,
        _now: SimTime,
        a: AttackerId,
        public: BlockId,
    ) -> Option<Attempt> {
        let at = net.attacker(a);
        let StrategyPlan::Majority { depth, .. } = at.plan.strategy else {
            unreachable!("a majority attacker's plan")
        };
        let tree = &net.core.tree;
        let height = tree.entry(public).height.saturating_sub(depth);
        let base = tree.ancestor_at(public, height).expect("below the tip");
        Some(Attempt::new(at.records.len(), base))
    }

    fn found(&self, net: &mut Network, now: SimTime, a: AttackerId, block: BlockId) {
        branch::found(net, now, a, block);
    }

    fn saw_public(&self, net: &mut Network, now: SimTime, a: AttackerId) {
        branch::saw_public(net, now, a);
    }
}
