//! Withholding blocks: Eyal and Sirer's selfish mining (Algorithm 1 of "Majority is
//! not Enough") and Nayak, Kumar, Miller and Shi's stubborn variants of it
//! ("Stubborn Mining", EuroS&P 2016), one state machine with three switches.
//!
//! Selfish mining keeps found blocks private, reveals all to tie when the public chain
//! catches up, publishes all at a lead of one after an honest block (overriding it),
//! and matches the public chain block for block when further ahead. The switches:
//! - lead stubbornness: never override; reveal only up to the public height (a tie)
//!   and keep mining on the private branch;
//! - equal-fork stubbornness: in a tie, a block the attacker finds stays private
//!   instead of being published to win the tie;
//! - trail stubbornness (j): when the public chain gets ahead, keep mining on the
//!   private branch while it trails by at most j blocks; catching up to the public
//!   height reveals it (a tie).
//!
//! With every switch off the behaviour is selfish mining's, event for event.

use super::super::ids::AttackerId;
use super::super::network::Network;
use super::{Attempt, AttemptRecord, Outcome, Race};
use crate::ledger::BlockId;
use crate::sim::SimTime;

#[derive(Clone, Copy, Default)]
pub(super) struct Switches {
    pub lead: bool,
    pub equal_fork: bool,
    pub trail: u32,
    /// Fixed γ: during a tie, honest miners extend the attacker's block with this
    /// probability (`None`: whichever block their node saw first).
    pub gamma: Option<f64>,
}

/// A tie published: `attacker` against `honest` at the same height. It is remembered
/// (to measure γ) and, under a fixed γ, decided by `parent_in_race`.
fn start_race(net: &mut Network, a: AttackerId, s: Switches, honest: BlockId, attacker: BlockId) {
    net.at(a).tie = Some(attacker);
    if let Some(gamma) = s.gamma {
        let height = net.core.tree.entry(honest).height;
        net.race = Some(Race {
            honest,
            attacker,
            height,
            gamma,
        });
    }
}

/// "My pool found a block".
pub(super) fn found(net: &mut Network, now: SimTime, a: AttackerId, block: BlockId, s: Switches) {
    let at = net.attacker(a);
    let public = net.core.views.tip(at.node);
    let previous = at.private_tip;
    let tree = &net.core.tree;
    let height = |b: BlockId| tree.entry(b).height;
    // A tie in progress: our branch is out, as long as the public one.
    let racing = previous != public && height(previous) == height(public);
    // A trailing branch (trail stubbornness) caught up with the public chain.
    let caught_up = previous != public
        && height(previous) < height(public)
        && height(block) == height(public)
        && !tree.is_ancestor(previous, public);
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
    if racing && !s.equal_fork {
        // Lead of one over the public branch: publish and win the race (a tie settled
        // by the attacker, which says nothing about γ).
        net.at(a).tie = None;
        let reverted = net.reverted(public, block);
        net.publish_upto(now, a, u32::MAX);
        net.end_attempt(now, a, Outcome::Success, reverted);
    } else if caught_up {
        net.publish_upto(now, a, u32::MAX);
        start_race(net, a, s, public, block);
    }
    net.schedule_mining(miner);
}

/// A tie is settled by the first block above it on the public chain. When that block
/// is honest the tie counts toward measured γ — and toward its numerator when the
/// block builds on the attacker's (Eyal and Sirer's γ: the share of honest power that
/// mines on the attacker's block in a tie, as the outcome shows it).
fn settle_tie(net: &mut Network, a: AttackerId, public: BlockId) {
    let Some(ours) = net.attacker(a).tie else {
        return;
    };
    let tree = &net.core.tree;
    let height = tree.entry(ours).height;
    let Some(above) = tree.ancestor_at(public, height + 1) else {
        return; // not settled yet
    };
    let by_attacker = net.core.rec.miner(above) == Some(net.attacker(a).miner);
    let on_ours = tree.ancestor_at(public, height) == Some(ours);
    let at = net.at(a);
    at.tie = None;
    if !by_attacker {
        at.ties.settled_by_honest += 1;
        at.ties.honest_on_attacker += u32::from(on_ours);
    }
}

/// "Others found a block".
pub(super) fn saw_public(net: &mut Network, now: SimTime, a: AttackerId, s: Switches) {
    let public = net.core.views.tip(net.attacker(a).node);
    settle_tie(net, a, public);
    let at = net.attacker(a);
    let private = at.private_tip;
    let miner = at.miner;
    if private == public {
        return;
    }
    let tree = &net.core.tree;
    let (ph, qh) = (tree.entry(private).height, tree.entry(public).height);
    let extended = tree.is_ancestor(private, public);
    let trailing = !extended && ph < qh && at.attempt.is_some() && qh - ph <= s.trail;
    if trailing {
        return; // keep mining on the private branch
    }
    if extended || ph < qh {
        // The public chain is ahead: adopt it. The episode still counts as won when
        // honest miners built on the attacker's released block.
        if let Some(attempt) = &at.attempt {
            let won = (attempt.first_block).is_some_and(|first| tree.is_ancestor(first, public));
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
            start_race(net, a, s, public, private);
        }
        1 if !s.lead => {
            let reverted = net.reverted(public, private);
            net.publish_upto(now, a, u32::MAX);
            net.end_attempt(now, a, Outcome::Success, reverted);
        }
        _ if s.lead => {
            // Match instead of overriding: a tie at the public height.
            let matched = tree
                .ancestor_at(private, qh)
                .expect("below the private tip");
            net.publish_upto(now, a, qh);
            start_race(net, a, s, public, matched);
        }
        _ => net.publish_upto(now, a, qh),
    }
}
