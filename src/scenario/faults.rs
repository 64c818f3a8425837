//! The `faults:` section: what breaks in the network, and when.

use super::Duration;
use serde::{Deserialize, Serialize};

/// Something that goes wrong in the network between `at` and `at + for`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Fault {
    /// `nodes` are cut off from the rest: no message crosses between the two sides.
    /// When it heals, nodes on either side of a cut link tell each other their tips.
    Partition {
        at: Duration,
        #[serde(rename = "for")]
        lasts: Duration,
        nodes: NodeSet,
    },
    /// `nodes` stop (messages to them are lost, their miners stop) and restart with
    /// the chain they had, then exchange tips with their peers.
    Crash {
        at: Duration,
        #[serde(rename = "for")]
        lasts: Duration,
        nodes: NodeSet,
    },
    /// Every block-relay message is lost with probability `rate`; a node that asked
    /// for a block and got nothing asks again after `retry`.
    Loss {
        #[serde(default = "from_start")]
        at: Duration,
        #[serde(rename = "for", default, skip_serializing_if = "Option::is_none")]
        lasts: Option<Duration>,
        rate: f64,
        #[serde(default = "default_retry")]
        retry: Duration,
    },
}

pub(super) fn from_start() -> Duration {
    Duration(0)
}

fn default_retry() -> Duration {
    Duration(2_000_000_000)
}

/// Which nodes a fault hits: a fraction of all nodes (picked at random from the seed)
/// or a list of node ids.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum NodeSet {
    Ids(Vec<u32>),
    Fraction(f64),
}

impl Fault {
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::Partition { .. } => "partition",
            Fault::Crash { .. } => "crash",
            Fault::Loss { .. } => "loss",
        }
    }

    /// Start and end of the fault in simulated time (end `u64::MAX` for "to the end").
    pub fn window(&self) -> (u64, u64) {
        match self {
            Fault::Partition { at, lasts, .. } | Fault::Crash { at, lasts, .. } => {
                (at.0, at.0.saturating_add(lasts.0))
            }
            Fault::Loss { at, lasts, .. } => {
                (at.0, lasts.map_or(u64::MAX, |l| at.0.saturating_add(l.0)))
            }
        }
    }

    /// A partition of every node cuts nothing: refused as the mistake it is.
    fn check_cut(&self, at: &str, count: u64, nodes: u32) -> Result<(), String> {
        if matches!(self, Fault::Partition { .. }) && count == u64::from(nodes) {
            return Err(format!(
                "{at}.nodes lists every node; a partition cuts a part of the network from the rest"
            ));
        }
        Ok(())
    }

    pub(crate) fn check(&self, at: &str, nodes: u32) -> Result<(), String> {
        use super::limits::{duration, MAX_TIME};
        let (start, _) = self.window();
        duration(&format!("{at}.at"), start, 0, MAX_TIME)?;
        match self {
            Fault::Partition {
                lasts, nodes: set, ..
            }
            | Fault::Crash {
                lasts, nodes: set, ..
            } => {
                duration(&format!("{at}.for"), lasts.0, 1, MAX_TIME)?;
                match set {
                    NodeSet::Fraction(f) if !(*f > 0.0 && *f < 1.0) => Err(format!(
                        "{at}.nodes is {f}; give a fraction between 0 and 1 (exclusive) or a list of node ids"
                    )),
                    NodeSet::Ids(ids) if ids.is_empty() => {
                        Err(format!("{at}.nodes is empty; name at least one node"))
                    }
                    NodeSet::Ids(ids) => {
                        if let Some(bad) = ids.iter().find(|&&id| id >= nodes) {
                            return Err(format!(
                                "{at}.nodes names node {bad}, but node ids run from 0 to {}",
                                nodes - 1
                            ));
                        }
                        let mut sorted = ids.clone();
                        sorted.sort_unstable();
                        if let Some(twice) = sorted.windows(2).find(|w| w[0] == w[1]) {
                            return Err(format!("{at}.nodes names node {} twice", twice[0]));
                        }
                        self.check_cut(at, sorted.len() as u64, nodes)
                    }
                    NodeSet::Fraction(f) => {
                        // Rounded to whole nodes: refused, not clamped, when that is
                        // none of them or all of them.
                        let count = (f * f64::from(nodes)).round() as u64;
                        if count == 0 {
                            return Err(format!(
                                "{at}.nodes is {f} of {nodes} nodes, which rounds to no node; give at least {}",
                                0.5 / f64::from(nodes)
                            ));
                        }
                        if count >= u64::from(nodes) {
                            return Err(format!(
                                "{at}.nodes is {f} of {nodes} nodes, which rounds to every node; give a smaller fraction"
                            ));
                        }
                        Ok(())
                    }
                }
            }
            Fault::Loss {
                rate, retry, lasts, ..
            } => {
                if !(*rate >= 0.0 && *rate < 1.0) {
                    return Err(format!(
                        "{at}.rate is {rate}; a loss probability is at least 0 and below 1"
                    ));
                }
                if let Some(lasts) = lasts {
                    duration(&format!("{at}.for"), lasts.0, 1, MAX_TIME)?;
                }
                duration(
                    &format!("{at}.retry"),
                    retry.0,
                    1_000_000,
                    3_600_000_000_000,
                )
            }
        }
    }
}
