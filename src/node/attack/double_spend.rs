//! The double spend: pay a merchant, mine a private branch holding a conflicting spend
//! of the same coins from that moment, and release it once the merchant has seen
//! `confirmations` and the branch has more work than the public chain. With
//! `premine`, pay only once the first private block is found (the attacker starts one
//! block ahead, as Rosenfeld's analysis assumes).

use super::super::ids::AttackerId;
use super::super::network::Network;
use super::super::plan::StrategyPlan;
use super::{branch, Attempt, Strategy};
use crate::ledger::{BlockId, FeeRate, OutPoint};
use crate::sim::SimTime;

pub struct DoubleSpend;

impl Strategy for DoubleSpend {
    fn begin(
        &self,
        net: &mut Network,
        now: SimTime,
        a: AttackerId,
        public: BlockId,
    ) -> Option<Attempt> {
        // The top of the workload's range: the merchant's payment is not left waiting.
        let fee_rate = FeeRate(net.core.plan.workload.fee_rate.1);
        let at = net.at(a);
        let StrategyPlan::DoubleSpend {
            amount, premine, ..
        } = at.plan.strategy
        else {
            unreachable!("a double spender's plan")
        };
        let mut attempt = Attempt::new(at.records.len(), public);
        let node = at.node;
        let before = at.wallet.clone();
        let Ok((payment, fee)) =
            at.wallet
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
        let (conflict, conflict_fee) = reversed
            .pay_with_fee(own, amount, fee_rate)
            .expect("the coins that paid the merchant pay again");
        reversed.add_coin(OutPoint::new(conflict.txid(), 0), amount, 0);
        attempt.payment = Some(payment.txid());
        attempt.conflict = Some((conflict, conflict_fee));
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
