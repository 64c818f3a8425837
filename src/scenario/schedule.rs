//! `mining.schedule`: the hashrate over time — miners leaving and arriving, the whole
//! network's hashrate rising or falling — as a list of steps. Each honest miner mines
//! at its share × the network's factor × its own factor; both factors start at 1 and a
//! step sets one of them from its moment on. Attackers keep their hashrate: when honest
//! miners leave, an attacker's part of what remains grows.

use super::limits::{duration, MAX_TIME};
use super::Duration;
use serde::{Deserialize, Serialize};

/// Steps a schedule may hold: each reschedules every honest miner.
pub const MAX_STEPS: usize = 10_000;
/// The largest factor a step may set (a thousandfold hashrate).
pub const MAX_FACTOR: f64 = 1_000.0;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HashrateStep {
    pub at: Duration,
    /// The honest miner (0-based, `mining.shares`' order) whose factor this sets;
    /// without it, the whole honest network's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub miner: Option<u32>,
    /// The factor from `at` on, relative to the start: 0 stops (the miner leaves), 1 is
    /// as at the start, 2 twice that.
    pub hashrate: f64,
}

/// The schedule's steps, in the order given, for a network of `miners` honest miners.
pub(crate) fn check(steps: &[HashrateStep], miners: u32) -> Result<(), String> {
    if steps.len() > MAX_STEPS {
        return Err(format!(
            "mining.schedule has {} steps; allowed: at most {MAX_STEPS}",
            steps.len()
        ));
    }
    let mut last = 0;
    for (i, step) in steps.iter().enumerate() {
        let key = format!("mining.schedule[{i}]");
        duration(&format!("{key}.at"), step.at.0, 0, MAX_TIME)?;
        if step.at.0 < last {
            return Err(format!(
                "{key}.at is {}, before the step above it; list the steps in time order",
                step.at
            ));
        }
        last = step.at.0;
        if let Some(m) = step.miner {
            if m >= miners {
                return Err(format!(
                    "{key}.miner is {m}; allowed: 0 to {} (mining.miners is {miners})",
                    miners - 1
                ));
            }
        }
        let h = step.hashrate;
        if !(h.is_finite() && (0.0..=MAX_FACTOR).contains(&h)) {
            return Err(format!(
                "{key}.hashrate is {h}; allowed: a factor from 0 (stopped) to {MAX_FACTOR}"
            ));
        }
    }
    Ok(())
}

pub(crate) fn allowed(key: &str) -> Option<String> {
    let entry = key.strip_prefix("mining.schedule[")?;
    let field = entry.split("].").nth(1)?;
    match field {
        "miner" => Some("a whole number, an honest miner's index from 0".into()),
        "hashrate" => Some(format!("a factor from 0 (stopped) to {MAX_FACTOR}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::Scenario;

    fn parse(schedule: &str) -> Result<Scenario, String> {
        let text = format!("mining: {{ miners: 4, schedule: {schedule} }}\n");
        Scenario::parse(&text, "t.yaml", &[]).map_err(|e| e.to_string())
    }

    #[test]
    fn steps_read_as_written_and_bad_ones_are_refused_with_the_key() {
        let sc = parse("[{ at: 1h, hashrate: 0.5 }, { at: 2h, miner: 3, hashrate: 0 }]").unwrap();
        assert_eq!(sc.mining.schedule.len(), 2);
        assert_eq!(sc.mining.schedule[1].miner, Some(3));
        let again = Scenario::parse(&sc.to_yaml(), "resolved", &[]).unwrap();
        assert_eq!(again, sc, "the resolved scenario reads back the same");
        for (bad, says) in [
            (
                "[{ at: 1h, miner: 4, hashrate: 1 }]",
                "mining.schedule[0].miner is 4",
            ),
            (
                "[{ at: 1h, hashrate: -1 }]",
                "mining.schedule[0].hashrate is -1",
            ),
            ("[{ at: 1h, hashrate: .nan }]", "not a finite number"),
            ("[{ at: 1h, hashrate: 1e9 }]", "allowed: a factor from 0"),
            (
                "[{ at: 2h, hashrate: 1 }, { at: 1h, hashrate: 1 }]",
                "time order",
            ),
            ("[{ at: 1h }]", "hashrate"),
            ("[{ at: 1h, hashrate: 1, leave: true }]", "leave"),
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
