//! The moments of a run's story that are not blocks: faults starting and ending, and
//! attack attempts starting, releasing their branch and ending. Each is (time in
//! seconds, 0, sentence), to be merged with the blocks' sentences by time.

use crate::results::{RunResults, Summary};

fn nodes(n: usize) -> String {
    if n == 1 {
        "1 node".into()
    } else {
        format!("{n} nodes")
    }
}

/// Splits and heals, crashes and restarts, loss starting and stopping.
pub fn faults(summary: &Summary) -> Vec<(f64, u8, String)> {
    let mut out = Vec::new();
    for f in &summary.faults {
        let who = nodes(f.nodes);
        let (start, end) = match f.kind.as_str() {
            "partition" => (
                format!("the network splits: {who} are cut off from the rest, and no message crosses between the two sides"),
                format!("the partition heals: nodes on either side of a cut link tell each other their tips; {} message(s) were lost while it lasted", f.messages_lost),
            ),
            "crash" => (
                format!("{who} crash: messages to them are lost and their miners stop"),
                format!("the crashed {who} restart with the chain they had and ask their peers for the rest"),
            ),
            _ => (
                format!("messages start to get lost ({}, {who})", f.kind),
                format!("messages stop getting lost; {} were lost in all", f.messages_lost),
            ),
        };
        out.push((f.start_s, 0, format!("t={:.1}s {start}.", f.start_s)));
        if let Some(end_s) = f.end_s {
            let after = if f.reorgs_after > 0 {
                format!(
                    " Afterwards nodes switched branch {} time(s), abandoning up to {} block(s).",
                    f.reorgs_after, f.reorg_depth_max_after
                )
            } else {
                String::new()
            };
            out.push((end_s, 0, format!("t={end_s:.1}s {end}.{after}")));
        }
    }
    out
}

/// Each attack attempt: when it began, when its branch was released, how it ended
/// (the first 20 attempts of each attack; a long attack is summed up at the end).
pub fn attacks(run: &RunResults) -> Vec<(f64, u8, String)> {
    let mut out = Vec::new();
    for row in run.attacks.iter().filter(|r| r.attempt <= 20) {
        let who = format!("attacker {} ({})", row.attack, row.kind);
        out.push((
            row.started_s,
            0,
            format!(
                "t={:.1}s {who} starts attempt {}.",
                row.started_s, row.attempt
            ),
        ));
        if let Some(at) = row.released_s {
            out.push((
                at,
                0,
                format!(
                    "t={at:.1}s {who} releases its private branch of {} block(s).",
                    row.attacker_blocks
                ),
            ));
        }
        if let Some(at) = row.ended_s {
            let reverted = if row.reverted_blocks > 0 {
                format!(
                    ", reverting {} block(s) and {} payment(s)",
                    row.reverted_blocks, row.reverted_txs
                )
            } else {
                String::new()
            };
            out.push((
                at,
                0,
                format!(
                    "t={at:.1}s attempt {} of {who} ends: {}{reverted}.",
                    row.attempt, row.outcome
                ),
            ));
        }
    }
    out
}
