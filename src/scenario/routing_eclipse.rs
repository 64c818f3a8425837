//! `routing.eclipse:`: Heilman et al.'s eclipse attack made inside the run, on the
//! routing nodes' own address books (`node::routing::eclipse`). Unlike `eclipse:`
//! (trials beside the run on books shaped like a live node's), the victims' books are
//! what the run's gossip made them, and an eclipsed victim really loses the network.

use super::limits::{duration, within, MAX_TIME};
use super::Duration;
use crate::node::routing::EclipsePlan;
use crate::sim::SimTime;
use serde::{Deserialize, Serialize};

/// /16 groups and addresses the attacker may own (each victim's book files at most
/// 20,480 of them; more only costs time).
const MAX_GROUPS: u32 = 50_000;
const MAX_ADDRESSES: u64 = 100_000;
const MAX_TRASH: u32 = 1_000_000;
const MAX_VICTIMS: usize = 1_000;
/// The attacker's connections and trash over the whole attack, all victims: each is
/// an event or a book operation, about 5 µs with a victim's book out of the caches
/// (measured: 10^8 took 485 s, 10^7 28 s), so this bounds the attack to about half a
/// minute.
const MAX_OPERATIONS: f64 = 1e7;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RoutingEclipse {
    /// The nodes attacked: each restarts `attack` after `start`.
    pub victims: Vec<u32>,
    /// The attacker's /16 groups (s) and addresses in each (t).
    pub groups: u32,
    #[serde(default = "one")]
    pub per_group: u32,
    /// When the attack begins.
    #[serde(default = "zero")]
    pub start: Duration,
    /// τ_ℓ: from the attack's start to the victims' restart.
    pub attack: Duration,
    /// τ_a: every attacker address connects to each victim once a round.
    #[serde(default = "paper_round")]
    pub round: Duration,
    /// Unroutable addresses the attacker sends each victim, in its first round.
    #[serde(default = "trash")]
    pub trash: u32,
    /// One-way delay between the attacker's machines and a victim.
    #[serde(default = "fifty_ms")]
    pub latency: Duration,
}

fn trash() -> u32 {
    crate::net::eclipse::TRASH
}
fn zero() -> Duration {
    Duration(0)
}
fn one() -> u32 {
    1
}
fn paper_round() -> Duration {
    Duration(27 * 60 * 1_000_000_000)
}
fn fifty_ms() -> Duration {
    Duration(50_000_000)
}

impl RoutingEclipse {
    /// Checks against the network: victims are distinct nodes there from the start,
    /// and the attack's work is bounded.
    pub(crate) fn check(&self, nodes: u32, stop: Option<u64>) -> Result<(), String> {
        let at = "routing.eclipse";
        self.check_victims(nodes)?;
        within(&format!("{at}.groups"), self.groups, 1, MAX_GROUPS)?;
        within(&format!("{at}.per_group"), self.per_group, 1, 65_536)?;
        let addresses = u64::from(self.groups) * u64::from(self.per_group);
        if addresses > MAX_ADDRESSES {
            return Err(format!("{at}.groups × {at}.per_group is {addresses}; allowed: at most {MAX_ADDRESSES} attacker addresses"));
        }
        duration(&format!("{at}.start"), self.start.0, 0, MAX_TIME)?;
        duration(&format!("{at}.attack"), self.attack.0, 0, MAX_TIME)?;
        duration(
            &format!("{at}.round"),
            self.round.0,
            1_000_000_000,
            MAX_TIME,
        )?;
        duration(
            &format!("{at}.latency"),
            self.latency.0,
            0,
            3_600_000_000_000,
        )?;
        within(&format!("{at}.trash"), self.trash, 0, MAX_TRASH)?;
        let restart = self.start.0 + self.attack.0;
        if let Some(end) = stop.filter(|&end| restart >= end) {
            return Err(format!("{at}: the victims restart at start + attack = {}, not before stop.time = {}; the run would end before the eclipse is tried", Duration(restart), Duration(end)));
        }
        let rounds = self.attack.0.div_ceil(self.round.0).max(1);
        let work =
            self.victims.len() as f64 * (addresses as f64 * rounds as f64 + f64::from(self.trash));
        if work > MAX_OPERATIONS {
            return Err(format!("{at} would make about {work:.3e} attacker connections and trash entries (victims × (addresses × rounds + trash)); at most {MAX_OPERATIONS:.0e}: fewer victims, addresses or rounds"));
        }
        Ok(())
    }

    fn check_victims(&self, nodes: u32) -> Result<(), String> {
        let at = "routing.eclipse";
        if self.victims.is_empty() || self.victims.len() > MAX_VICTIMS {
            return Err(format!(
                "{at}.victims lists {} nodes; allowed: 1 to {MAX_VICTIMS}",
                self.victims.len()
            ));
        }
        for (i, &v) in self.victims.iter().enumerate() {
            within(&format!("{at}.victims[{i}]"), v, 0, nodes - 1)?;
            if self.victims[..i].contains(&v) {
                return Err(format!("{at}.victims names node {v} twice"));
            }
        }
        Ok(())
    }

    /// Address-book entries the attack may add: every victim files every attacker
    /// address and all its trash (an entry stays in the book's list once dropped).
    pub(crate) fn entries(&self) -> u64 {
        let addresses = u64::from(self.groups) * u64::from(self.per_group);
        self.victims.len() as u64 * (addresses + u64::from(self.trash))
    }

    pub fn plan(&self) -> EclipsePlan {
        EclipsePlan {
            victims: self
                .victims
                .iter()
                .map(|&v| crate::net::NodeId(v))
                .collect(),
            groups: self.groups,
            per_group: self.per_group,
            start: SimTime(self.start.0),
            attack: SimTime(self.attack.0),
            round: SimTime(self.round.0),
            trash: self.trash,
            latency: SimTime(self.latency.0),
        }
    }
}

pub(crate) fn allowed(key: &str) -> Option<String> {
    let whole = |lo: u64, hi: u64| Some(format!("a whole number from {lo} to {hi}"));
    match key {
        "routing.eclipse.groups" => whole(1, u64::from(MAX_GROUPS)),
        "routing.eclipse.per_group" => whole(1, 65_536),
        "routing.eclipse.trash" => whole(0, u64::from(MAX_TRASH)),
        "routing.eclipse.victims" => Some(format!(
            "a list of 1 to {MAX_VICTIMS} distinct node ids, below network.nodes"
        )),
        k if k.starts_with("routing.eclipse.victims[") => {
            Some("a node id: a whole number from 0 to network.nodes − 1".into())
        }
        _ => None,
    }
}
