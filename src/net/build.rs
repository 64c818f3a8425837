//! Building the topology and the nodes' bandwidths a [`NetworkPlan`] describes.

use super::gervais2016;
use super::hubs::HubGraph;
use super::latency::LatencyModel;
use super::plan::{LinkModel, NetworkPlan, Shape};
use super::{NodeId, Topology, Uplinks};
use crate::sim::rng::{stream, SimRng};
use crate::sim::SimTime;
use rand::Rng;

/// Links attackers add to the topology once it is built (so that they reshuffle
/// nothing): `random` links from a node to random others, then `pairs` between named
/// nodes (an eclipse attacker and its victims).
#[derive(Default)]
pub struct Extra {
    pub random: Vec<(NodeId, u32)>,
    pub pairs: Vec<(NodeId, NodeId)>,
}

impl Extra {
    fn add(
        &self,
        topo: &mut Topology,
        rng: &mut SimRng,
        mut latency: impl FnMut(NodeId, NodeId, &mut SimRng) -> SimTime,
    ) {
        for &(node, count) in &self.random {
            topo.add_random_links(node, count, rng, &mut latency);
        }
        for &pair in &self.pairs {
            topo.add_link(pair, rng, &mut latency);
        }
    }
}

/// The topology, then the `extra` links, and each node's bandwidth.
pub fn build(plan: &NetworkPlan, seed: u64, extra: &Extra) -> (Topology, Uplinks) {
    let n = plan.nodes;
    let mut rng = stream(seed, "topology", 0);
    let preset = match plan.links {
        LinkModel::Uniform {
            latency,
            jitter,
            bandwidth_bps,
        } => {
            let model = LatencyModel::Uniform {
                mean: latency,
                jitter,
            };
            let mut latency = |a, b, rng: &mut SimRng| model.draw(a, b, rng);
            let mut topo = shape(plan, &mut rng, &mut latency);
            extra.add(&mut topo, &mut rng, &mut latency);
            topo.set_latency_model(model);
            let uplinks = Uplinks::uniform(n as usize, bandwidth_bps).with_transfer(plan.transfer);
            return (topo, uplinks);
        }
        LinkModel::Regions(preset) => preset,
        LinkModel::Measured2016 { .. } => return build_measured(plan, seed, extra),
    };
    let mut region_rng = stream(seed, "regions", 0);
    let region: Vec<usize> = (0..n)
        .map(|_| preset.region_for(region_rng.random()))
        .collect();
    let model = LatencyModel::Regions {
        preset,
        region: region.clone(),
    };
    let mut latency = |a, b, rng: &mut SimRng| model.draw(a, b, rng);
    let mut topo = shape(plan, &mut rng, &mut latency);
    extra.add(&mut topo, &mut rng, &mut latency);
    topo.set_latency_model(model);
    topo.set_regions(&region);
    let up = region.iter().map(|&r| preset.upload_bps[r]).collect();
    let down = region.iter().map(|&r| preset.download_bps[r]).collect();
    (
        topo,
        Uplinks::per_node(up, down).with_transfer(plan.transfer),
    )
}

/// The graph the plan asks for, with `latency` giving each generated link its delay.
fn shape(
    plan: &NetworkPlan,
    rng: &mut SimRng,
    latency: impl FnMut(NodeId, NodeId, &mut SimRng) -> SimTime,
) -> Topology {
    let (n, k) = (plan.nodes, plan.outbound);
    match &plan.shape {
        Shape::Random { max_inbound } => {
            Topology::random_outbound_capped(n, (k, *max_inbound), rng, latency)
        }
        Shape::Regular => Topology::random_regular(n, 2 * k, rng, latency),
        Shape::SmallWorld { rewire } => Topology::small_world(n, k, *rewire, rng, latency),
        Shape::Edges(edges) => Topology::from_edges(n, edges),
        Shape::Hubs { hubs, hub_peers } => HubGraph::build(n, hubs, *hub_peers, rng, latency),
    }
}

/// Gervais et al.'s network: regions, Pareto latencies, per-node speeds from the
/// measured tables (`LinkModel::Measured2016`).
fn build_measured(plan: &NetworkPlan, seed: u64, extra: &Extra) -> (Topology, Uplinks) {
    let LinkModel::Measured2016 {
        hub_regions,
        pareto_latency,
        speed_tables,
        hub_bps,
    } = &plan.links
    else {
        unreachable!("called for the measured model only")
    };
    let n = plan.nodes as usize;
    let mut region_rng = stream(seed, "regions", 0);
    let mut region: Vec<usize> = (0..n)
        .map(|_| gervais2016::draw_region(&mut region_rng))
        .collect();
    for &(node, r) in hub_regions {
        region[node.index()] = r;
    }
    let model = LatencyModel::Measured {
        region: region.clone(),
        pareto: *pareto_latency,
    };
    let mut latency = |a, b, rng: &mut SimRng| model.draw(a, b, rng);
    let mut rng = stream(seed, "topology", 0);
    let mut topo = shape(plan, &mut rng, &mut latency);
    extra.add(&mut topo, &mut rng, &mut latency);
    topo.set_latency_model(model);
    topo.set_regions(&region);
    let tables = gervais2016::speed_tables();
    let mut speed_rng = stream(seed, "bandwidth", 0);
    let (mut up, mut down): (Vec<f64>, Vec<f64>) = (region.iter())
        .map(|&r| match speed_tables {
            true => (
                tables.upload[r].draw_bps(&mut speed_rng),
                tables.download[r].draw_bps(&mut speed_rng),
            ),
            false => (tables.upload[r].mean_bps(), tables.download[r].mean_bps()),
        })
        .unzip();
    if let Some(bps) = hub_bps {
        for &(node, _) in hub_regions {
            (up[node.index()], down[node.index()]) = (*bps, *bps);
        }
    }
    let uplinks = Uplinks::per_node(up, down).with_transfer(plan.transfer);
    (topo, uplinks)
}
