//! The lab's lessons: the classroom scenarios (built into the program, so the lab works
//! from any directory) and the sliders each offers. A slider is a scenario key; moving
//! it is a `--set`, so every value goes through the scenario's own checks and a bad
//! one gets the message `chainlab run` would give.

use crate::scenario::units::{Duration, Size};
use crate::scenario::Scenario;
use serde::Serialize;

pub struct Lesson {
    pub id: &'static str,
    pub title: &'static str,
    yaml: &'static str,
}

/// In docs/classroom.md's order.
pub const LESSONS: [Lesson; 9] = [
    lesson(
        "fork-race",
        "1. A fork race",
        include_str!("../../../scenarios/classroom/fork-race.yaml"),
    ),
    lesson(
        "reorg",
        "2. A reorg, step by step",
        include_str!("../../../scenarios/classroom/reorg.yaml"),
    ),
    lesson(
        "double-spend",
        "3. A double spend",
        include_str!("../../../scenarios/classroom/double-spend.yaml"),
    ),
    lesson(
        "majority",
        "4. A 51% attacker",
        include_str!("../../../scenarios/classroom/majority.yaml"),
    ),
    lesson(
        "partition",
        "5. A partition that heals",
        include_str!("../../../scenarios/classroom/partition.yaml"),
    ),
    lesson(
        "provenance",
        "6. Coin provenance",
        include_str!("../../../scenarios/classroom/provenance.yaml"),
    ),
    lesson(
        "fee-market",
        "7. A fee market",
        include_str!("../../../scenarios/classroom/fee-market.yaml"),
    ),
    lesson(
        "check-the-article",
        "8. Check the article",
        include_str!("../../../scenarios/classroom/check-the-article.yaml"),
    ),
    lesson(
        "miners-leave",
        "9. Miners leave",
        include_str!("../../../scenarios/classroom/miners-leave.yaml"),
    ),
];

const fn lesson(id: &'static str, title: &'static str, yaml: &'static str) -> Lesson {
    Lesson { id, title, yaml }
}

/// What a slider moves and how it is shown.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Slider {
    pub key: String,
    pub label: &'static str,
    pub unit: &'static str,
    pub min: f64,
    pub max: f64,
    pub step: f64,
    pub value: f64,
}

#[derive(Serialize)]
pub struct LessonInfo {
    pub id: &'static str,
    pub title: &'static str,
    /// The scenario file's opening comment: what the lesson is about.
    pub about: String,
    pub sliders: Vec<Slider>,
}

pub fn find(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

/// Every lesson's info, in [`LESSONS`]' order, worked out once: fitting the sliders
/// parses each lesson a few hundred times, and the answer never changes.
pub fn infos() -> &'static [LessonInfo] {
    static INFOS: std::sync::OnceLock<Vec<LessonInfo>> = std::sync::OnceLock::new();
    INFOS.get_or_init(|| LESSONS.iter().map(Lesson::info).collect())
}

/// The sliders of lesson `id` (as [`infos`] gives them).
pub fn sliders_of(id: &str) -> &'static [Slider] {
    infos()
        .iter()
        .find(|i| i.id == id)
        .map_or(&[], |i| &i.sliders)
}

impl Lesson {
    /// The lesson as a single run: a lesson that is a sweep runs its base scenario.
    pub fn scenario(&self, sets: &[String]) -> Result<Scenario, String> {
        let mut overrides = vec!["sweep={}".to_string()];
        overrides.extend(sets.iter().cloned());
        let origin = format!("lesson {}", self.id);
        Scenario::parse(self.yaml, &origin, &overrides).map_err(|e| e.to_string())
    }

    pub fn info(&self) -> LessonInfo {
        let about = (self.yaml.lines())
            .take_while(|l| l.starts_with('#'))
            .map(|l| l.trim_start_matches('#').trim())
            .collect::<Vec<_>>()
            .join(" ");
        let sc = self.scenario(&[]).expect("the built-in lessons are valid");
        let sliders = sliders(&sc).into_iter().map(|s| self.fitted(s)).collect();
        LessonInfo {
            id: self.id,
            title: self.title,
            about,
            sliders,
        }
    }

    /// `slider` with its ends moved in to values this lesson accepts (a latency below
    /// the lesson's jitter, blocks over its size limit, long intervals where a run
    /// stopped by blocks would need a time bound: refused by the scenario's checks),
    /// found by bisecting between each end and the lesson's own value, on the step.
    fn fitted(&self, mut slider: Slider) -> Slider {
        let probe = slider.clone();
        let accepts = |v: f64| self.scenario(&[setting(&probe, v)]).is_ok();
        let snap = |v: f64| (v / probe.step).round() * probe.step;
        for end in [probe.min, probe.max] {
            if accepts(end) {
                continue;
            }
            let (mut bad, mut good) = (end, probe.value);
            for _ in 0..20 {
                let mid = snap((bad + good) / 2.0);
                if mid == bad || mid == good {
                    break;
                }
                if accepts(mid) {
                    good = mid;
                } else {
                    bad = mid;
                }
            }
            if end == probe.min {
                slider.min = good;
            } else {
                slider.max = good;
            }
        }
        slider
    }
}

