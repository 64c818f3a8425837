//! The N-confirmation double spend against an eclipsed merchant (Heilman, Kendler,
//! Zohar and Goldberg, "Eclipse Attacks on Bitcoin's Peer-to-Peer Network", USENIX
//! Security 2015, §1.1). The attacker holds every connection of the merchant (and of
//! the eclipsed miners): a partition of those nodes with the attacker's own node,
//! linked to each of them. Inside, the merchant sees only the attacker's chain, which
//! carries the payment and grows at the attacker's and the eclipsed miners' hashrate;
//! outside, the attacker's other node gives the network a conflicting spend of the
//! same coins to itself. Once the merchant has seen `confirmations` (it ships), the
//! attacker lets the eclipse go; the merchant hears the honest chain and, when it has
//! more work, moves to it, losing the payment. Every block mined inside is then stale:
//! the eclipsed miners' hashrate is spent on the attacker's chain.

use super::super::ids::AttackerId;
use super::super::network::Network;
use super::super::plan::StrategyPlan;
use super::{Attempt, Outcome, Strategy};
use crate::ledger::{BlockId, FeeRate, OutPoint};
use crate::net::NodeId;
use crate::sim::SimTime;

pub struct EclipseSpend;

/// Blocks the merchant's chain must grow past the attacker's branch before the attempt
/// counts as lost (the network took the attacker's chain and the payment stays).
const KEPT_AFTER: u32 = 6;

impl Strategy for EclipseSpend {
    fn begin(
        &self,
        net: &mut Network,
        now: SimTime,
        a: AttackerId,
        public: BlockId,
    ) -> Option<Attempt> {
        let fee_rate = FeeRate(net.core.plan.workload.fee_rate.1);
        let at = net.at(a);
        let StrategyPlan::EclipseSpend { amount, .. } = at.plan.strategy else {
            unreachable!("an eclipse double spender's plan")
        };
        let before = at.wallet.clone();
        let Ok((payment, fee)) =
            at.wallet
                .pay_with_fee(at.merchant_script.clone(), amount, fee_rate)
        else {
            let node = at.node;
            net.core
                .rec
                .trace(now, Some(node), "attack-stops", None, || {
                    format!("attacker {a} has no coins left")
                });
            return None;
        };
        let mut reversed = before;
        let own = reversed.receive_script();
        let (conflict, conflict_fee) = reversed
            .pay_with_fee(own, amount, fee_rate)
            .expect("the coins that paid the merchant pay again");
        reversed.add_coin(OutPoint::new(conflict.txid(), 0), amount, 0);
        let mut attempt = Attempt::new(at.records.len(), public);
        attempt.payment = Some(payment.txid());
        attempt.wallet_if_reversed = Some(reversed);
        let side = at
            .eclipse
            .clone()
            .expect("an eclipse attacker has its partition");
        // The eclipse first, so that nothing from outside reaches the victims; then
        // the payment, to the eclipsed miners only (before the conflict, so that at
        // equal fee rates their templates take it first); then the conflict, outside.
        net.core.transport.faults.start(side.fault);
        give_to_eclipsed_miners(net, now, a, &payment, fee);
        attempt.conflict = Some((payment, fee));
        net.broadcast(now, side.outside, conflict, conflict_fee);
        Some(attempt)
    }

    fn found(&self, net: &mut Network, now: SimTime, a: AttackerId, block: BlockId) {
        let at = net.at(a);
        at.private_tip = block;
        at.unpublished.push_back(block);
        let miner = at.miner;
        if let Some(attempt) = &at.attempt {
            at.records[attempt.record].attacker_blocks += 1;
        }
        // Published at once: inside the eclipse only its victims hear it.
        net.publish_upto(now, a, u32::MAX);
        give_up_if_due(net, now, a);
        net.schedule_mining(miner);
    }

    fn saw_public(&self, net: &mut Network, now: SimTime, a: AttackerId) {
        let at = net.attacker(a);
        let (node, miner) = (at.node, at.miner);
        let tip = net.core.views.tip(node);
        net.at(a).private_tip = tip;
        if net.attacker(a).attempt.is_some() {
            give_up_if_due(net, now, a);
        } else if net.attacker(a).waiting && net.restart_eclipse_if_ready(now, a) {
            return;
        }
        net.schedule_mining(miner);
    }

    fn observe(&self, net: &mut Network, now: SimTime, a: AttackerId, old_tip: BlockId) {
        let at = net.attacker(a);
        let attempt = at.attempt.as_ref().expect("checked by the caller");
        let tip = net.core.views.tip(at.observer);
        if !attempt.released {
            if let Some(block) = confirmed_in(net, a, tip) {
                ship(net, now, a, block);
            }
            return;
        }
        let tree = &net.core.tree;
        let first = attempt.first_block.expect("set when released");
        if !tree.is_ancestor(first, tip) {
            let reverted = net.reverted(old_tip, tip);
            net.settle(now, a, Outcome::Success, reverted);
        } else if tree.entry(tip).height >= tree.entry(first).height + KEPT_AFTER {
            net.settle(now, a, Outcome::Lost, (0, 0));
        }
    }
}

