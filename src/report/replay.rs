//! `replay.json` and the animated replay in report.html: the network drawn (by region
//! on a world layout where the network has regions, as a graph otherwise), each block
//! spreading node by node in its miner's colour, the block tree growing beside it, and
//! faults shaded on the timeline. The data is the run's own (`node::replay`): a sample
//! of nodes, their arrival times for the first blocks, the tree; the page draws it with
//! the script in `replay.js`, with no network fetches.

use crate::net::regions::REGIONS;
use crate::node::replay::{blocks_kept, SHOWN_NODES};
use crate::node::RunOutput;
use crate::results::tables::BlockRow;
use crate::results::Summary;
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const FILE: &str = "replay.json";
/// The largest replay.json read back (a replay at its limits is about 2 MB).
const READ_LIMIT: u64 = 16 << 20;

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Replay {
    pub format: u32,
    /// "name, seed N": the page's heading.
    pub title: String,
    pub nodes_total: u32,
    /// The shown nodes' ids.
    pub shown: Vec<u32>,
    /// Region names, and per shown node an index into them; both empty without regions.
    pub region_names: Vec<String>,
    pub region: Vec<u8>,
    /// Links between shown nodes, by their places in `shown`.
    pub links: Vec<[u16; 2]>,
    pub miners: Vec<ReplayMiner>,
    pub blocks: Vec<ReplayBlock>,
    /// Blocks mined in the run, genesis not counted (the replay keeps the first ones:
    /// `node::replay::blocks_kept`).
    pub blocks_total: u32,
    pub faults: Vec<ReplayFault>,
    pub end_ms: u64,
    pub target_interval_s: f64,
    pub mean_interval_s: Option<f64>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReplayMiner {
    pub node: u32,
    pub share: f64,
    pub attacker: bool,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReplayBlock {
    pub parent: Option<u32>,
    pub height: u32,
    pub miner: Option<u32>,
    pub mined_ms: u64,
    pub main: bool,
    /// Per shown node, milliseconds from mining until it connected the block; -1 when it
    /// never did.
    pub at: Vec<i64>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReplayFault {
    pub kind: String,
    pub start_ms: u64,
    pub end_ms: Option<u64>,
    pub nodes: u64,
}

fn ms(seconds: f64) -> u64 {
    (seconds * 1e3).round().max(0.0) as u64
}

/// The replay of a finished run.
pub fn of(sc: &Scenario, summary: &Summary, blocks: &[BlockRow], out: &RunOutput) -> Replay {
    let r = &out.replay;
    let honest = summary.miners.len() - summary.attacks.len().min(summary.miners.len());
    let rows = blocks.iter().take(blocks_kept(r.nodes.len()));
    let blocks: Vec<ReplayBlock> = (rows.zip(&r.arrivals))
        .map(|(row, arrivals)| {
            let mined = out.blocks[row.block.index()].mined_at;
            let mut at = vec![-1i64; r.nodes.len()];
            for &(place, when) in arrivals {
                at[usize::from(place)] = ((when - mined).nanos() / 1_000_000) as i64;
            }
            ReplayBlock {
                parent: row.parent.map(|p| p.0),
                height: row.height,
                miner: row.miner.map(|m| m.0),
                mined_ms: ms(row.mined_s),
                main: row.main_chain,
                at,
            }
        })
        .collect();
    Replay {
        format: 1,
        title: format!("{}, seed {}", sc.name, sc.seed),
        nodes_total: sc.network.nodes,
        shown: r.nodes.iter().map(|n| n.0).collect(),
        region_names: match &r.regions {
            Some(_) => REGIONS.iter().map(|s| s.to_string()).collect(),
            None => Vec::new(),
        },
        region: (r.regions.iter().flatten()).map(|&x| x as u8).collect(),
        links: r.links.iter().map(|&(a, b)| [a, b]).collect(),
        miners: (summary.miners.iter().enumerate())
            .map(|(i, m)| ReplayMiner {
                node: m.node,
                share: m.hashrate_share,
                attacker: i >= honest,
            })
            .collect(),
        blocks_total: out.blocks.len() as u32 - 1,
        faults: (summary.faults.iter())
            .map(|f| ReplayFault {
                kind: f.kind.clone(),
                start_ms: ms(f.start_s),
                end_ms: f.end_s.map(ms),
                nodes: f.nodes as u64,
            })
            .collect(),
        // The run's end, or later where the last blocks were still spreading then (a
        // run drains what is in flight): the replay shows them arrive.
        end_ms: (blocks.iter())
            .flat_map(|b: &ReplayBlock| b.at.iter().map(move |&a| b.mined_ms + a.max(0) as u64))
            .fold(ms(summary.simulated_s), u64::max),
        target_interval_s: sc.consensus.block_interval.secs(),
        mean_interval_s: summary.block_interval_s_mean,
        blocks,
    }
}

pub fn write(dir: &Path, replay: &Replay) -> anyhow::Result<()> {
    std::fs::write(dir.join(FILE), serde_json::to_vec(replay)?)?;
    Ok(())
}

/// Reads a run's replay.json back (for a redraw), checking that it describes a replay
/// this page can draw: every index in range, one arrival per shown node.
pub fn read(dir: &Path) -> Result<Option<Replay>, String> {
    let path = dir.join(FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let bytes = crate::files::read_limited(&path, READ_LIMIT, FILE).map_err(|e| e.0)?;
    let replay: Replay =
        serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    check(&replay).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Some(replay))
}

fn check(r: &Replay) -> Result<(), String> {
    let shown = r.shown.len();
    if r.format != 1 {
        return Err(format!(
            "format {} (this chainlab reads format 1)",
            r.format
        ));
    }
    let kept = blocks_kept(shown);
    if shown > SHOWN_NODES as usize || r.blocks.len() > kept {
        return Err(format!(
            "{shown} nodes and {} blocks shown (at most {SHOWN_NODES}, and {kept} blocks with {shown} nodes)",
            r.blocks.len()
        ));
    }
    if shown == 0 || r.shown.windows(2).any(|w| w[0] >= w[1]) || r.shown[shown - 1] >= r.nodes_total
    {
        return Err("shown: node ids, ascending, each below nodes_total".into());
    }
    let number = |x: f64| x.is_finite() && x >= 0.0;
    let sane = number(r.target_interval_s)
        && r.target_interval_s > 0.0
        && r.mean_interval_s.is_none_or(number)
        && r.miners.iter().all(|m| number(m.share) && m.share <= 1.0);
    if !sane {
        return Err("intervals and shares must be numbers, at least 0 (a share at most 1)".into());
    }
    if r.faults
        .iter()
        .any(|f| f.end_ms.is_some_and(|e| e < f.start_ms) || f.nodes > u64::from(r.nodes_total))
    {
        return Err("a fault must end after it starts and hit at most nodes_total nodes".into());
    }
    if !(r.region.is_empty() || r.region.len() == shown)
        || r.region
            .iter()
            .any(|&x| usize::from(x) >= r.region_names.len())
    {
        return Err("a region for every shown node, each one of region_names".into());
    }
    if (r.links.iter().flatten()).any(|&p| usize::from(p) >= shown) {
        return Err("a link names a node that is not shown".into());
    }
    if r.blocks.first().is_none_or(|g| g.parent.is_some()) {
        return Err("blocks must start with genesis (no parent)".into());
    }
    for (id, b) in r.blocks.iter().enumerate().skip(1) {
        let parent_ok = b.parent.is_some_and(|p| (p as usize) < id);
        let miner_ok = b.miner.is_none_or(|m| (m as usize) < r.miners.len());
        if !parent_ok || !miner_ok || b.at.len() != shown {
            return Err(format!(
                "block {id}: it needs a parent before it, a listed miner, and one arrival per shown node"
            ));
        }
    }
    Ok(())
}

/// The replay as a script element's JSON: `<` escaped so that no text in it (a
/// scenario's name) can end the element.
pub fn embedded_json(replay: &Replay) -> String {
    serde_json::to_string(replay)
        .expect("a replay serializes")
        .replace('<', "\\u003c")
}

/// The replay section of report.html.
pub fn section(replay: &Replay) -> String {
    format!(
        "<h2 id=\"replay-heading\">Replay</h2>\n<div id=\"replay\">{CONTROLS}</div>\n\
<script type=\"application/json\" id=\"replay-data\">{}</script>\n<script>{}</script>\n",
        embedded_json(replay),
        include_str!("replay.js")
    )
}

const CONTROLS: &str = "<div class=\"replay-views\"><canvas id=\"replay-net\" width=\"720\" height=\"440\"></canvas>\
<canvas id=\"replay-tree\" width=\"360\" height=\"440\"></canvas></div>\
<div class=\"replay-controls\"><button id=\"replay-back\" title=\"previous block (left arrow)\">&#9664;&#9664;</button>\
<button id=\"replay-play\" title=\"play or pause (space)\">Play</button>\
<button id=\"replay-next\" title=\"next block (right arrow)\">&#9654;&#9654;</button>\
<input id=\"replay-time\" type=\"range\" min=\"0\" max=\"1000\" value=\"0\" aria-label=\"time\">\
<select id=\"replay-speed\" title=\"speed (+ and -)\" aria-label=\"speed\"></select></div>\
<canvas id=\"replay-timeline\" width=\"1080\" height=\"28\"></canvas>\
<p id=\"replay-status\" aria-live=\"polite\">The replay needs JavaScript.</p>\
<p id=\"replay-legend\"></p>";

/// Style for the replay section, added to the page's.
pub const STYLE: &str = "#replay canvas{border:1px solid #ccc;background:#fff;max-width:100%}\
.replay-views{display:flex;gap:8px;flex-wrap:wrap}.replay-controls{display:flex;gap:10px;align-items:center;margin:.5em 0}\
.replay-controls button,.replay-controls select{font-size:22px;padding:4px 14px}#replay-time{flex:1}\
#replay-status{font-size:24px;font-weight:bold}#replay-legend span{display:inline-block;margin-right:1em}";

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Replay {
        Replay {
            format: 1,
            title: "x</script><script>alert(1)</script>, seed 1".into(),
            nodes_total: 3,
            shown: vec![0, 1, 2],
            region_names: Vec::new(),
            region: Vec::new(),
            links: vec![[0, 1], [1, 2]],
            miners: vec![ReplayMiner {
                node: 0,
                share: 1.0,
                attacker: false,
            }],
            blocks: vec![
                ReplayBlock {
                    parent: None,
                    height: 0,
                    miner: None,
                    mined_ms: 0,
                    main: true,
                    at: vec![-1; 3],
                },
                ReplayBlock {
                    parent: Some(0),
                    height: 1,
                    miner: Some(0),
                    mined_ms: 600_000,
                    main: true,
                    at: vec![0, 80, 160],
                },
            ],
            blocks_total: 2,
            faults: Vec::new(),
            end_ms: 600_160,
            target_interval_s: 600.0,
            mean_interval_s: None,
        }
    }

    #[test]
    fn no_text_in_the_data_can_end_its_script_element() {
        let json = embedded_json(&small());
        assert!(!json.contains('<'), "{json}");
        let back: Replay = serde_json::from_str(&json).unwrap();
        assert_eq!(back, small(), "the escape is still the same JSON");
    }

    #[test]
    fn a_replay_read_back_is_checked_before_it_is_drawn() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &small()).unwrap();
        assert_eq!(read(dir.path()).unwrap(), Some(small()));
        let mut broken = small();
        broken.blocks[1].at.pop();
        broken.links.push([0, 7]);
        for (replay, says) in [
            (
                Replay {
                    format: 2,
                    ..small()
                },
                "format 2",
            ),
            (
                Replay {
                    links: broken.links.clone(),
                    ..small()
                },
                "not shown",
            ),
            (
                Replay {
                    blocks: broken.blocks.clone(),
                    ..small()
                },
                "block 1",
            ),
            (
                Replay {
                    blocks: Vec::new(),
                    ..small()
                },
                "genesis",
            ),
            (
                Replay {
                    shown: vec![0, 1, 3],
                    ..small()
                },
                "below nodes_total",
            ),
            (
                Replay {
                    target_interval_s: -60.0,
                    ..small()
                },
                "intervals",
            ),
            (
                Replay {
                    faults: vec![ReplayFault {
                        kind: "partition".into(),
                        start_ms: 10,
                        end_ms: Some(5),
                        nodes: 1,
                    }],
                    ..small()
                },
                "end after it starts",
            ),
        ] {
            write(dir.path(), &replay).unwrap();
            let err = read(dir.path()).unwrap_err();
            assert!(err.contains("replay.json") && err.contains(says), "{err}");
        }
        std::fs::write(dir.path().join(FILE), b"{\"format\":1,\"extra\":0}").unwrap();
        assert!(read(dir.path()).unwrap_err().contains("unknown field"));
        std::fs::remove_file(dir.path().join(FILE)).unwrap();
        assert_eq!(read(dir.path()).unwrap(), None, "a run without one is fine");
    }
}
