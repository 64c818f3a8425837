//! A checked scenario becomes a run's plan: units resolved to nanoseconds, bytes and
//! satoshis, defaults filled, the topology file read, `auto` choices made. The node
//! and network layers read the plan only, never the file's schema.

use super::{Attack, BlockRelay, Fault, Gamma, GiveUp, NodeSet, PowMode, Scenario, TxRelay};
use crate::ledger::pow::{RetargetRule, Target};
use crate::ledger::{Amount, ConsensusParams};
use crate::net::plan::{FaultKind, FaultPlan, NodeSet as PlanNodes};
use crate::net::NodeId;
use crate::node::plan::{
    AttackPlan, BlockRelayKind, ChurnPlan, HashrateStep, JoinPlan, MiningPlan, PowMode as PlanPow,
    RunPlan, StopPlan, StrategyPlan, TxRelayKind, WorkloadPlan,
};
use crate::node::MinerId;
use crate::sim::SimTime;

/// The plan of a scenario that passed its checks. `Err` only when the topology file
/// can no longer be read (it was read and checked when the scenario loaded).
pub fn compile(sc: &Scenario) -> Result<RunPlan, String> {
    let n = &sc.network;
    Ok(RunPlan {
        seed: sc.seed,
        label: sc.name.as_bytes().to_vec(),
        stop: StopPlan {
            blocks: sc.stop.blocks,
            time: sc.stop.time.map(|d| SimTime(d.0)),
            drain: sc.stop.in_flight == super::InFlight::Deliver,
        },
        network: super::compile_network::network_plan(sc)?,
        relay: match n.relay {
            BlockRelay::InvGetdata => BlockRelayKind::InvGetdata,
            BlockRelay::Push => BlockRelayKind::Push,
            BlockRelay::Compact => BlockRelayKind::Compact,
            BlockRelay::Headers => BlockRelayKind::Headers,
        },
        light_fraction: n.light_nodes,
        validation: super::compile_network::validation_plan(sc),
        consensus: consensus_params(sc),
        block_interval: SimTime(sc.consensus.block_interval.0),
        hashes_per_block: sc.consensus.hashes_per_block,
        mining: MiningPlan {
            shares: sc.miner_shares(),
            pow: match sc.mining.pow {
                PowMode::Sampled => PlanPow::Sampled,
                PowMode::Grind => PlanPow::Grind,
            },
            block_padding: sc.mining.block_padding.0 as usize,
            schedule: (sc.mining.schedule.iter())
                .map(|s| HashrateStep {
                    at: SimTime(s.at.0),
                    miner: s.miner,
                    factor: s.hashrate,
                })
                .collect(),
        },
        workload: WorkloadPlan {
            tx_rate: sc.workload.tx_rate.0,
            wallets: sc.workload.wallets,
            coins_per_wallet: sc.workload.coins_per_wallet,
            fee_rate: (sc.workload.fee_rate.min, sc.workload.fee_rate.max),
            tx_trickle: SimTime(sc.workload.tx_trickle.0),
            relay: tx_relay_kind(sc),
        },
        attacks: sc.attacks.iter().map(attack_plan).collect(),
        faults: sc.faults.iter().map(fault_plan).collect(),
        joining: sc.joining.as_ref().map(|j| JoinPlan {
            nodes: j.nodes,
            from: SimTime(j.from.0),
            rate: j.rate.map(|r| r.0),
            blocks_in_flight: j.blocks_in_flight,
        }),
        churn: sc.churn.as_ref().map(|c| ChurnPlan {
            nodes: c.nodes,
            session: SimTime(c.session.0),
            downtime: SimTime(c.downtime.0),
            until: c.until.map(|u| SimTime(u.0)),
        }),
        routing: super::routing::plan(sc),
        history: sc
            .history
            .as_ref()
            .map(|h| crate::node::history::HistoryPlan {
                blocks: h.blocks,
                block_bytes: h.block_bytes.0 as usize,
            }),
    })
}

