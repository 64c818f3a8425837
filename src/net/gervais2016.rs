//! The Bitcoin network of 2015–16 as Gervais, Karame, Wüst, Glykantzis, Ritzdorf and
//! Capkun measured and parameterised it ("On the Security and Performance of Proof of
//! Work Blockchains", CCS 2016; their ns-3 simulator, arthurgervais/Bitcoin-Simulator
//! at dd866b5, `bitcoin-topology-helper.cc` and `scratch/bitcoin-test.cc`): six
//! regions with a latency matrix, a Pareto law per link around it, per-node bandwidths
//! drawn from each region's measured distribution, a measured distribution of how many
//! connections a node keeps, and sixteen mining pools with their hash shares and
//! regions. Figures only; how chainlab uses them is `network.model: gervais-2016`
//! (docs/scenario.md, docs/validation.md).

use super::regions::REGIONS;
use crate::sim::rng::SimRng;
use rand::Rng;
use std::sync::OnceLock;

/// Mean one-way latency between regions (ms), in the order of [`REGIONS`]
/// (topology helper, lines 52–57).
pub const LATENCY_MS: [[f64; 6]; 6] = [
    [35.5, 119.49, 254.79, 310.11, 154.36, 207.91],
    [119.49, 11.61, 221.08, 241.9, 266.45, 350.07],
    [254.79, 221.08, 137.09, 346.65, 255.95, 268.91],
    [310.11, 241.9, 346.65, 99.46, 172.24, 277.8],
    [154.36, 266.45, 255.95, 172.24, 8.76, 162.59],
    [207.91, 350.07, 268.91, 277.8, 162.59, 21.72],
];

/// Share of Bitcoin's nodes per region, in percent (line 678).
pub const NODE_WEIGHTS: [f64; 6] = [38.69, 51.59, 1.13, 5.74, 1.19, 1.66];

/// Each link's latency is Pareto with the matrix value as its mean and shape = mean /
/// this many ms (line 250 of the test program): the least a link can take is the mean
/// less 5 ms.
pub const PARETO_SHAPE_DIVIDER_MS: f64 = 5.0;

/// The sixteen mining pools of the paper's Bitcoin setting: hash shares (they sum to
/// 1.001 in the source; chainlab needs 1, so scenarios scale them by 1/1.001) and the
/// region of each (test program, lines 79–84).
pub const MINER_SHARES: [f64; 16] = [
    0.289, 0.196, 0.159, 0.133, 0.066, 0.054, 0.029, 0.016, 0.012, 0.012, 0.012, 0.009, 0.005,
    0.005, 0.002, 0.002,
];
pub const MINER_REGIONS: [usize; 16] = [3, 3, 3, 0, 3, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0];

/// Miners' bandwidth, up and down (line 46).
pub const MINER_BPS: f64 = 100e6;
/// Peers a mining node keeps: it opens links until it has the first, and accepts up to
/// the second (line 45).
pub const MINER_PEERS: (u32, u32) = (700, 800);

/// Connections per node: the minimum is drawn from these ranges with these weights (%),
/// and a node accepts up to its minimum plus the range's index (lines 704–710, 819–857).
const DEGREE_EDGES: [f64; 7] = [1.0, 4.0, 8.0, 12.0, 16.0, 25.0, 119.0];
const DEGREE_WEIGHTS: [f64; 6] = [10.0, 40.0, 30.0, 13.0, 6.0, 1.0];

/// A node's (fewest, most) connections: it opens links until it has the first, and
/// accepts others' until it has the second.
pub fn draw_degree(rng: &mut SimRng) -> (u32, u32) {
    let total: f64 = DEGREE_WEIGHTS.iter().sum();
    let mut pick = rng.random::<f64>() * total;
    let mut bin = DEGREE_WEIGHTS.len() - 1;
    for (i, w) in DEGREE_WEIGHTS.iter().enumerate() {
        if pick < *w {
            bin = i;
            break;
        }
        pick -= w;
    }
    let (lo, hi) = (DEGREE_EDGES[bin], DEGREE_EDGES[bin + 1]);
    let min = (rng.random_range(lo..hi) as u32).max(1);
    let index = (1..DEGREE_EDGES.len())
        .find(|&k| f64::from(min) < DEGREE_EDGES[k])
        .unwrap_or(DEGREE_EDGES.len() - 1);
    (min, min + index as u32)
}

/// The region of a node that is not a miner.
pub fn draw_region(rng: &mut SimRng) -> usize {
    let total: f64 = NODE_WEIGHTS.iter().sum();
    let mut pick = rng.random::<f64>() * total;
    for (i, w) in NODE_WEIGHTS.iter().enumerate() {
        if pick < *w {
            return i;
        }
        pick -= w;
    }
    NODE_WEIGHTS.len() - 1
}

/// A link's latency (ms) between regions `a` and `b`: Pareto around the matrix mean,
/// or the mean itself.
pub fn draw_latency_ms(a: usize, b: usize, pareto: bool, rng: &mut SimRng) -> f64 {
    let mean = LATENCY_MS[a][b];
    if !pareto {
        return mean;
    }
    // Pareto with mean m and shape α = m / 5: scale x_m = m (α − 1) / α = m − 5, drawn
    // by inversion from u in (0, 1].
    let shape = mean / PARETO_SHAPE_DIVIDER_MS;
    let scale = mean - PARETO_SHAPE_DIVIDER_MS;
    let u: f64 = 1.0 - rng.random::<f64>();
    scale / u.powf(1.0 / shape)
}

