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

use super::super::event::Event;
use super::super::ids::{AttackerId, PaymentId};
use super::super::network::Network;
use super::super::plan::StrategyPlan;
use super::branch::holding;
use super::double_spend::{pay_twice, TwoSpends};
use super::{Attempt, Outcome, Strategy};
use crate::ledger::{BlockId, OutPoint, Wallet};
use crate::net::NodeId;
use crate::sim::SimTime;

pub struct EclipseSpend;

/// An attempt's payment and conflicting spend, and the attacker's wallet before them
/// and after the conflict (the wallet itself is the one after the payment): between
/// them, every coin the attempt can have left the attacker.
pub(super) struct Unsettled {
    payment: PaymentId,
    conflict: PaymentId,
    before: Wallet,
    reversed: Wallet,
}

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
        let at = net.at(a);
        let StrategyPlan::EclipseSpend { amount, .. } = at.plan.strategy else {
            unreachable!("an eclipse double spender's plan")
        };
        let side = at
            .eclipse
            .as_ref()
            .expect("an eclipse attacker has its partition");
        let (fault, outside) = (side.fault, side.outside);
        let mut attempt = Attempt::new(at.records.len(), public);
        let before = at.wallet.clone();
        let TwoSpends {
            payment: (payment, fee),
            conflict: (conflict, conflict_fee),
            reversed,
        } = pay_twice(net, now, a, amount)?;
        attempt.payment = Some(payment.txid());
        // The eclipse first, so that nothing from outside reaches the victims; then
        // the payment, to the eclipsed miners only (before the conflict, so that at
        // equal fee rates their templates take it first); then the conflict, outside.
        net.core.transport.faults.start(fault);
        let paid = give_to_eclipsed_miners(net, now, a, &payment, fee);
        attempt.spends = Some(Unsettled {
            payment: paid,
            conflict: net.broadcast(now, outside, conflict, conflict_fee),
            before,
            reversed,
        });
        attempt.conflict = Some((payment, fee));
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
        } else if net.attacker(a).waiting {
            net.restart_eclipse_if_ready(now, a);
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
/// Returns its place in the payment book.
fn give_to_eclipsed_miners(
    net: &mut Network,
    now: SimTime,
    a: AttackerId,
    payment: &crate::ledger::Transaction,
    fee: crate::ledger::Amount,
) -> PaymentId {
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
        let event = Event::PaymentAtMiner { miner, tx: id };
        net.q.schedule(now + latency, event);
    }
    id
}

/// The block of the merchant's chain (ending at `tip`) holding the payment, if the
/// merchant has seen it under the required confirmations. Looked for down to where
/// that chain leaves the attempt's base: an eclipsed miner that had not heard the base
/// yet may have put the payment in a sibling of it.
fn confirmed_in(net: &Network, a: AttackerId, tip: BlockId) -> Option<BlockId> {
    let at = net.attacker(a);
    let attempt = at.attempt.as_ref()?;
    let StrategyPlan::EclipseSpend { confirmations, .. } = at.plan.strategy else {
        return None;
    };
    let tree = &net.core.tree;
    let floor = tree.entry(tree.fork_point(tip, attempt.base)).height;
    let (block, depth) = holding(tree, tip, attempt.payment?, floor)?;
    (depth >= confirmations).then_some(block)
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
    /// Between attempts: the next one starts once the attacker's node, every victim
    /// and the attacker's outside node hold the same tip, and the wallet is settled
    /// on it ([`Network::settle_wallet`]). Earlier would bias or break the next
    /// attempt: an honest chain already ahead is a head start for the attack, an
    /// eclipse that cuts a victim off mid-download strands it, and coins the chain
    /// does not hold can pay for nothing.
    pub(super) fn restart_eclipse_if_ready(&mut self, now: SimTime, a: AttackerId) {
        let at = self.attacker(a);
        let side = at.eclipse.as_ref().expect("an eclipse attacker");
        let views = &self.core.views;
        let tip = views.tip(at.node);
        let ready = (side.victims.iter().chain([&side.outside])).all(|&v| views.tip(v) == tip)
            && self.settle_wallet(a, tip);
        if ready {
            // As an event of its own, after the connection that made the tips meet has
            // finished (its payments held, the node's relay done): an attempt started
            // from inside it would pay from coins the node does not hold yet.
            self.at(a).waiting = false;
            self.q.schedule(now, Event::AttackStarts(a));
        }
    }

    /// Gives the attacker the coins the chain at `tip` says it holds, once neither of
    /// the last attempt's spends waits in a miner's pool (each is then mined or gone
    /// for good): of every coin the attempt could have left it (before both spends,
    /// after the payment, after the conflict), those unspent at `tip`, as a wallet
    /// rescanning the chain finds them. Reorgs, a spend mined on a branch later
    /// abandoned, a conflict dropped from every pool: whatever happened, the wallet
    /// pays from coins that exist. False while a spend may still be mined.
    fn settle_wallet(&mut self, a: AttackerId, tip: BlockId) -> bool {
        let Some(u) = &self.attacker(a).unsettled else {
            return true;
        };
        let pools = &self.core.pools;
        let pending = |t: &PaymentId| pools.iter().any(|pool| pool.contains(t));
        if [u.payment, u.conflict].iter().any(pending) {
            return false;
        }
        let at = &mut self.attackers[a.index()];
        let Unsettled {
            before, reversed, ..
        } = at.unsettled.take().expect("checked");
        // Every version of the wallet made the same keys in the same order (derived
        // from the seed and their index), so coins move between them with their key.
        let mut wallet = reversed;
        for (outpoint, coin) in at.wallet.coins().iter().chain(before.coins()) {
            wallet.add_coin(*outpoint, coin.value, coin.key);
        }
        let utxo = self.core.tree.utxo_at(tip);
        let gone: Vec<OutPoint> = (wallet.coins().keys())
            .filter(|o| !utxo.contains(o))
            .copied()
            .collect();
        for outpoint in &gone {
            wallet.remove_coin(outpoint);
        }
        at.wallet = wallet;
        true
    }

    /// Ends an eclipse attempt, keeping its two spends until the honest chain shows
    /// which won; the next attempt waits for that ([`Network::restart_eclipse_if_ready`]).
    fn settle(&mut self, now: SimTime, a: AttackerId, outcome: Outcome, reverted: (u32, u32)) {
        let at = self.at(a);
        let attempt = at.attempt.as_mut().expect("an attempt under way");
        at.unsettled = attempt.spends.take();
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
