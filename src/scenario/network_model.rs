//! `network.model`: which network model a scenario runs on, and for the measured
//! 2015–16 model, which of its mechanisms to switch off (`network.without`) to see
//! what each one does (docs/validation.md measures each).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum NetworkModel {
    /// chainlab's own: `latency`, `jitter`, `bandwidth` or `regions`, the chosen
    /// topology, every message on the sender's uplink.
    #[default]
    Simple,
    /// Gervais et al.'s measured Bitcoin network of 2015–16 (`net::gervais2016`).
    #[serde(rename = "gervais-2016")]
    Gervais2016,
}

impl NetworkModel {
    pub fn is_simple(&self) -> bool {
        *self == NetworkModel::Simple
    }
}

/// A mechanism of the `gervais-2016` model that `network.without` can switch off.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Mechanism {
    /// Mining nodes linked to each other with 700–800 peers each (off: they draw their
    /// connections like every node).
    Hubs,
    /// Mining nodes at 100 Mbit/s up and down (off: drawn like every node).
    MinerBandwidth,
    /// Per-node bandwidth drawn from the region's measured table (off: the table's mean).
    SpeedTables,
    /// Per-link latency Pareto around the regions' mean (off: the mean).
    ParetoLatency,
    /// Blocks also queue on the receiver's download link (off: the sender's uplink only).
    DownloadQueue,
    /// Announcements and requests queue behind nothing (off: behind blocks on the uplink).
    UnqueuedControl,
    /// Validation takes 0.38 s per MB of block (off: `validation_base` and
    /// `validation_per_tx`).
    SizeValidation,
    /// A request unanswered after twice the block interval goes to another peer that
    /// announced the block, the first still pending (off: wait for the first).
    Timeouts,
}

pub fn no_mechanisms(list: &[Mechanism]) -> bool {
    list.is_empty()
}