/// The sliders that apply to `sc`, at its values: the block interval, block size and
/// latency always; the attacker's share and the confirmations it must beat where the
/// lesson has an attack (the depth, for a 51% attacker); a payment's confirmations
/// otherwise; a partition's length where it has one; the hashrate that stays where
/// the lesson's schedule changes it.
fn sliders(sc: &Scenario) -> Vec<Slider> {
    let tree = serde_json::to_value(sc).expect("a scenario serializes");
    let at = |path: &str| value_at(&tree, path);
    let secs = |path: &str| {
        at(path)?
            .as_str()?
            .parse::<Duration>()
            .ok()
            .map(|d| d.secs())
    };
    let number = |path: &str| at(path)?.as_f64();
    let slider = Slider::new;
    let padding = at("mining.block_padding")
        .and_then(|v| v.as_str()?.parse::<Size>().ok())
        .map_or(0.0, |s| s.0 as f64 / 1e3);
    let attack = at("attacks.0.kind").and_then(|k| k.as_str());
    let confirmations = match attack {
        Some("double-spend") => "attacks.0.confirmations",
        Some("majority") => "attacks.0.depth",
        _ => "metrics.confirmations",
    };
    let partition = at("faults.0.kind").and_then(|k| k.as_str()) == Some("partition");
    [
        slider(
            "consensus.block_interval",
            "Block interval",
            "s",
            (5.0, 1200.0, 5.0),
            secs("consensus.block_interval"),
        ),
        slider(
            "mining.block_padding",
            "Block size (padding)",
            "kB",
            (0.0, 2000.0, 10.0),
            Some(padding),
        ),
        slider(
            "network.latency",
            "Link latency",
            "ms",
            (0.0, 5000.0, 50.0),
            secs("network.latency").map(|s| s * 1e3),
        ),
        slider(
            "attacks.0.hashrate",
            "Attacker's hashrate share",
            "",
            (0.05, 0.95, 0.05),
            attack.and(number("attacks.0.hashrate")),
        ),
        slider(
            confirmations,
            "Confirmations",
            "",
            (1.0, 12.0, 1.0),
            number(confirmations),
        ),
        slider(
            "faults.0.for",
            "Partition length",
            "s",
            (60.0, 3600.0, 60.0),
            partition.then(|| secs("faults.0.for")).flatten(),
        ),
        slider(
            "mining.schedule.0.hashrate",
            "Hashrate that stays",
            "× start",
            (0.1, 2.0, 0.05),
            number("mining.schedule.0.hashrate"),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The value at a dotted scenario key (`attacks.0.hashrate`) of a serialized scenario.
fn value_at<'a>(tree: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    (path.split('.')).try_fold(tree, |v, k| match k.parse::<usize>() {
        Ok(i) => v.get(i),
        Err(_) => v.get(k),
    })
}

impl Slider {
    /// A slider over `key`, where the lesson has a value for it.
    fn new(
        key: &str,
        label: &'static str,
        unit: &'static str,
        (min, max, step): (f64, f64, f64),
        value: Option<f64>,
    ) -> Option<Slider> {
        value.map(|value| Slider {
            key: key.to_string(),
            label,
            unit,
            min,
            max,
            step,
            value,
        })
    }
}

/// A slider's value as the `--set` it stands for (units appended).
pub fn setting(slider: &Slider, value: f64) -> String {
    let unit = match slider.key.as_str() {
        "mining.block_padding" => "kB",
        "network.latency" => "ms",
        "consensus.block_interval" | "faults.0.for" => "s",
        _ => "",
    };
    format!("{}={value}{unit}", slider.key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lesson_runs_as_given_and_offers_its_sliders() {
        for lesson in &LESSONS {
            let info = lesson.info();
            let keys: Vec<&str> = info.sliders.iter().map(|s| s.key.as_str()).collect();
            assert!(keys.contains(&"consensus.block_interval"), "{}", lesson.id);
            assert!(!info.about.is_empty(), "{}", lesson.id);
            // Every slider at its shown value is the scenario unchanged.
            let sets: Vec<String> = info.sliders.iter().map(|s| setting(s, s.value)).collect();
            let moved = lesson.scenario(&sets).unwrap();
            assert_eq!(
                moved,
                lesson.scenario(&[]).unwrap(),
                "{}: {sets:?}",
                lesson.id
            );
        }
        // Every slider's ends are values the lesson accepts.
        for lesson in &LESSONS {
            for s in lesson.info().sliders {
                for end in [s.min, s.max] {
                    let set = setting(&s, end);
                    assert!(
                        lesson.scenario(std::slice::from_ref(&set)).is_ok(),
                        "{}: {set}",
                        lesson.id
                    );
                }
            }
        }
        let partition = find("partition").unwrap().info();
        let length = partition
            .sliders
            .iter()
            .find(|s| s.key == "faults.0.for")
            .unwrap();
        assert_eq!(length.value, 900.0);
        let ds = find("double-spend").unwrap().info();
        assert!(ds
            .sliders
            .iter()
            .any(|s| s.key == "attacks.0.confirmations" && s.value == 1.0));
        assert!(ds
            .sliders
            .iter()
            .any(|s| s.key == "attacks.0.hashrate" && s.value == 0.3));
        let leave = find("miners-leave").unwrap().info();
        let stays = (leave.sliders.iter())
            .find(|s| s.key == "mining.schedule.0.hashrate")
            .unwrap();
        assert_eq!((stays.value, stays.min, stays.max), (0.5, 0.1, 2.0));
    }

    #[test]
    fn a_bad_value_gets_the_scenario_message() {
        let err = find("fork-race")
            .unwrap()
            .scenario(&["consensus.block_interval=-5s".into()])
            .unwrap_err();
        assert!(err.contains("consensus.block_interval"), "{err}");
    }
}
