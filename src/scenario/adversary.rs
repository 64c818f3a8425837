//! The `attacks:` section: who misbehaves, how, and from when.

use super::faults::from_start;
use super::limits::within;
use super::Duration;
use serde::{Deserialize, Serialize};

/// One attacking miner. Its `hashrate` is a fraction of the whole network's; the honest
/// miners' `mining.shares` divide what the attackers leave.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Attack {
    /// Pays a merchant, mines a private chain holding a conflicting spend from that
    /// moment, and releases it once the merchant has seen `confirmations` and the
    /// private chain has more work than the public one.
    DoubleSpend {
        hashrate: f64,
        /// Extra links from the attacker's node to random nodes, on top of the
        /// topology's: a well-connected attacker wins more ties (a larger emergent γ).
        #[serde(default)]
        connections: u32,
        /// Mine honestly until then.
        #[serde(default = "from_start")]
        start: Duration,
        confirmations: u32,
        /// Abandon an attempt when the public chain leads by this many blocks;
        /// `never` keeps going until the run stops.
        #[serde(default)]
        give_up_behind: GiveUp,
        /// Stop attacking after this many attempts (the run stops once every attack
        /// with a count has made them).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attempts: Option<u32>,
        /// Coins paid to the merchant per attempt.
        #[serde(default = "one_coin")]
        amount: f64,
        /// The merchant's node; by default a random node that neither mines nor attacks.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        merchant: Option<u32>,
        /// Pay only once a private block holding the conflicting spend is found on the
        /// current tip (the attacker starts one block ahead, as Rosenfeld's analysis
        /// assumes); otherwise pay at once and start level.
        #[serde(default)]
        premine: bool,
    },
    /// Heilman et al.'s N-confirmation double spend against an eclipsed merchant: the
    /// attacker holds all of the merchant's connections (and those of the eclipsed
    /// `miners`), shows it only its own chain holding the payment, and gives the rest
    /// of the network a conflicting spend; once the merchant has seen `confirmations`
    /// it lets the eclipse go and the merchant moves to the honest chain.
    EclipseDoubleSpend {
        hashrate: f64,
        #[serde(default = "from_start")]
        start: Duration,
        confirmations: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attempts: Option<u32>,
        #[serde(default = "one_coin")]
        amount: f64,
        /// The eclipsed merchant's node (one that neither mines nor attacks).
        merchant: u32,
        /// Honest miners (by their place in `mining.shares`) eclipsed with the
        /// merchant: their hashrate extends the attacker's chain.
        #[serde(default)]
        miners: Vec<u32>,
        /// End an eclipse that has not brought the merchant to `confirmations` after
        /// this long; by default it lasts until it does.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        give_up_after: Option<Duration>,
    },
    /// Forks from `depth` blocks below the tip and mines privately until its branch has
    /// more work than the public chain, then releases it: history rewritten `depth`
    /// (or more) blocks deep.
    Majority {
        hashrate: f64,
        /// Extra links from the attacker's node to random nodes, on top of the
        /// topology's: a well-connected attacker wins more ties (a larger emergent γ).
        #[serde(default)]
        connections: u32,
        #[serde(default = "from_start")]
        start: Duration,
        depth: u32,
        #[serde(default)]
        give_up_behind: GiveUp,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attempts: Option<u32>,
    },
    /// Eyal and Sirer's selfish mining (Algorithm 1 of "Majority is not Enough").
    Selfish {
        hashrate: f64,
        /// Extra links from the attacker's node to random nodes, on top of the
        /// topology's: a well-connected attacker wins more ties (a larger emergent γ).
        #[serde(default)]
        connections: u32,
        #[serde(default = "from_start")]
        start: Duration,
        /// Share of honest hashrate that mines on the attacker's block during a tie:
        /// `network` lets it emerge from who hears which block first; a number between
        /// 0 and 1 sets it (each honest block found during a tie extends the attacker's
        /// branch with this probability).
        #[serde(default)]
        gamma: Gamma,
    },
    /// Nayak, Kumar, Miller and Shi's stubborn mining: selfish mining with lead,
    /// equal-fork and trail stubbornness (all off: selfish mining).
    Stubborn {
        hashrate: f64,
        #[serde(default)]
        connections: u32,
        #[serde(default = "from_start")]
        start: Duration,
        #[serde(default)]
        gamma: Gamma,
        /// Never override the public chain; reveal only enough to tie.
        #[serde(default)]
        lead: bool,
        /// In a tie, keep a newly found block private instead of winning with it.
        #[serde(default)]
        equal_fork: bool,
        /// Keep mining the private branch while it trails by at most this many blocks.
        #[serde(default)]
        trail: u32,
    },
}