/// How payments travel in this scenario's network (`auto` resolved by its size).
pub fn tx_relay_kind(sc: &Scenario) -> TxRelayKind {
    match sc.workload.relay.resolve(sc.network.nodes) {
        TxRelay::Gossip => TxRelayKind::Gossip,
        _ => TxRelayKind::ShortestPath,
    }
}

/// The consensus rules of the scenario's chain.
pub fn consensus_params(sc: &Scenario) -> ConsensusParams {
    let c = &sc.consensus;
    ConsensusParams {
        max_block_bytes: c.max_block_bytes.0 as usize,
        coinbase_maturity: c.coinbase_maturity,
        initial_reward: Amount::from_coins(c.reward),
        halving_interval: c.halving_interval,
        retarget: RetargetRule {
            interval: c.retarget_interval,
            timespan_s: (c.block_interval.secs() * f64::from(c.retarget_interval)).round() as u64,
            clamp_factor: c.retarget_clamp,
            // Room for the difficulty to fall 64-fold below the starting point.
            pow_limit: Target::from_expected_hashes((c.hashes_per_block / 64).max(1)),
        },
        median_time_span: 11,
        max_future_block_time_s: 7200,
    }
}

fn give_up(g: GiveUp) -> Option<u32> {
    match g {
        GiveUp::Never => None,
        GiveUp::Behind(n) => Some(n),
    }
}

fn fixed(gamma: Gamma) -> Option<f64> {
    match gamma {
        Gamma::Network => None,
        Gamma::Fixed(g) => Some(g),
    }
}

fn attack_plan(a: &Attack) -> AttackPlan {
    let strategy = match a {
        Attack::DoubleSpend {
            confirmations,
            give_up_behind,
            amount,
            merchant,
            premine,
            ..
        } => StrategyPlan::DoubleSpend {
            confirmations: *confirmations,
            give_up_behind: give_up(*give_up_behind),
            amount: Amount::from_coins(*amount),
            merchant: merchant.map(NodeId),
            premine: *premine,
        },
        Attack::EclipseDoubleSpend {
            confirmations,
            amount,
            merchant,
            miners,
            give_up_after,
            ..
        } => StrategyPlan::EclipseSpend {
            confirmations: *confirmations,
            amount: Amount::from_coins(*amount),
            merchant: NodeId(*merchant),
            miners: miners.iter().map(|&m| MinerId(m)).collect(),
            give_up_after: give_up_after.map(|d| SimTime(d.0)),
        },
        Attack::Majority {
            depth,
            give_up_behind,
            ..
        } => StrategyPlan::Majority {
            depth: *depth,
            give_up_behind: give_up(*give_up_behind),
        },
        Attack::Selfish { gamma, .. } => StrategyPlan::Selfish {
            gamma: fixed(*gamma),
        },
        Attack::Stubborn {
            gamma,
            lead,
            equal_fork,
            trail,
            ..
        } => StrategyPlan::Stubborn {
            gamma: fixed(*gamma),
            lead: *lead,
            equal_fork: *equal_fork,
            trail: *trail,
        },
    };
    AttackPlan {
        hashrate: a.hashrate(),
        connections: a.connections(),
        start: SimTime(a.start().0),
        attempts: a.attempts(),
        funds: a.funds_needed(),
        strategy,
    }
}

fn fault_plan(f: &Fault) -> FaultPlan {
    let nodes = |set: &NodeSet| match set {
        NodeSet::Ids(ids) => PlanNodes::Ids(ids.iter().copied().map(NodeId).collect()),
        NodeSet::Fraction(x) => PlanNodes::Fraction(*x),
    };
    let kind = match f {
        Fault::Partition { nodes: set, .. } => FaultKind::Partition { nodes: nodes(set) },
        Fault::Crash { nodes: set, .. } => FaultKind::Crash { nodes: nodes(set) },
        Fault::Loss { rate, retry, .. } => FaultKind::Loss {
            rate: *rate,
            retry: SimTime(retry.0),
        },
    };
    let (start, end) = f.window();
    FaultPlan {
        kind,
        start: SimTime(start),
        end: (end != u64::MAX).then_some(SimTime(end)),
    }
}
