//! The `eclipse:` section: Heilman et al.'s eclipse attack on a victim's address book
//! (`net::eclipse`), run as `trials` independent victims beside the network run.

use super::limits::{duration, within, MAX_OUTBOUND, MAX_TIME};
use super::Duration;
use crate::net::eclipse::addrman::MAX_DRAWS;
use crate::net::eclipse::{self, EclipsePlan, MAX_ATTEMPTS};
use serde::{Deserialize, Serialize};

/// /16 groups an attacker can draw from (first byte 1 to 223): 57,088; kept well
/// below so that distinct groups are found quickly.
const MAX_GROUPS: u32 = 50_000;
const MAX_ADDRESSES: u64 = 1_000_000;
const MAX_TRASH: u32 = 1_000_000;
const MAX_VICTIM_TRIED: u32 = 100_000;
const MAX_VICTIM_HEARD: u32 = 1_000_000;
const MAX_TRIALS: u32 = 100_000;
/// Address-book operations a run may ask for in all (trials × (attack connections
/// + trash + the victim's own book)): about a quarter of an hour of one core.
const MAX_OPERATIONS: f64 = 2e9;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Eclipse {
    /// The attacker's /16 groups (the paper's s).
    pub groups: u32,
    /// Addresses in each group (t): a botnet has 1, an ISP-scale attacker 256.
    #[serde(default = "one")]
    pub per_group: u32,
    /// τ_ℓ: how long the attack runs before the victim restarts.
    pub attack: Duration,
    /// τ_a: every attacker address connects to the victim once a round.
    #[serde(default = "paper_round")]
    pub round: Duration,
    /// Unroutable addresses the attacker sends in all (in `addr` messages).
    #[serde(default = "trash")]
    pub trash: u32,
    /// Honest addresses in the victim's tried table when the attack starts.
    #[serde(default = "measured_tried")]
    pub victim_tried: u32,
    /// Honest addresses the victim has heard of (filed in new).
    #[serde(default = "measured_heard")]
    pub victim_heard: u32,
    /// Share of honest addresses that accept a connection at the restart.
    #[serde(default = "measured_online")]
    pub online: f64,
    /// Outgoing connections the victim makes.
    #[serde(default = "eight")]
    pub outbound: u32,
    /// Independent victims (each its own key, book and attack).
    #[serde(default = "thousand")]
    pub trials: u32,
}

fn one() -> u32 {
    1
}
fn eight() -> u32 {
    eclipse::OUTBOUND
}
fn thousand() -> u32 {
    1_000
}
/// The paper's experiments' round (27 minutes, Table 2).
fn paper_round() -> Duration {
    Duration(27 * 60 * 1_000_000_000)
}
fn trash() -> u32 {
    eclipse::TRASH
}
fn measured_heard() -> u32 {
    eclipse::LIVE_HEARD
}
fn measured_tried() -> u32 {
    eclipse::LIVE_TRIED
}
fn measured_online() -> f64 {
    eclipse::LIVE_ONLINE
}

impl Eclipse {
    pub(crate) fn check(&self) -> Result<(), String> {
        within("eclipse.groups", self.groups, 1, MAX_GROUPS)?;
        within("eclipse.per_group", self.per_group, 1, 65_536)?;
        let addresses = u64::from(self.groups) * u64::from(self.per_group);
        if addresses > MAX_ADDRESSES {
            return Err(format!("eclipse.groups × eclipse.per_group is {addresses}; allowed: at most {MAX_ADDRESSES} attacker addresses"));
        }
        duration("eclipse.attack", self.attack.0, 0, MAX_TIME)?;
        duration("eclipse.round", self.round.0, 1_000_000_000, MAX_TIME)?;
        within("eclipse.trash", self.trash, 0, MAX_TRASH)?;
        within(
            "eclipse.victim_tried",
            self.victim_tried,
            0,
            MAX_VICTIM_TRIED,
        )?;
        within(
            "eclipse.victim_heard",
            self.victim_heard,
            0,
            MAX_VICTIM_HEARD,
        )?;
        within("eclipse.online", self.online, 0.0, 1.0)?;
        within("eclipse.outbound", self.outbound, 1, MAX_OUTBOUND)?;
        within("eclipse.trials", self.trials, 1, MAX_TRIALS)?;
        let plan = self.plan();
        // The restart: up to MAX_ATTEMPTS attempts a connection, each of up to
        // MAX_DRAWS draws, counted in thousands of operations (a draw is cheap).
        let restart =
            f64::from(self.outbound) * f64::from(MAX_ATTEMPTS) * f64::from(MAX_DRAWS) / 1e3;
        let per_trial = (addresses * plan.rounds()) as f64
            + restart
            + f64::from(self.trash)
            + f64::from(self.victim_heard)
            + f64::from(self.victim_tried);
        let work = per_trial * f64::from(self.trials);
        if work > MAX_OPERATIONS {
            return Err(format!("eclipse would make about {work:.3e} address-book operations (trials × (addresses × rounds of the attack + the restart's bound, outbound × 4,096 + trash + the victim's addresses)); at most {MAX_OPERATIONS:.0e}: fewer trials, addresses or rounds"));
        }
        Ok(())
    }