fn one_coin() -> f64 {
    1.0
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum GiveUp {
    #[default]
    Never,
    Behind(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Gamma {
    #[default]
    Network,
    Fixed(f64),
}

impl Attack {
    pub fn hashrate(&self) -> f64 {
        match self {
            Attack::DoubleSpend { hashrate, .. }
            | Attack::EclipseDoubleSpend { hashrate, .. }
            | Attack::Majority { hashrate, .. }
            | Attack::Selfish { hashrate, .. }
            | Attack::Stubborn { hashrate, .. } => *hashrate,
        }
    }

    pub fn connections(&self) -> u32 {
        match self {
            Attack::DoubleSpend { connections, .. }
            | Attack::Majority { connections, .. }
            | Attack::Selfish { connections, .. }
            | Attack::Stubborn { connections, .. } => *connections,
            Attack::EclipseDoubleSpend { .. } => 0,
        }
    }

    /// When the attacker starts attacking; it mines honestly before.
    pub fn start(&self) -> Duration {
        match self {
            Attack::DoubleSpend { start, .. }
            | Attack::EclipseDoubleSpend { start, .. }
            | Attack::Majority { start, .. }
            | Attack::Selfish { start, .. }
            | Attack::Stubborn { start, .. } => *start,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Attack::DoubleSpend { .. } => "double-spend",
            Attack::EclipseDoubleSpend { .. } => "eclipse-double-spend",
            Attack::Majority { .. } => "majority",
            Attack::Selfish { .. } => "selfish",
            Attack::Stubborn { .. } => "stubborn",
        }
    }

    pub fn attempts(&self) -> Option<u32> {
        match self {
            Attack::DoubleSpend { attempts, .. }
            | Attack::EclipseDoubleSpend { attempts, .. }
            | Attack::Majority { attempts, .. } => *attempts,
            Attack::Selfish { .. } | Attack::Stubborn { .. } => None,
        }
    }

    /// Coins a double spender is premined with: every attempt pays `amount` plus a
    /// fee allowance (1,000 attempts when the count is open). The scenario check keeps
    /// the whole premine within 21 million coins, so an attacker never runs dry before
    /// its attempts are made.
    /// [`Attack::funds_needed`] in satoshis, never saturated (for the premine check).
    pub fn funds_needed_sat(&self) -> u128 {
        use crate::ledger::{Amount, COIN};
        match self {
            Attack::DoubleSpend {
                amount, attempts, ..
            }
            | Attack::EclipseDoubleSpend {
                amount, attempts, ..
            } => {
                let per = Amount::from_coins(*amount) + COIN / 100;
                u128::from(per.0) * u128::from(attempts.unwrap_or(1000))
            }
            _ => 0,
        }
    }

    pub fn funds_needed(&self) -> crate::ledger::Amount {
        use crate::ledger::{Amount, COIN};
        match self {
            Attack::DoubleSpend {
                amount, attempts, ..
            }
            | Attack::EclipseDoubleSpend {
                amount, attempts, ..
            } => {
                let per = Amount::from_coins(*amount) + COIN / 100;
                per.saturating_mul(u64::from(attempts.unwrap_or(1000)))
            }
            _ => Amount::ZERO,
        }
    }

    pub(crate) fn check(&self, at: &str, nodes: u32) -> Result<(), String> {
        use super::limits::{duration, MAX_ATTEMPTS, MAX_TIME};
        let h = self.hashrate();
        if !(h > 0.0 && h < 1.0) {
            return Err(format!(
                "{at}.hashrate is {h}; it is a fraction of the network's hashrate, between 0 and 1 (exclusive)"
            ));
        }
        within(
            &format!("{at}.connections"),
            self.connections(),
            0,
            nodes - 1,
        )?;
        duration(&format!("{at}.start"), self.start().0, 0, MAX_TIME)?;
        if let Some(n) = self.attempts() {
            within(&format!("{at}.attempts"), n, 1, MAX_ATTEMPTS)?;
        }
        match self {
            Attack::DoubleSpend {
                confirmations,
                amount,
                merchant,
                give_up_behind,
                ..
            } => {
                check_payment(at, *confirmations, *amount)?;
                if let Some(m) = merchant {
                    if *m >= nodes {
                        return Err(format!(
                            "{at}.merchant is node {m}, but node ids run from 0 to {}",
                            nodes - 1
                        ));
                    }
                }
                check_give_up(at, give_up_behind)
            }
            Attack::EclipseDoubleSpend {
                confirmations,
                amount,
                merchant,
                give_up_after,
                ..
            } => {
                check_payment(at, *confirmations, *amount)?;
                within(&format!("{at}.merchant"), *merchant, 0, nodes - 1)?;
                match give_up_after {
                    Some(d) => duration(&format!("{at}.give_up_after"), d.0, 1, MAX_TIME),
                    None => Ok(()),
                }
            }
            Attack::Majority {
                give_up_behind,
                depth,
                ..
            } => {
                within(&format!("{at}.depth"), *depth, 0, 100_000)?;
                check_give_up(at, give_up_behind)
            }
            Attack::Stubborn { trail, .. } if *trail > 1_000 => Err(format!(
                "{at}.trail is {trail}; give 0 (off) to 1000 blocks"
            )),
            Attack::Selfish { gamma, .. } | Attack::Stubborn { gamma, .. } => match gamma {
                Gamma::Fixed(g) if !(0.0..=1.0).contains(g) => Err(format!(
                    "{at}.gamma is {g}; give `network` or a fraction between 0 and 1"
                )),
                _ => Ok(()),
            },
        }
    }
}

/// A double spend's (either kind's) confirmations and amount.
fn check_payment(at: &str, confirmations: u32, amount: f64) -> Result<(), String> {
    use super::limits::MAX_CONFIRMATIONS;
    within(
        &format!("{at}.confirmations"),
        confirmations,
        1,
        MAX_CONFIRMATIONS,
    )?;
    match (0.001..=1e6).contains(&amount) {
        true => Ok(()),
        false => Err(format!(
            "{at}.amount is {amount}; pay between 0.001 and 1000000 coins"
        )),
    }
}

fn check_give_up(at: &str, give_up: &GiveUp) -> Result<(), String> {
    match give_up {
        GiveUp::Behind(n) if !(1..=1_000_000).contains(n) => Err(format!(
            "{at}.give_up_behind is {n}; give 1 to 1000000 blocks, or `never`"
        )),
        _ => Ok(()),
    }
}

impl Serialize for GiveUp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            GiveUp::Never => s.serialize_str("never"),
            GiveUp::Behind(n) => s.serialize_u32(*n),
        }
    }
}

