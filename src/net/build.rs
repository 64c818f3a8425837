//! Building the topology and the nodes' bandwidths a [`NetworkPlan`] describes.

use super::plan::{LinkModel, NetworkPlan, Shape};
use super::topology::uniform_latency;
use super::{NodeId, Topology, Uplinks};
use crate::sim::rng::{stream, SimRng};
use crate::sim::SimTime;
use rand::Rng;

/// The topology, then `extra` random links from given nodes (attackers' additional
/// connections: made after the topology so that they do not reshuffle it), and each
/// node's bandwidth.
pub fn build(plan: &NetworkPlan, seed: u64, extra: &[(NodeId, u32)]) -> (Topology, Uplinks) {
    let n = plan.nodes;
    let mut rng = stream(seed, "topology", 0);
    let preset = match plan.links {
        LinkModel::Uniform {
            latency,
            jitter,
            bandwidth_bps,
        } => {
            let mut latency = uniform_latency(latency, jitter);
            let mut topo = shape(plan, &mut rng, &mut latency);
            for &(node, count) in extra {
                topo.add_random_links(node, count, &mut rng, &mut latency);
            }
            return (topo, Uplinks::uniform(n as usize, bandwidth_bps));
        }
        LinkModel::Regions(preset) => preset,
    };
    let mut region_rng = stream(seed, "regions", 0);
    let region: Vec<usize> = (0..n)
        .map(|_| preset.region_for(region_rng.random()))
        .collect();
    let mut latency = |a: NodeId, b: NodeId, rng: &mut SimRng| {
        let mean_ms = preset.latency_ms[region[a.index()]][region[b.index()]] as f64;
        let factor: f64 = rng.random_range(0.8..1.2);
        SimTime((mean_ms * factor * 1e6).round() as u64)
    };
    let mut topo = shape(plan, &mut rng, &mut latency);
    for &(node, count) in extra {
        topo.add_random_links(node, count, &mut rng, &mut latency);
    }
    let up = region.iter().map(|&r| preset.upload_bps[r]).collect();
    let down = region.iter().map(|&r| preset.download_bps[r]).collect();
    (topo, Uplinks::per_node(up, down))
}

/// The graph the plan asks for, with `latency` giving each generated link its delay.
fn shape(
    plan: &NetworkPlan,
    rng: &mut SimRng,
    latency: impl FnMut(NodeId, NodeId, &mut SimRng) -> SimTime,
) -> Topology {
    let (n, k) = (plan.nodes, plan.outbound);
    match &plan.shape {
        Shape::Random => Topology::random_outbound(n, k, rng, latency),
        Shape::Regular => Topology::random_regular(n, 2 * k, rng, latency),
        Shape::SmallWorld { rewire } => Topology::small_world(n, k, *rewire, rng, latency),
        Shape::Edges(edges) => Topology::from_edges(n, edges),
    }
}
