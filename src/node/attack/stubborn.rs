//! Stubborn mining (Nayak, Kumar, Miller and Shi, EuroS&P 2016): selfish mining with
//! lead, equal-fork and trail stubbornness switched on as the plan says
//! (`withholding.rs` holds the state machine).

use super::super::ids::AttackerId;
use super::super::network::Network;
use super::super::plan::StrategyPlan;
use super::withholding::{self, Switches};
use super::{Attempt, Strategy};
use crate::ledger::BlockId;
use crate::sim::SimTime;

pub struct Stubborn;

fn switches(net: &Network, a: AttackerId) -> Switches {
    let StrategyPlan::Stubborn {
        gamma,
        lead,
        equal_fork,
        trail,
    } = net.attacker(a).plan.strategy
    else {
        unreachable!("a stubborn miner's plan")
    };
    Switches {
        lead,
        equal_fork,
        trail,
        gamma,
    }
}

impl Strategy for Stubborn {
    fn begin(&self, _: &mut Network, _: SimTime, _: AttackerId, _: BlockId) -> Option<Attempt> {
        None // episodes start with a found block
    }

    fn observed(&self) -> bool {
        false
    }

    fn found(&self, net: &mut Network, now: SimTime, a: AttackerId, block: BlockId) {
        withholding::found(net, now, a, block, switches(net, a));
    }

    fn saw_public(&self, net: &mut Network, now: SimTime, a: AttackerId) {
        withholding::saw_public(net, now, a, switches(net, a));
    }
}
