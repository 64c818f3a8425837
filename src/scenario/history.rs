//! The `history:` section: a chain already grown when the run starts
//! (`node::history`), so that nodes joining copy a chain of a realistic size.

use super::limits::{size, within, MAX_GRIND_HASHES};
use super::Size;
use serde::{Deserialize, Serialize};

const MAX_HISTORY_BLOCKS: u32 = 1_000_000;
/// Per-node block state of the history (one byte per node per block): 2 GB.
const MAX_HISTORY_STATE: f64 = 2e9;
/// Bytes of history hashed and held (the padding is shared, so memory holds little of
/// it; hashing it takes about a minute per 40 GB).
const MAX_HISTORY_BYTES: f64 = 1e11;
/// The history's header times end at the run's start and may not go before 1970.
const MAX_HISTORY_SPAN_S: f64 = 50.0 * 365.25 * 86_400.0;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct History {
    /// Blocks above genesis before the run starts.
    pub blocks: u32,
    /// Each one's size (its coinbase padded to it).
    pub block_bytes: Size,
}

impl History {
    pub(crate) fn check(&self, sc: &super::Scenario) -> Result<(), String> {
        within("history.blocks", self.blocks, 1, MAX_HISTORY_BLOCKS)?;
        let max = sc.consensus.max_block_bytes.0;
        size("history.block_bytes", self.block_bytes.0, 0, max)
            .map_err(|e| format!("{e} (consensus.max_block_bytes)"))?;
        let blocks = f64::from(self.blocks);
        let bytes = blocks * self.block_bytes.0 as f64;
        if bytes > MAX_HISTORY_BYTES {
            return Err(format!(
                "history.blocks × history.block_bytes is {:.1} GB; at most {:.0} GB",
                bytes / 1e9,
                MAX_HISTORY_BYTES / 1e9
            ));
        }
        // Every node keeps a byte of state per block: the history's, node by node.
        let state = blocks * f64::from(sc.network.nodes);
        if state > MAX_HISTORY_STATE {
            return Err(format!("history.blocks × network.nodes is {state:.3e} (a byte of state per node per block); at most {MAX_HISTORY_STATE:.0e}"));
        }
        let span = blocks * sc.consensus.block_interval.0 as f64 / 1e9;
        if span > MAX_HISTORY_SPAN_S {
            return Err(format!("history.blocks × consensus.block_interval is {:.1} years; at most 50 (the history's times end at the run's start)", span / (365.25 * 86_400.0)));
        }
        let hashes = blocks * sc.consensus.hashes_per_block as f64;
        if hashes > MAX_GRIND_HASHES {
            return Err(format!("history would grind about {hashes:.3e} hashes (history.blocks × consensus.hashes_per_block); at most {MAX_GRIND_HASHES:.0e}"));
        }
        Ok(())
    }
}

pub(crate) fn allowed(key: &str) -> Option<String> {
    match key {
        "history.blocks" => Some(format!(
            "a whole number of blocks from 1 to {MAX_HISTORY_BLOCKS}"
        )),
        _ => None,
    }
}
