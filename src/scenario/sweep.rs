//! Sweeps: the cartesian grid of a scenario's `sweep:` block, every point a complete,
//! validated scenario, and shard selection for running a grid on many machines.

use super::overrides::apply_override;
use super::{Scenario, ScenarioError};

/// A sweep's points are runs, each with a results directory: a grid larger than this
/// is almost surely a mistake, and would take the machine's disk and days.
pub const MAX_POINTS: usize = 10_000;

/// One grid point: its index in the full grid, the values it sets, and the scenario.
pub struct Point {
    pub index: usize,
    pub settings: Vec<(String, String)>,
    pub scenario: Scenario,
}

/// Expands the grid; every point is deserialized and checked before anything runs, so
/// a sweep over a key that does not exist fails at once with the key named.
pub fn expand(base: &Scenario, origin: &str) -> Result<Vec<Point>, ScenarioError> {
    if base.sweep.is_empty() {
        return Err(ScenarioError(format!(
            "{origin}: has no sweep: block; add one such as sweep: {{ consensus.block_interval: [1m, 10m] }}"
        )));
    }
    for (key, values) in &base.sweep {
        if key == "sweep" || key.starts_with("sweep.") || key == "name" {
            return Err(ScenarioError(format!(
                "{origin}: sweep.{key}: the sweep block cannot sweep {key}; sweep the keys of the sections (network.nodes, consensus.block_interval, seed, ...)"
            )));
        }
        if values.is_empty() {
            return Err(ScenarioError(format!(
                "{origin}: sweep.{key} has no values"
            )));
        }
    }
    let mut tree = serde_json::to_value(base).expect("a scenario serializes");
    tree.as_object_mut()
        .expect("an object")
        .shift_remove("sweep");
    let keys: Vec<&String> = base.sweep.keys().collect();
    let total = base
        .sweep
        .values()
        .try_fold(1usize, |n, values| n.checked_mul(values.len()))
        .filter(|&n| n <= MAX_POINTS)
        .ok_or_else(|| {
            let sizes: Vec<String> = base.sweep.values().map(|v| v.len().to_string()).collect();
            ScenarioError(format!(
                "{origin}: the sweep: grid has {} points; at most {MAX_POINTS} (split the grid into several files, or shard it across machines)",
                sizes.join(" × ")
            ))
        })?;
    let mut points = Vec::with_capacity(total);
    for index in 0..total {
        // Mixed-radix digits of the index, last key varying fastest.
        let mut rest = index;
        let mut choice = vec![0; keys.len()];
        for (k, key) in keys.iter().enumerate().rev() {
            let n = base.sweep[*key].len();
            choice[k] = rest % n;
            rest /= n;
        }
        let mut point_tree = tree.clone();
        let mut settings = Vec::new();
        for (k, key) in keys.iter().enumerate() {
            let value = &base.sweep[*key][choice[k]];
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            apply_override(&mut point_tree, &format!("{key}={text}"))
                .map_err(|e| ScenarioError(format!("{origin}: sweep: {}", e.0)))?;
            settings.push(((*key).clone(), text));
        }
        let scenario = super::load::from_tree(&point_tree).map_err(|(_, said)| {
            ScenarioError(format!(
                "{origin}: sweep point {index} ({}): {said}",
                describe(&settings)
            ))
        })?;
        scenario.check().map_err(|msg| {
            ScenarioError(format!(
                "{origin}: sweep point {index} ({}): {msg}",
                describe(&settings)
            ))
        })?;
        points.push(Point {
            index,
            settings,
            scenario,
        });
    }
    Ok(points)
}

pub fn describe(settings: &[(String, String)]) -> String {
    settings
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses `I/N` (0-based shard I of N).
pub fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let parsed = text
        .split_once('/')
        .and_then(|(i, n)| Some((i.parse::<usize>().ok()?, n.parse::<usize>().ok()?)));
    match parsed {
        Some((i, n)) if n > 0 && i < n && n <= MAX_POINTS => Ok((i, n)),
        _ => Err(format!(
            "--shard {text:?}: expected I/N with 0 <= I < N <= {MAX_POINTS}, such as 0/4"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_is_the_cartesian_product_with_the_last_key_fastest() {
        let sc = Scenario::parse(
            "sweep: { consensus.block_interval: [1m, 10m], network.nodes: [10, 20, 30] }\n",
            "t",
            &[],
        )
        .unwrap();
        let points = expand(&sc, "t").unwrap();
        assert_eq!(points.len(), 6);
        assert_eq!(points[1].scenario.network.nodes, 20);
        assert_eq!(
            points[3].scenario.consensus.block_interval.0,
            600_000_000_000
        );
        assert_eq!(
            describe(&points[5].settings),
            "consensus.block_interval=10m network.nodes=30"
        );
    }

    #[test]
    fn a_sweep_over_an_unknown_key_is_rejected_with_a_hint() {
        let err = Scenario::parse("sweep: { network.nodez: [10, 20] }\n", "t", &[])
            .unwrap_err()
            .0;
        assert!(
            err.contains("nodez") && err.contains("did you mean `nodes`"),
            "{err}"
        );
    }

    #[test]
    fn grids_too_large_to_run_are_refused_before_anything_is_built() {
        // 16 keys of 16 values: 2^64 points, which once overflowed the count.
        let keys: Vec<String> = (0..16)
            .map(|i| format!("attacks.{i}.hashrate: [{}]", vec!["0.1"; 16].join(", ")))
            .collect();
        let text = format!("sweep: {{ {} }}\n", keys.join(", "));
        let err = Scenario::parse(&text, "t", &[]).unwrap_err().0;
        assert!(
            err.contains("16 × 16") && err.contains("at most 10000"),
            "{err}"
        );
        let err = Scenario::parse("sweep: { seed: [] }\n", "t", &[])
            .unwrap_err()
            .0;
        assert!(err.contains("sweep.seed has no values"), "{err}");
    }

    #[test]
    fn shards_parse_only_when_in_range() {
        assert_eq!(parse_shard("1/4"), Ok((1, 4)));
        assert!(parse_shard("4/4").is_err());
        assert!(parse_shard("x").is_err());
    }
}
