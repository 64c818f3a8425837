//! Attacks that mine one private branch per attempt and release it once it has more
//! work than the public chain (and, for a double spend, once the merchant shipped):
//! what double spending and the majority attack share.

use super::super::ids::AttackerId;
use super::super::network::Network;
use super::super::plan::StrategyPlan;
use super::Outcome;
use crate::ledger::{BlockId, BlockTree, Txid};
use crate::net::NodeId;
use crate::sim::SimTime;

/// The attacker found `block` on its private branch.
pub(super) fn found(net: &mut Network, now: SimTime, a: AttackerId, block: BlockId) {
    let at = net.at(a);
    at.private_tip = block;
    at.unpublished.push_back(block);
    let (miner, node) = (at.miner, at.node);
    match &mut at.attempt {
        None => net.publish_upto(now, a, u32::MAX),
        Some(attempt) => {
            attempt.first_block.get_or_insert(block);
            at.records[attempt.record].attacker_blocks += 1;
            if let Some((payment, fee)) = attempt.unsent_payment.take() {
                net.broadcast(now, node, payment, fee);
            } else if attempt.released {
                net.publish_upto(now, a, u32::MAX);
            } else {
                check_release(net, now, a);
            }
        }
    }
    net.schedule_mining(miner);
}

/// The public chain moved: follow it when not attacking or still pre-mining, stop
/// following a branch the public chain already extends, give up when too far behind,
/// else see whether the branch can be released.
pub(super) fn saw_public(net: &mut Network, now: SimTime, a: AttackerId) {
    let at = net.attacker(a);
    let public = net.core.views.tip(at.node);
    let private = at.private_tip;
    let miner = at.miner;
    let Some(attempt) = &at.attempt else {
        net.at(a).private_tip = public;
        net.schedule_mining(miner);
        return;
    };
    if attempt.unsent_payment.is_some() {
        // Still pre-mining: the public chain moved first, so start over on it.
        let at = net.at(a);
        at.attempt.as_mut().expect("checked").base = public;
        at.private_tip = public;
        net.schedule_mining(miner);
        return;
    }
    if attempt.released && net.core.tree.is_ancestor(private, public) {
        // The public chain already extends the released branch.
        let at = net.at(a);
        at.private_tip = public;
        at.unpublished.clear();
        net.schedule_mining(miner);
        return;
    }
    let height = |b: BlockId| i64::from(net.core.tree.entry(b).height);
    let behind = height(public) - height(private);
    let give_up = match at.plan.strategy {
        StrategyPlan::DoubleSpend { give_up_behind, .. }
        | StrategyPlan::Majority { give_up_behind, .. } => give_up_behind,
        _ => None,
    };
    if give_up.is_some_and(|limit| behind >= i64::from(limit)) {
        net.end_attempt(now, a, Outcome::GaveUp, (0, 0));
        net.start_attempt(now, a);
        return;
    }
    check_release(net, now, a);
}

/// Releases the private branch once the merchant has shipped (double spend) and the
/// branch has more work than what the attacker sees as public.
fn check_release(net: &mut Network, now: SimTime, a: AttackerId) {
    let at = net.attacker(a);
    let Some(attempt) = &at.attempt else {
        return;
    };
    if attempt.released {
        return;
    }
    let shipped = match at.plan.strategy {
        StrategyPlan::DoubleSpend { .. } => at.records[attempt.record].confirmed_at.is_some(),
        _ => true,
    };
    // The public chain as the attacker knows it: its own node's tip, and the
    // merchant's, which it learns from being told the goods shipped. (Comparing with
    // its own node alone would release a mere tie when the confirming block reached
    // the merchant first, and let nodes nearer the attacker side with it.)
    let views = &net.core.views;
    let work = |b: BlockId| net.core.tree.entry(b).chain_work;
    let public = work(views.tip(at.node)).max(work(views.tip(at.observer)));
    let private = at.private_tip;
    if shipped && work(private) > public {
        let at = net.at(a);
        let attempt = at.attempt.as_mut().expect("checked");
        attempt.released = true;
        at.records[attempt.record].released_at = Some(now);
        let (node, count): (NodeId, usize) = (at.node, at.unpublished.len());
        net.core
            .rec
            .trace(now, Some(node), "attack-releases", Some(private), || {
                format!("attacker {a} releases {count} block(s)")
            });
        net.publish_upto(now, a, u32::MAX);
    }
}

/// The block of `tip`'s chain above height `floor` that holds `payment`, and how many
/// blocks confirm it there (itself included).
pub(super) fn holding(
    tree: &BlockTree,
    tip: BlockId,
    payment: Txid,
    floor: u32,
) -> Option<(BlockId, u32)> {
    let tip_height = tree.entry(tip).height;
    let mut b = tip;
    while tree.entry(b).height > floor {
        let entry = tree.entry(b);
        if entry.txids.contains(&payment) {
            return Some((b, tip_height - entry.height + 1));
        }
        b = entry.parent.expect("above genesis");
    }
    None
}

/// The observer's tip moved from `old_tip`: count the merchant's confirmations, and
/// end the attempt in success once the observer's chain holds the released branch.
pub(super) fn observe(net: &mut Network, now: SimTime, a: AttackerId, old_tip: BlockId) {
    let at = net.attacker(a);
    let tip = net.core.views.tip(at.observer);
    let attempt = at.attempt.as_ref().expect("checked by the caller");
    if let (StrategyPlan::DoubleSpend { confirmations, .. }, Some(payment), None) = (
        &at.plan.strategy,
        attempt.payment,
        at.records[attempt.record].confirmed_at,
    ) {
        let tree = &net.core.tree;
        let floor = tree.entry(attempt.base).height;
        if holding(tree, tip, payment, floor).is_some_and(|(_, depth)| depth >= *confirmations) {
            let record = attempt.record;
            net.at(a).records[record].confirmed_at = Some(now);
            check_release(net, now, a);
        }
    }
    let at = net.attacker(a);
    let Some(attempt) = &at.attempt else {
        return;
    };
    let tree = &net.core.tree;
    if (attempt.first_block).is_some_and(|first| attempt.released && tree.is_ancestor(first, tip)) {
        let reverted = net.reverted(old_tip, tip);
        net.end_attempt(now, a, Outcome::Success, reverted);
        net.start_attempt(now, a);
    }
}
