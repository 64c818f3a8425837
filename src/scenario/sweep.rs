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

/// One dimension of the grid: a key and its values, or `points:` — a list of
/// settings, each setting several keys at once (for designs that are not a full grid,
/// such as block interval and run length varying together).
enum Dim {
    Key(String, Vec<serde_json::Value>),
    Points(Vec<Vec<(String, serde_json::Value)>>),
}

impl Dim {
    fn len(&self) -> usize {
        match self {
            Dim::Key(_, v) => v.len(),
            Dim::Points(p) => p.len(),
        }
    }

    /// The (key, value) pairs of choice `i`.
    fn settings(&self, i: usize) -> Vec<(String, serde_json::Value)> {
        match self {
            Dim::Key(k, v) => vec![(k.clone(), v[i].clone())],
            Dim::Points(p) => p[i].clone(),
        }
    }
}

/// The grid's dimensions, in the file's order, each checked for shape.
fn dimensions(base: &Scenario, origin: &str) -> Result<Vec<Dim>, ScenarioError> {
    let bad = |m: String| ScenarioError(format!("{origin}: {m}"));
    let key_ok = |key: &str| {
        if key == "sweep" || key.starts_with("sweep.") || key == "name" {
            return Err(bad(format!("sweep.{key}: the sweep block cannot sweep {key}; sweep the keys of the sections (network.nodes, consensus.block_interval, seed, ...)")));
        }
        if key == "replicates" {
            return Err(bad("sweep.replicates: replicates is not swept; set replicates: N in the scenario (or --replicates N) to run every point N times".into()));
        }
        Ok(())
    };
    let mut dims = Vec::new();
    for (key, values) in &base.sweep {
        let serde_json::Value::Array(list) = values else {
            return Err(bad(format!(
                "sweep.{key} is {values}; give a list of values, such as [1, 2]"
            )));
        };
        if list.is_empty() {
            return Err(bad(format!("sweep.{key} has no values")));
        }
        if key != "points" {
            key_ok(key)?;
            dims.push(Dim::Key(key.clone(), list.clone()));
            continue;
        }
        let mut points = Vec::new();
        for (i, entry) in list.iter().enumerate() {
            let Some(map) = entry.as_object().filter(|m| !m.is_empty()) else {
                return Err(bad(format!("sweep.points[{i}] is {entry}; each point is a mapping of keys to values, such as {{ consensus.block_interval: 1m, stop.time: 1000m }}")));
            };
            for k in map.keys() {
                key_ok(k)?;
            }
            let keys: Vec<&String> = map.keys().collect();
            if let Some(first) = points.first().map(|p: &Vec<(String, serde_json::Value)>| {
                p.iter().map(|(k, _)| k).collect::<Vec<_>>()
            }) {
                if first != keys {
                    return Err(bad(format!("sweep.points[{i}] sets {keys:?}; every point must set the same keys as the first ({first:?})")));
                }
            }
            points.push(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
        }
        dims.push(Dim::Points(points));
    }
    no_overlap(&dims).map_err(bad)?;
    Ok(dims)
}

/// Whether `a` and `b` set some key in common: the same key, or one a section holding
/// the other (`network` and `network.nodes`).
pub fn overlaps(a: &str, b: &str) -> bool {
    let inside = |x: &str, y: &str| x.strip_prefix(y).is_some_and(|r| r.starts_with('.'));
    a == b || inside(a, b) || inside(b, a)
}

/// Two dimensions that set the same key would each claim the point's value: refused.
fn no_overlap(dims: &[Dim]) -> Result<(), String> {
    let keys = |d: &Dim| {
        d.settings(0)
            .into_iter()
            .map(|(k, _)| k)
            .collect::<Vec<_>>()
    };
    let named = |k: &str, d: &Dim| match d {
        Dim::Key(..) => format!("sweep.{k}"),
        Dim::Points(_) => format!("sweep.points (its {k})"),
    };
    for (i, a) in dims.iter().enumerate() {
        for b in &dims[i + 1..] {
            for ka in keys(a) {
                if let Some(kb) = keys(b).into_iter().find(|kb| overlaps(&ka, kb)) {
                    return Err(format!(
                        "{} and {} both set {}; each key may be swept by one entry only",
                        named(&ka, a),
                        named(&kb, b),
                        if ka.len() >= kb.len() { &ka } else { &kb }
                    ));
                }
            }
        }
    }
    Ok(())
}

/// An override (`--set`) of a key the sweep sets would be silently replaced at every
/// point: refused, naming both.
pub fn check_sets(base: &Scenario, sets: &[String], origin: &str) -> Result<(), ScenarioError> {
    for set in sets {
        let key = set.split_once('=').map_or(set.as_str(), |(k, _)| k);
        if key == "sweep" || key.starts_with("sweep.") {
            continue;
        }
        for swept in base.sweep.keys().filter(|k| *k != "points") {
            if overlaps(key, swept) {
                return Err(ScenarioError(format!("{origin}: --set {key}: the sweep: block sets {swept} at every point; change the sweep (--set sweep.{swept}=[...]) instead")));
            }
        }
        let points = base.sweep.get("points").and_then(|p| p.as_array());
        for point in points.into_iter().flatten().filter_map(|p| p.as_object()) {
            if let Some(swept) = point.keys().find(|k| overlaps(key, k)) {
                return Err(ScenarioError(format!("{origin}: --set {key}: the sweep's points: set {swept} at every point; change the points instead")));
            }
        }
    }
    Ok(())
}

/// `chainlab run` on a scenario with a `sweep:` block would run its base alone and
/// drop the grid without a word: refused, saying what to do.
pub fn not_a_sweep(sc: &Scenario, origin: &str) -> Result<(), ScenarioError> {
    if sc.sweep.is_empty() {
        return Ok(());
    }
    Err(ScenarioError(format!(
        "{origin}: has a sweep: block; run its grid with `chainlab sweep` (chainlab.sweep in Python), or its base scenario alone with --set 'sweep={{}}'"
    )))
}

/// Expands the grid; every point is deserialized and checked before anything runs, so
/// a sweep over a key that does not exist fails at once with the key named.
pub fn expand(base: &Scenario, origin: &str) -> Result<Vec<Point>, ScenarioError> {
    if base.sweep.is_empty() {
        return Err(ScenarioError(format!(
            "{origin}: has no sweep: block; add one such as sweep: {{ consensus.block_interval: [1m, 10m] }}"
        )));
    }
    let dims = dimensions(base, origin)?;
    let mut tree = serde_json::to_value(base).expect("a scenario serializes");
    tree.as_object_mut()
        .expect("an object")
        .shift_remove("sweep");
    let total = dims
        .iter()
        .try_fold(1usize, |n, d| n.checked_mul(d.len()))
        .filter(|&n| n <= MAX_POINTS)
        .ok_or_else(|| {
            let sizes: Vec<String> = dims.iter().map(|d| d.len().to_string()).collect();
            ScenarioError(format!(
                "{origin}: the sweep: grid has {} points; at most {MAX_POINTS} (split the grid into several files, or shard it across machines)",
                sizes.join(" × ")
            ))
        })?;
    let mut points = Vec::with_capacity(total);
    for index in 0..total {
        // Mixed-radix digits of the index, last dimension varying fastest.
        let mut rest = index;
        let mut choice = vec![0; dims.len()];
        for (k, dim) in dims.iter().enumerate().rev() {
            choice[k] = rest % dim.len();
            rest /= dim.len();
        }
        let mut point_tree = tree.clone();
        let mut settings = Vec::new();
        for (dim, &c) in dims.iter().zip(&choice) {
            for (key, value) in dim.settings(c) {
                let text = match value {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                apply_override(&mut point_tree, &format!("{key}={text}")).map_err(|e| {
                    ScenarioError(format!("{origin}: sweep: {}", e.0.replace("--set ", "")))
                })?;
                settings.push((key, text));
            }
        }
        let scenario = point_scenario(&point_tree, base, origin, (index, &settings))?;
        points.push(Point {
            index,
            settings,
            scenario,
        });
    }
    Ok(points)
}

/// A grid point's scenario, checked (its topology file too, read from where the base
/// scenario's file is).
fn point_scenario(
    tree: &serde_json::Value,
    base: &Scenario,
    origin: &str,
    (index, settings): (usize, &[(String, String)]),
) -> Result<Scenario, ScenarioError> {
    let at = |said: String| {
        ScenarioError(format!(
            "{origin}: sweep point {index} ({}): {said}",
            describe(settings)
        ))
    };
    let mut scenario = super::load::from_tree(tree).map_err(|(_, said)| at(said))?;
    scenario.source_dir = base.source_dir.clone();
    scenario.resolve_files();
    scenario.check().map_err(at)?;
    scenario.check_files().map_err(at)?;
    Ok(scenario)
}

pub fn describe(settings: &[(String, String)]) -> String {
    settings
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The seed of replicate `r` of a run seeded `seed`: the seed itself for the first, a
/// hash of both for the others, so that replicates are independent streams and the
/// same across the points of a sweep (common random numbers: differences between
/// points are not drowned by seed noise).
pub fn replicate_seed(seed: u64, r: u32) -> u64 {
    use sha2::{Digest, Sha256};
    if r == 0 {
        return seed;
    }
    let mut h = Sha256::new();
    h.update(b"chainlab/replicate/v1");
    h.update(seed.to_le_bytes());
    h.update(r.to_le_bytes());
    u64::from_le_bytes(h.finalize()[..8].try_into().expect("8 bytes"))
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