/// The eclipsed miners hear of the payment from the attacker (one link's latency).
fn give_to_eclipsed_miners(
    net: &mut Network,
    now: SimTime,
    a: AttackerId,
    payment: &crate::ledger::Transaction,
    fee: crate::ledger::Amount,
) {
    let node = net.attacker(a).node;
    net.txs.register_unrelayed(&mut net.core, payment);
    let id = (net.core.pays).add(payment.clone(), payment.txid(), node, fee, now);
    let StrategyPlan::EclipseSpend { miners, .. } = &net.attacker(a).plan.strategy else {
        unreachable!("an eclipse double spender's plan")
    };
    for &miner in &miners.clone() {
        let there = net.miners.get(miner).node;
        let link = net.core.transport.topology().link(node, there);
        let latency = link.expect("the attacker is linked to its victims").latency;
        let event = super::super::event::Event::PaymentAtMiner { miner, tx: id };
        net.q.schedule(now + latency, event);
    }
}

/// The block of the merchant's chain (ending at `tip`) holding the payment, if the
/// merchant has seen it under the required confirmations.
fn confirmed_in(net: &Network, a: AttackerId, tip: BlockId) -> Option<BlockId> {
    let at = net.attacker(a);
    let attempt = at.attempt.as_ref()?;
    let StrategyPlan::EclipseSpend { confirmations, .. } = at.plan.strategy else {
        return None;
    };
    let (tree, payment) = (&net.core.tree, attempt.payment?);
    // Down to where the merchant's chain leaves the attempt's base: an eclipsed miner
    // that had not heard the base yet may have put the payment in a sibling of it.
    let fork = tree.fork_point(tip, attempt.base);
    let tip_height = tree.entry(tip).height;
    let mut b = tip;
    while b != fork {
        let entry = tree.entry(b);
        if entry.txids.contains(&payment) {
            return (tip_height - entry.height + 1 >= confirmations).then_some(b);
        }
        b = entry.parent.expect("above genesis");
    }
    None
}

/// The merchant has seen its confirmations and ships: the attacker lets the eclipse go.
fn ship(net: &mut Network, now: SimTime, a: AttackerId, block: BlockId) {
    let at = net.at(a);
    let attempt = at.attempt.as_mut().expect("an attempt under way");
    attempt.released = true;
    attempt.first_block = Some(block);
    let record = &mut at.records[attempt.record];
    (record.confirmed_at, record.released_at) = (Some(now), Some(now));
    end_eclipse(net, now, a);
}

fn end_eclipse(net: &mut Network, now: SimTime, a: AttackerId) {
    let node = net.attacker(a).node;
    let fault = net.attacker(a).eclipse.as_ref().expect("set").fault;
    net.core
        .rec
        .trace(now, Some(node), "eclipse-ends", None, || {
            format!("attacker {a} lets its victims go")
        });
    net.fault_ends(now, fault);
}

/// An eclipse that has lasted `give_up_after` without the merchant shipping ends.
fn give_up_if_due(net: &mut Network, now: SimTime, a: AttackerId) {
    let at = net.attacker(a);
    let (Some(attempt), StrategyPlan::EclipseSpend { give_up_after, .. }) =
        (&at.attempt, &at.plan.strategy)
    else {
        return;
    };
    let started = at.records[attempt.record].started;
    if attempt.released || give_up_after.is_none_or(|after| now < started.saturating_add(after)) {
        return;
    }
    end_eclipse(net, now, a);
    net.settle(now, a, Outcome::GaveUp, (0, 0));
}

impl Network {
    /// Between attempts: the next one starts once the attacker's node and every victim
    /// hold the same tip and it is on the honest chain (the attacker's outside node's):
    /// an eclipse that cut a victim off mid-download would leave it stranded.
    pub(super) fn restart_eclipse_if_ready(&mut self, now: SimTime, a: AttackerId) -> bool {
        let at = self.attacker(a);
        let side = at.eclipse.as_ref().expect("an eclipse attacker");
        let views = &self.core.views;
        let tip = views.tip(at.node);
        let ready = side.victims.iter().all(|&v| views.tip(v) == tip)
            && self.core.tree.is_ancestor(tip, views.tip(side.outside));
        if ready {
            self.at(a).waiting = false;
            self.start_attempt(now, a);
        }
        ready
    }

    /// Ends an eclipse attempt; the next one waits for the attacker's node to be back
    /// on the honest chain.
    fn settle(&mut self, now: SimTime, a: AttackerId, outcome: Outcome, reverted: (u32, u32)) {
        self.end_attempt(now, a, outcome, reverted);
        self.at(a).waiting = true;
    }

    /// The node outside an eclipse that gives the network the conflicting spend: the
    /// attacker's first peer outside it, else the first node outside it.
    pub(in crate::node) fn outside_of(&self, node: NodeId, eclipsed: &[NodeId]) -> NodeId {
        let outside = |n: &NodeId| *n != node && !eclipsed.contains(n);
        let peers = self.core.transport.peers(node).iter().map(|l| l.peer);
        (peers.clone().find(outside))
            .or_else(|| (0..self.core.views.nodes()).map(NodeId).find(outside))
            .expect("a node outside the eclipse")
    }
}
