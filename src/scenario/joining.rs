//! The `joining:` section: nodes that are not there when the run starts and join
//! during it, each then copying the chain from its peers (initial block download,
//! `node::join`). They are chosen among the non-mining full nodes; their links are
//! the topology's, unused until they join.

use super::limits::{duration, within, MAX_TIME};
use super::{Duration, Rate};
use crate::node::plan::CORE_BLOCKS_IN_FLIGHT;
use serde::{Deserialize, Serialize};

const MAX_IN_FLIGHT: u32 = 1_024;
const MAX_JOIN_RATE: f64 = 1_000.0;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Joining {
    /// How many nodes join (absent until then).
    pub nodes: u32,
    /// When the first joins.
    #[serde(default = "from_start")]
    pub from: Duration,
    /// After the first, one joins after each exponential gap at this rate; without
    /// it, all join at `from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<Rate>,
    /// Blocks a joining node asks one peer for at a time.
    #[serde(default = "core_in_flight")]
    pub blocks_in_flight: u32,
}

fn from_start() -> Duration {
    Duration(0)
}

fn core_in_flight() -> u32 {
    CORE_BLOCKS_IN_FLIGHT
}

/// A section's `nodes` (at `key`) against the `eligible` nodes that can take part:
/// `none` when there are none, else the range with `who` they are.
fn check_nodes(key: &str, nodes: u32, eligible: u32, none: &str, who: &str) -> Result<(), String> {
    if eligible == 0 {
        return Err(none.into());
    }
    within(key, nodes, 1, eligible).map_err(|e| format!("{e} ({who})"))
}

impl Joining {
    /// Checked against the nodes that can join: full nodes that do not mine.
    pub(crate) fn check(&self, eligible: u32) -> Result<(), String> {
        check_nodes(
            "joining.nodes",
            self.nodes,
            eligible,
            "joining: no node can join (every node mines or is light)",
            "the full nodes that do not mine, less routing.eclipse's victims",
        )?;
        duration("joining.from", self.from.0, 0, MAX_TIME)?;
        if let Some(rate) = self.rate {
            let r = rate.0;
            if !(r.is_finite() && r > 0.0 && r <= MAX_JOIN_RATE) {
                return Err(format!(
                    "joining.rate is {rate}; allowed: above 0/s and at most {MAX_JOIN_RATE}/s"
                ));
            }
        }
        within(
            "joining.blocks_in_flight",
            self.blocks_in_flight,
            1,
            MAX_IN_FLIGHT,
        )
    }
}

pub(crate) fn allowed(key: &str) -> Option<String> {
    match key {
        "joining.nodes" => Some("a whole number of nodes, at least 1".into()),
        "joining.blocks_in_flight" => Some(format!("a whole number from 1 to {MAX_IN_FLIGHT}")),
        "churn.nodes" => Some("a whole number of nodes, at least 1".into()),
        _ => None,
    }
}

impl super::Scenario {
    /// Nodes that may join: full nodes that host no miner (as `node::table` places
    /// miners and draws light nodes).
    pub fn joinable_nodes(&self) -> u32 {
        let nodes = self.network.nodes;
        let miners = (self.mining.miners + self.attacks.len() as u32).min(nodes);
        let light = (self.network.light_nodes * f64::from(nodes)).round() as u32;
        // An eclipse's victims stay for the whole run (counted against all of them,
        // whether or not they host a miner: a bound on the safe side).
        let victims = (self.routing.as_ref().and_then(|r| r.eclipse.as_ref()))
            .map_or(0, |e| e.victims.len() as u32);
        (nodes - miners - light.min(nodes - miners)).saturating_sub(victims)
    }
}

/// The `churn:` section: nodes that leave and come back, each session and each absence
/// drawn from the exponential law with these means (a stated simplification: measured
/// Bitcoin sessions are heavier-tailed, docs/lifecycle.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Churn {
    /// How many of the full nodes that do not mine (and do not join) churn.
    pub nodes: u32,
    /// Mean time a churning node stays, from the start or from each return.
    pub session: Duration,
    /// Mean time it is away.
    pub downtime: Duration,
    /// No node leaves after this, and every node away comes back by then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Duration>,
}

impl Churn {
    pub(crate) fn check(&self, eligible: u32) -> Result<(), String> {
        check_nodes(
            "churn.nodes",
            self.nodes,
            eligible,
            "churn: no node can churn (every node mines, is light or joins)",
            "the full nodes that do not mine or join, less routing.eclipse's victims",
        )?;
        // At least a second: a shorter mean would draw events without bound.
        duration("churn.session", self.session.0, 1_000_000_000, MAX_TIME)?;
        duration("churn.downtime", self.downtime.0, 1_000_000_000, MAX_TIME)?;
        if let Some(until) = self.until {
            duration("churn.until", until.0, 0, MAX_TIME)?;
        }
        Ok(())
    }
}
