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
    /// Each peer whose header for a block reaches a node waiting for the block's
    /// parent becomes one more peer to ask for the parent, once per header, even if it
    /// was asked already (off: only the parent's announcers, each once).
    HeadersSources,
    /// A header whose parent the node lacks and no longer awaits restarts the parent's
    /// timer (the node had asked for it before) or asks its sender for the parent; an
    /// orphan's sender is not asked for the parent (off: a forgotten parent is asked of
    /// its next announcer at once, an orphan's of the orphan's sender).
    ParentTimers,
}

pub fn no_mechanisms(list: &[Mechanism]) -> bool {
    list.is_empty()
}

/// Under `gervais-2016` the keys the model replaces must be left at their defaults, so
/// that a value given there is never silently ignored; `without` names each mechanism
/// at most once.
pub fn check_gervais(n: &super::Network) -> Result<(), String> {
    let d = super::Network::default();
    let mut replaced = Vec::new();
    if n.latency != d.latency {
        replaced.push("latency");
    }
    if n.jitter != d.jitter {
        replaced.push("jitter");
    }
    if n.bandwidth != d.bandwidth {
        replaced.push("bandwidth");
    }
    if n.outbound != d.outbound {
        replaced.push("outbound");
    }
    // Validation by size replaces these unless it is switched off.
    if !n.without.contains(&Mechanism::SizeValidation) {
        if n.validation_base != d.validation_base {
            replaced.push("validation_base");
        }
        if n.validation_per_tx != d.validation_per_tx {
            replaced.push("validation_per_tx");
        }
    }
    if let Some(key) = replaced.first() {
        return Err(format!(
            "network.{key} is set, but network.model gervais-2016 brings its own latencies, bandwidths, connection counts and validation times (docs/validation.md); leave network.{} unset, or use network.model: simple",
            replaced.join(", network.")
        ));
    }
    let mut seen = Vec::new();
    for m in &n.without {
        if seen.contains(m) {
            let name = serde_json::to_value(m)
                .map(|v| v.to_string())
                .unwrap_or_default();
            return Err(format!(
                "network.without names {name} twice; name each mechanism once"
            ));
        }
        seen.push(*m);
    }
    Ok(())
}