/// One region's measured speeds in one direction: sample counts per bin of a fixed
/// grid (download bins 0.5 Mbps wide from 0.1 to 500, upload 0.1 Mbps wide to 100).
pub struct SpeedTable {
    first_edge: f64,
    width: f64,
    last_edge: f64,
    /// (bin, cumulative count up to and including it), bins with samples only.
    cumulative: Vec<(u32, u32)>,
}

impl SpeedTable {
    /// A speed in bits per second: a bin in proportion to its samples, then uniform
    /// within it.
    pub fn draw_bps(&self, rng: &mut SimRng) -> f64 {
        let total = self.cumulative.last().map_or(1, |c| c.1);
        let pick = rng.random_range(0..total);
        let at = self.cumulative.partition_point(|&(_, c)| c <= pick);
        let bin = f64::from(self.cumulative[at].0);
        let lo = self.first_edge + self.width * bin;
        let hi = (lo + self.width).min(self.last_edge);
        rng.random_range(lo..hi) * 1e6
    }

    /// The table's mean, in bits per second (uniform within each bin).
    pub fn mean_bps(&self) -> f64 {
        let total = f64::from(self.cumulative.last().map_or(1, |c| c.1));
        let mut previous = 0;
        let mut sum = 0.0;
        for &(bin, c) in &self.cumulative {
            let lo = self.first_edge + self.width * f64::from(bin);
            let hi = (lo + self.width).min(self.last_edge);
            sum += f64::from(c - previous) * (lo + hi) / 2.0;
            previous = c;
        }
        sum / total * 1e6
    }
}

/// Download and upload tables of each region, in the order of [`REGIONS`].
pub struct SpeedTables {
    pub download: Vec<SpeedTable>,
    pub upload: Vec<SpeedTable>,
}

/// The tables, parsed once from the shipped data file.
pub fn speed_tables() -> &'static SpeedTables {
    static TABLES: OnceLock<SpeedTables> = OnceLock::new();
    TABLES.get_or_init(|| parse(include_str!("../../assets/gervais-2016-bandwidth.txt")))
}

fn parse(text: &str) -> SpeedTables {
    let mut tables = SpeedTables {
        download: Vec::new(),
        upload: Vec::new(),
    };
    for region in REGIONS {
        for (direction, grid) in [
            ("download", (0.1, 0.5, 500.0)),
            ("upload", (0.1, 0.1, 100.0)),
        ] {
            let line = (text.lines())
                .find(|l| l.starts_with(&format!("{region} {direction} ")))
                .expect("the shipped table has every region and direction");
            let mut total = 0;
            let cumulative = (line.split_whitespace().skip(2))
                .map(|pair| {
                    let (bin, count) = pair.split_once(':').expect("bin:count");
                    total += count.parse::<u32>().expect("a count");
                    (bin.parse().expect("a bin"), total)
                })
                .collect();
            let table = SpeedTable {
                first_edge: grid.0,
                width: grid.1,
                last_edge: grid.2,
                cumulative,
            };
            match direction {
                "download" => tables.download.push(table),
                _ => tables.upload.push(table),
            }
        }
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::stream;

    #[test]
    fn every_table_holds_the_2000_samples_of_its_source() {
        let t = speed_tables();
        for table in t.download.iter().chain(&t.upload) {
            assert_eq!(table.cumulative.last().unwrap().1, 2000);
        }
    }

    /// The means of the tables (Mbps) as computed from the source's weights, uniform
    /// within each bin: North America 24.70 down / 4.63 up, Europe 23.77 / 8.15,
    /// South America 6.59 / 1.79.
    #[test]
    fn table_means_match_the_source() {
        let t = speed_tables();
        let close = |got: f64, want: f64| (got / 1e6 - want).abs() < 0.01;
        assert!(close(t.download[0].mean_bps(), 24.70));
        assert!(close(t.upload[0].mean_bps(), 4.63));
        assert!(close(t.download[1].mean_bps(), 23.77));
        assert!(close(t.upload[1].mean_bps(), 8.15));
        assert!(close(t.download[2].mean_bps(), 6.59));
        assert!(close(t.upload[2].mean_bps(), 1.79));
        let mut rng = stream(1, "test", 0);
        let n = 100_000;
        let mean = (0..n)
            .map(|_| t.download[0].draw_bps(&mut rng))
            .sum::<f64>()
            / n as f64;
        assert!((mean / 1e6 - 24.70).abs() < 0.6, "sampled mean {mean}");
    }

    #[test]
    fn pareto_latency_has_the_matrix_mean_and_its_floor() {
        let mut rng = stream(2, "test", 0);
        let n = 200_000;
        let draws: Vec<f64> = (0..n)
            .map(|_| draw_latency_ms(0, 1, true, &mut rng))
            .collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        assert!((mean - 119.49).abs() < 0.1, "{mean}");
        assert!(draws.iter().all(|&d| d >= 114.49));
    }

    #[test]
    fn degrees_follow_the_measured_table() {
        let mut rng = stream(3, "test", 0);
        let draws: Vec<(u32, u32)> = (0..100_000).map(|_| draw_degree(&mut rng)).collect();
        let mean = draws.iter().map(|d| f64::from(d.0)).sum::<f64>() / draws.len() as f64;
        // Mean of the piecewise-uniform minimum truncated to whole links: 0.1 × 2 +
        // 0.4 × 5.5 + 0.3 × 9.5 + 0.13 × 13.5 + 0.06 × 20 + 0.01 × 71.5 = 8.92.
        assert!((mean - 8.92).abs() < 0.1, "{mean}");
        assert!(draws
            .iter()
            .all(|&(lo, hi)| lo >= 1 && hi > lo && hi <= lo + 6));
    }
}