impl<'de> Deserialize<'de> for GiveUp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match NumberOrWord::deserialize(d)? {
            NumberOrWord::Number(n) if n >= 0.0 && n.fract() == 0.0 && n <= u32::MAX as f64 => {
                Ok(GiveUp::Behind(n as u32))
            }
            NumberOrWord::Word(w) if w == "never" => Ok(GiveUp::Never),
            other => Err(serde::de::Error::custom(format!(
                "give_up_behind is {other}; give a whole number of blocks or `never`"
            ))),
        }
    }
}

impl Serialize for Gamma {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Gamma::Network => s.serialize_str("network"),
            Gamma::Fixed(g) => s.serialize_f64(*g),
        }
    }
}

impl<'de> Deserialize<'de> for Gamma {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match NumberOrWord::deserialize(d)? {
            NumberOrWord::Number(g) => Ok(Gamma::Fixed(g)),
            NumberOrWord::Word(w) if w == "network" => Ok(Gamma::Network),
            other => Err(serde::de::Error::custom(format!(
                "gamma is {other}; give `network` or a fraction between 0 and 1"
            ))),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrWord {
    Number(f64),
    Word(String),
}

impl std::fmt::Display for NumberOrWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NumberOrWord::Number(n) => write!(f, "{n}"),
            NumberOrWord::Word(w) => write!(f, "{w:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::Scenario;

    #[test]
    fn attacks_and_faults_read_and_round_trip() {
        let text = "attacks:\n  - { kind: double-spend, hashrate: 0.3, confirmations: 6, give_up_behind: 20, attempts: 100 }\n  - { kind: selfish, hashrate: 0.3, gamma: 0.5 }\n  - { kind: majority, hashrate: 0.35, depth: 3 }\nfaults:\n  - { kind: partition, at: 1h, for: 30m, nodes: 0.5 }\n  - { kind: crash, at: 10m, for: 5m, nodes: [1, 2] }\n  - { kind: loss, rate: 0.01 }\n";
        let sc = Scenario::parse(text, "t", &[]).unwrap();
        assert_eq!(sc.attacks.len(), 3);
        assert_eq!(sc.faults.len(), 3);
        let again = Scenario::parse(&sc.to_yaml(), "resolved", &[]).unwrap();
        assert_eq!(again, sc);
    }

    #[test]
    fn bad_attacks_are_named() {
        for (text, expect) in [
            (
                "attacks: [ { kind: selfish, hashrate: 1.2 } ]",
                "attacks[0].hashrate",
            ),
            (
                "attacks: [ { kind: selfish, hashrate: 0.2, gamma: 2 } ]",
                "gamma",
            ),
            (
                "attacks: [ { kind: double-spend, hashrate: 0.2, confirmations: 0 } ]",
                "confirmations",
            ),
            ("attacks: [ { kind: teleport, hashrate: 0.2 } ]", "teleport"),
            (
                "attacks: [ { kind: selfish, hashrate: 0.2, gamm: 1 } ]",
                "gamm",
            ),
            (
                "faults: [ { kind: partition, at: 1h, for: 1h, nodes: [100000] } ]",
                "node 100000",
            ),
            ("faults: [ { kind: loss, rate: 1.5 } ]", "rate"),
        ] {
            let err = Scenario::parse(text, "t", &[]).unwrap_err().0;
            assert!(err.contains(expect), "{text}: {err}");
        }
    }
}
