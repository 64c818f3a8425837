//! How long a new link's messages take, by the network model: drawn when the topology
//! is built and, with routing (`node::routing`), when a node opens a connection during
//! the run — from the same rule either way.

use super::gervais2016;
use super::regions::RegionPreset;
use super::NodeId;
use crate::sim::rng::SimRng;
use crate::sim::SimTime;
use rand::Rng;

pub enum LatencyModel {
    /// Uniform in mean ± jitter.
    Uniform { mean: SimTime, jitter: SimTime },
    /// The region matrix's mean between the two nodes' regions, times 0.8–1.2.
    Regions {
        preset: &'static RegionPreset,
        region: Vec<usize>,
    },
    /// Gervais et al.'s regions, with their Pareto draw where `pareto`.
    Measured { region: Vec<usize>, pareto: bool },
}

impl LatencyModel {
    /// One link's one-way delay between `a` and `b`.
    pub fn draw(&self, a: NodeId, b: NodeId, rng: &mut SimRng) -> SimTime {
        match self {
            LatencyModel::Uniform { mean, jitter } => {
                if *jitter == SimTime::ZERO {
                    *mean
                } else {
                    let (m, j) = (mean.nanos(), jitter.nanos());
                    SimTime(rng.random_range(m - j..=m + j))
                }
            }
            LatencyModel::Regions { preset, region } => {
                let mean_ms = preset.latency_ms[region[a.index()]][region[b.index()]] as f64;
                let factor: f64 = rng.random_range(0.8..1.2);
                SimTime((mean_ms * factor * 1e6).round() as u64)
            }
            LatencyModel::Measured { region, pareto } => {
                let (ra, rb) = (region[a.index()], region[b.index()]);
                let ms = gervais2016::draw_latency_ms(ra, rb, *pareto, rng);
                SimTime((ms * 1e6).round() as u64)
            }
        }
    }
}