    pub fn plan(&self) -> EclipsePlan {
        EclipsePlan {
            groups: self.groups,
            per_group: self.per_group,
            round_s: self.round.0 as f64 / 1e9,
            attack_s: self.attack.0 as f64 / 1e9,
            trash: self.trash,
            victim_tried: self.victim_tried,
            victim_heard: self.victim_heard,
            online: self.online,
            outbound: self.outbound,
            trials: self.trials,
        }
    }
}

pub(crate) fn allowed(key: &str) -> Option<String> {
    let whole = |lo: u64, hi: u64| Some(format!("a whole number from {lo} to {hi}"));
    match key {
        "eclipse.groups" => whole(1, u64::from(MAX_GROUPS)),
        "eclipse.per_group" => whole(1, 65_536),
        "eclipse.trash" => whole(0, u64::from(MAX_TRASH)),
        "eclipse.victim_tried" => whole(0, u64::from(MAX_VICTIM_TRIED)),
        "eclipse.victim_heard" => whole(0, u64::from(MAX_VICTIM_HEARD)),
        "eclipse.online" => Some("a fraction from 0 to 1".into()),
        "eclipse.outbound" => whole(1, u64::from(MAX_OUTBOUND)),
        "eclipse.trials" => whole(1, u64::from(MAX_TRIALS)),
        _ => None,
    }
}

impl super::adversary::Attack {
    /// An eclipse double spend's merchant must be a full node that hosts no miner, and
    /// its eclipsed miners distinct honest miners: `host(node)` says whether a node
    /// hosts a miner or is light, `honest` is the number of honest miners.
    pub(crate) fn check_eclipsed(
        &self,
        at: &str,
        honest: u32,
        host: impl Fn(u32) -> Option<&'static str>,
    ) -> Result<(), String> {
        let super::adversary::Attack::EclipseDoubleSpend {
            merchant, miners, ..
        } = self
        else {
            return Ok(());
        };
        if let Some(what) = host(*merchant) {
            return Err(format!(
                "{at}.merchant is node {merchant}, which {what}; the eclipsed merchant is a full node that hosts no miner"
            ));
        }
        if miners.len() as u64 >= u64::from(honest) {
            return Err(format!(
                "{at}.miners lists {} miners; at most {} of the {honest} honest miners can be eclipsed (one must stay outside)",
                miners.len(),
                honest.saturating_sub(1)
            ));
        }
        for (i, &m) in miners.iter().enumerate() {
            super::limits::within(&format!("{at}.miners[{i}]"), m, 0, honest - 1)?;
            if miners[..i].contains(&m) {
                return Err(format!("{at}.miners names miner {m} twice"));
            }
        }
        Ok(())
    }
}

impl super::Scenario {
    /// What node `n` is besides a plain full node there from the start: a miner's or
    /// an attacker's host, a light node, or one that joins or churns.
    pub(crate) fn hosts(&self, n: u32) -> Option<&'static str> {
        if self.joining.is_some() || self.churn.is_some() {
            return Some(
                "may join late or churn (an eclipse double spend runs without joining: and churn:)",
            );
        }
        let (honest, attackers) = (self.mining.miners as usize, self.attacks.len());
        let table = crate::node::NodeTable::new(
            self.network.nodes,
            honest,
            attackers,
            self.network.light_nodes,
            self.seed,
        );
        let node = crate::net::NodeId(n);
        match table.miner_at(node) {
            Some(m) if m.index() < honest => Some("hosts an honest miner"),
            Some(_) => Some("hosts an attacker"),
            None if table.is_light(node) => Some("is a light node"),
            None => None,
        }
    }
}
