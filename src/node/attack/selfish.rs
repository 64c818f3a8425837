//! Eyal and Sirer's selfish mining (Algorithm 1 of "Majority is not Enough"): keep
//! found blocks private, reveal one to tie when the public chain catches up, publish
//! all at a lead of one, and match the public chain block for block when further
//! ahead. An episode runs from the first private block to the branch being released
//! or abandoned.

use super::super::ids::AttackerId;
use super::super::network::Network;
use super::super::plan::StrategyPlan;
use super::{Attempt, AttemptRecord, Outcome, Race, Strategy};
use crate::ledger::BlockId;
use crate::sim::SimTime;

pub struct Selfish;

impl Strategy for Selfish {
    fn begin(&self, _: &mut Network, _: SimTime, _: AttackerId, _: BlockId) -> Option<Attempt> {
        None // episodes start with a found block
    }

    fn observed(&self) -> bool {
        false
    }

    /// "My pool found a block".
    fn found(&self, net: &mut Network, now: SimTime, a: AttackerId, block: BlockId) {
        let at = net.attacker(a);
        let public = net.core.views.tip(at.node);
        let previous = at.private_tip;
        // A tie in progress: our branch is out, as long as the public one.
        let height = |b: BlockId| net.core.tree.entry(b).height;
        let racing = previous != public && height(previous) == height(public);
        let at = net.at(a);
        at.private_tip = block;
        at.unpublished.push_back(block);
        if at.attempt.is_none() {
            at.records.push(AttemptRecord::starting(now));
            let mut attempt = Attempt::new(at.records.len() - 1, public);
            attempt.first_block = Some(block);
            at.attempt = Some(attempt);
        }
        let record = at.attempt.as_ref().expect("just set").record;
        at.records[record].attacker_blocks += 1;
        let miner = at.miner;
        if racing {
            // Lead of one over the public branch: publish and win the race.
            let reverted = net.reverted(public, block);
            net.publish_upto(now, a, u32::MAX);
            net.end_attempt(now, a, Outcome::Success, reverted);
        }
        net.schedule_mining(miner);
    }

    /// "Others found a block".
    fn saw_public(&self, net: &mut Network, now: SimTime, a: AttackerId) {
        let at = net.attacker(a);
        let public = net.core.views.tip(at.node);
        let private = at.private_tip;
        let miner = at.miner;
        if private == public {
            return;
        }
        let tree = &net.core.tree;
        let (ph, qh) = (tree.entry(private).height, tree.entry(public).height);
        if tree.is_ancestor(private, public) || ph < qh {
            // The public chain is ahead: adopt it. The episode still counts as won when
            // honest miners built on the attacker's released block.
            if let Some(attempt) = &at.attempt {
                let won =
                    (attempt.first_block).is_some_and(|first| tree.is_ancestor(first, public));
                let outcome = if won { Outcome::Success } else { Outcome::Lost };
                net.end_attempt(now, a, outcome, (0, 0));
            }
            let at = net.at(a);
            at.private_tip = public;
            at.unpublished.clear();
            net.schedule_mining(miner);
            return;
        }
        match ph - qh {
            0 => {
                net.publish_upto(now, a, u32::MAX);
                if let StrategyPlan::Selfish { gamma: Some(gamma) } = net.attacker(a).plan.strategy
                {
                    let (honest, attacker, height) = (public, private, qh);
                    net.race = Some(Race {
                        honest,
                        attacker,
                        height,
                        gamma,
                    });
                }
            }
            1 => {
                let reverted = net.reverted(public, private);
                net.publish_upto(now, a, u32::MAX);
                net.end_attempt(now, a, Outcome::Success, reverted);
            }
            _ => net.publish_upto(now, a, qh),
        }
    }
}
