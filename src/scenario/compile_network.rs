//! The network part of a run's plan: the topology and link model, how messages queue,
//! how long validation takes, and when an unanswered request goes elsewhere — chainlab's
//! simple model, or Gervais et al.'s measured 2015–16 network with any of its
//! mechanisms switched off (`network.without`).

use super::{Mechanism, NetworkModel, RegionModel, Scenario, TopologySpec};
use crate::net::gervais2016::{MINER_BPS, MINER_PEERS, MINER_REGIONS};
use crate::net::plan::{LinkModel, NetworkPlan, Shape, Transfer};
use crate::net::regions::{BITCOIN_2015, BITCOIN_2019};
use crate::net::NodeId;
use crate::node::plan::ValidationPlan;
use crate::sim::SimTime;

/// Validation takes 0.174 s per 458,263 bytes in Gervais et al.'s simulator (bitcoin-
/// node.cc, lines 2433–2435): 379.694 ms per MB.
const GERVAIS_VALIDATION_PER_MB: SimTime = SimTime(379_694_036);

fn with(sc: &Scenario, m: Mechanism) -> bool {
    sc.network.model == NetworkModel::Gervais2016 && !sc.network.without.contains(&m)
}

pub fn network_plan(sc: &Scenario) -> Result<NetworkPlan, String> {
    let n = &sc.network;
    if n.model == NetworkModel::Gervais2016 {
        return Ok(measured_plan(sc));
    }
    let shape = match &n.topology {
        TopologySpec::Random => Shape::Random {
            max_inbound: sc.routing.as_ref().map_or(u32::MAX, |r| r.max_inbound),
        },
        TopologySpec::Regular => Shape::Regular,
        TopologySpec::SmallWorld { rewire } => Shape::SmallWorld { rewire: *rewire },
        TopologySpec::Csv { file } => Shape::Edges(super::topology_file::read(file, n.nodes)?),
    };
    let links = match n.regions {
        RegionModel::None => LinkModel::Uniform {
            latency: SimTime(n.latency.0),
            jitter: SimTime(n.jitter.0),
            bandwidth_bps: n.bandwidth.0,
        },
        RegionModel::Bitcoin2015 => LinkModel::Regions(&BITCOIN_2015),
        RegionModel::Bitcoin2019 => LinkModel::Regions(&BITCOIN_2019),
    };
    Ok(NetworkPlan {
        nodes: n.nodes,
        outbound: n.outbound,
        shape,
        links,
        transfer: Transfer::UPLINK,
    })
}

/// The honest miners' nodes: the hubs of the measured model.
fn hub_nodes(sc: &Scenario) -> Vec<NodeId> {
    let all = sc.mining.miners as usize + sc.attacks.len();
    (0..sc.mining.miners as usize)
        .map(|i| crate::node::miner_node(i, all, sc.network.nodes))
        .collect()
}

/// Gervais et al.'s network, its switched-off mechanisms left out.
fn measured_plan(sc: &Scenario) -> NetworkPlan {
    let hubs = hub_nodes(sc);
    let hub_regions = (hubs.iter().enumerate())
        .map(|(i, &h)| (h, MINER_REGIONS[i % MINER_REGIONS.len()]))
        .collect();
    NetworkPlan {
        nodes: sc.network.nodes,
        outbound: sc.network.outbound,
        shape: Shape::Hubs {
            hub_peers: with(sc, Mechanism::Hubs).then_some(MINER_PEERS),
            hubs,
        },
        links: LinkModel::Measured2016 {
            hub_regions,
            pareto_latency: with(sc, Mechanism::ParetoLatency),
            speed_tables: with(sc, Mechanism::SpeedTables),
            hub_bps: with(sc, Mechanism::MinerBandwidth).then_some(MINER_BPS),
        },
        transfer: Transfer {
            download_queue: with(sc, Mechanism::DownloadQueue),
            control_queued: !with(sc, Mechanism::UnqueuedControl),
        },
    }
}

/// How long a node takes to validate a block, and when it asks another peer.
pub fn validation_plan(sc: &Scenario) -> ValidationPlan {
    let n = &sc.network;
    let by_size = with(sc, Mechanism::SizeValidation);
    ValidationPlan {
        base: if by_size {
            SimTime::ZERO
        } else {
            SimTime(n.validation_base.0)
        },
        per_tx: if by_size {
            SimTime::ZERO
        } else {
            SimTime(n.validation_per_tx.0)
        },
        per_mb: if by_size {
            GERVAIS_VALIDATION_PER_MB
        } else {
            SimTime::ZERO
        },
        request_timeout: with(sc, Mechanism::Timeouts)
            .then(|| SimTime(sc.consensus.block_interval.0.saturating_mul(2))),
        headers_sources: with(sc, Mechanism::HeadersSources),
        parent_timers: with(sc, Mechanism::ParentTimers),
    }
}
