//! The region model measured Bitcoin networks use: nodes spread over six regions, with
//! a region-to-region latency matrix and per-region bandwidth.
//!
//! Figures: SimBlock 0.7 (`simblock.settings.NetworkConfiguration`, Aoki et al.,
//! "SimBlock: A Blockchain Network Simulator", IEEE INFOCOM Workshops 2019), which took
//! latencies from Verizon's IP latency statistics and bandwidths from testmy.net, and
//! the region distribution of Bitcoin nodes from bitnodes.io.

pub const REGIONS: [&str; 6] = [
    "north-america",
    "europe",
    "south-america",
    "asia-pacific",
    "japan",
    "australia",
];

#[derive(Debug, PartialEq)]
pub struct RegionPreset {
    /// Mean one-way latency between regions, in milliseconds.
    pub latency_ms: [[u64; 6]; 6],
    pub download_bps: [f64; 6],
    pub upload_bps: [f64; 6],
    /// Fraction of nodes in each region.
    pub distribution: [f64; 6],
}

pub const BITCOIN_2015: RegionPreset = RegionPreset {
    latency_ms: [
        [36, 119, 255, 310, 154, 208],
        [119, 12, 221, 242, 266, 350],
        [255, 221, 137, 347, 256, 269],
        [310, 242, 347, 99, 172, 278],
        [154, 266, 256, 172, 9, 163],
        [208, 350, 269, 278, 163, 22],
    ],
    download_bps: [25.0e6, 24.0e6, 6.5e6, 10.0e6, 17.5e6, 14.0e6],
    upload_bps: [4.7e6, 8.1e6, 1.8e6, 5.3e6, 3.4e6, 5.2e6],
    distribution: [0.3869, 0.5159, 0.0113, 0.0574, 0.0119, 0.0166],
};

pub const BITCOIN_2019: RegionPreset = RegionPreset {
    latency_ms: [
        [32, 124, 184, 198, 151, 189],
        [124, 11, 227, 237, 252, 294],
        [184, 227, 88, 325, 301, 322],
        [198, 237, 325, 85, 58, 198],
        [151, 252, 301, 58, 12, 126],
        [189, 294, 322, 198, 126, 16],
    ],
    download_bps: [52.0e6, 40.0e6, 18.0e6, 22.8e6, 22.8e6, 29.9e6],
    upload_bps: [19.2e6, 20.7e6, 5.8e6, 15.7e6, 10.2e6, 11.3e6],
    distribution: [0.3316, 0.4998, 0.0090, 0.1177, 0.0224, 0.0195],
};

impl RegionPreset {
    /// The region of a node, from a uniform draw in [0, 1).
    pub fn region_for(&self, u: f64) -> usize {
        let total: f64 = self.distribution.iter().sum();
        let mut acc = 0.0;
        for (i, share) in self.distribution.iter().enumerate() {
            acc += share / total;
            if u < acc {
                return i;
            }
        }
        self.distribution.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrices_are_symmetric_and_distributions_sum_to_one() {
        for preset in [&BITCOIN_2015, &BITCOIN_2019] {
            for i in 0..6 {
                for j in 0..6 {
                    assert_eq!(preset.latency_ms[i][j], preset.latency_ms[j][i]);
                }
            }
            assert!((preset.distribution.iter().sum::<f64>() - 1.0).abs() < 1e-3);
            assert_eq!(preset.region_for(0.0), 0);
            assert_eq!(preset.region_for(0.999_999), 5);
        }
    }
}
