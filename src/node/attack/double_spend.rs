//! The double spend: pay a merchant, mine a private branch holding a conflicting spend
//! of the same coins from that moment, and release it once the merchant has seen
//! `confirmations` and the branch has more work than the public chain. With
//! `premine`, pay only once the first private block is found (the attacker starts one
//! block ahead, as Rosenfeld's analysis assumes).

use super::super::ids::AttackerId;
use super::super::network::Network;
use super::super::plan::StrategyPlan;
use super::{branch, Attempt, Strategy};
use crate::ledger::{Amount, BlockId, FeeRate, OutPoint, Transaction, Wallet};
use crate::sim::SimTime;

pub struct DoubleSpend;

/// The merchant's payment and, from the same coins picked the same way, a conflicting
/// spend back to the attacker, each with its fee; and the attacker's wallet as it
/// stands if the conflict wins. What both double spends (this one and the eclipse's)
/// make.
pub(super) struct TwoSpends {
    pub payment: (Transaction, Amount),
    pub conflict: (Transaction, Amount),
    pub reversed: Wallet,
}

/// Pays `amount` from attacker `a`'s wallet to its merchant, twice over; `None` (and
/// traced) when its coins are gone.
pub(super) fn pay_twice(
    net: &mut Network,
    now: SimTime,
    a: AttackerId,
    amount: Amount,
) -> Option<TwoSpends> {
    // The top of the workload's range: the merchant's payment is not left waiting.
    let fee_rate = FeeRate(net.core.plan.workload.fee_rate.1);
    let at = net.at(a);
    let node = at.node;
    let before = at.wallet.clone();
    let Ok(payment) = at
        .wallet
        .pay_with_fee(at.merchant_script.clone(), amount, fee_rate)
    else {
        net.core
            .rec
            .trace(now, Some(node), "attack-stops", None, || {
                format!("attacker {a} has no coins left")
            });
        return None;
    };
    // The same coins, picked the same way, paid back to the attacker instead.
    let mut reversed = before;
    let own = reversed.receive_script();
    let conflict = reversed
        .pay_with_fee(own, amount, fee_rate)
        .expect("the coins that paid the merchant pay again");
    reversed.add_coin(OutPoint::new(conflict.0.txid(), 0), amount, 0);
    Some(TwoSpends {
        payment,
        conflict,
        reversed,
    })
}

impl Strategy for DoubleSpend {
    fn begin(
        &self,
        net: &mut Network,
        now: SimTime,
        a: AttackerId,
        public: BlockId,
    ) -> Option<Attempt> {
        let at = net.at(a);
        let StrategyPlan::DoubleSpend {
            amount, premine, ..
        } = at.plan.strategy
        else {
            unreachable!("a double spender's plan")
        };
        let node = at.node;
        let mut attempt = Attempt::new(at.records.len(), public);
        let TwoSpends {
            payment: (payment, fee),
            conflict,
            reversed,
        } = pay_twice(net, now, a, amount)?;
        attempt.payment = Some(payment.txid());
        attempt.conflict = Some(conflict);
        attempt.wallet_if_reversed = Some(reversed);
        if premine {
            attempt.unsent_payment = Some((payment, fee));
        } else {
            net.broadcast(now, node, payment, fee);
        }
        Some(attempt)
    }

    fn found(&self, net: &mut Network, now: SimTime, a: AttackerId, block: BlockId) {
        branch::found(net, now, a, block);
    }

    fn saw_public(&self, net: &mut Network, now: SimTime, a: AttackerId) {
        branch::saw_public(net, now, a);
    }
}
