//! Building the topology and links a scenario describes.

use crate::net::{Topology, Uplinks};
use crate::scenario::{Scenario, TopologySpec};
use crate::sim::rng::{stream, SimRng};
use crate::sim::SimTime;
use rand::Rng;

/// The topology and links: uniform latency and bandwidth, or a measured region model
/// where each node is placed in a region and a link's latency is the regions' mean
/// latency scaled by a uniform factor in [0.8, 1.2] (links differ within a region pair).
pub(super) fn build(sc: &Scenario) -> (Topology, Uplinks) {
    use crate::net::regions::{BITCOIN_2015, BITCOIN_2019};
    use crate::scenario::RegionModel;
    let n = sc.network.nodes;
    let mut rng = stream(sc.seed, "topology", 0);
    let preset = match sc.network.regions {
        RegionModel::None => {
            let mut latency =
                crate::net::topology::uniform_latency(sc.network.latency.0, sc.network.jitter.0);
            let mut topo = shape(sc, &mut rng, &mut latency);
            connect_attackers(sc, &mut topo, &mut rng, latency);
            return (topo, Uplinks::uniform(n as usize, sc.network.bandwidth.0));
        }
        RegionModel::Bitcoin2015 => &BITCOIN_2015,
        RegionModel::Bitcoin2019 => &BITCOIN_2019,
    };
    let mut region_rng = stream(sc.seed, "regions", 0);
    let region: Vec<usize> = (0..n)
        .map(|_| preset.region_for(region_rng.random()))
        .collect();
    let latency = |a: u32, b: u32, rng: &mut SimRng| {
        let mean_ms = preset.latency_ms[region[a as usize]][region[b as usize]] as f64;
        let factor: f64 = rng.random_range(0.8..1.2);
        (mean_ms * factor * 1e6).round() as SimTime
    };
    let mut topo = shape(sc, &mut rng, latency);
    connect_attackers(sc, &mut topo, &mut rng, latency);
    let up = region.iter().map(|&r| preset.upload_bps[r]).collect();
    let down = region.iter().map(|&r| preset.download_bps[r]).collect();
    (topo, Uplinks::per_node(up, down))
}

/// The graph the scenario asks for, with `latency` giving each generated link its delay.
fn shape(
    sc: &Scenario,
    rng: &mut SimRng,
    latency: impl FnMut(u32, u32, &mut SimRng) -> SimTime,
) -> Topology {
    let (n, k) = (sc.network.nodes, sc.network.outbound);
    match &sc.network.topology {
        TopologySpec::Random => Topology::random_outbound(n, k, rng, latency),
        TopologySpec::Regular => Topology::random_regular(n, 2 * k, rng, latency),
        TopologySpec::SmallWorld { rewire } => Topology::small_world(n, k, *rewire, rng, latency),
        TopologySpec::Csv { file } => {
            let edges = crate::scenario::topology_file::read(file, n)
                .expect("the topology file was checked when the scenario loaded");
            Topology::from_edges(n, &edges)
        }
    }
}

/// Attackers' extra links (`connections`), made after the topology so that they do not
/// reshuffle it.
fn connect_attackers(
    sc: &Scenario,
    topo: &mut Topology,
    rng: &mut SimRng,
    mut latency: impl FnMut(u32, u32, &mut SimRng) -> SimTime,
) {
    let honest = sc.mining.miners as usize;
    let miners = honest + sc.attacks.len();
    for (a, attack) in sc.attacks.iter().enumerate() {
        if attack.connections() > 0 {
            let node = super::miner_node(honest + a, miners, sc.network.nodes);
            topo.add_random_links(node, attack.connections(), rng, &mut latency);
        }
    }
}
