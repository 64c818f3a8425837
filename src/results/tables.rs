//! The CSV tables of a results directory, one row type per file. Each type names its
//! columns once ([`Table::COLUMNS`]); writing and reading both go through that list,
//! so a file is always read by column name, never by position, and a column renamed
//! in one place is renamed everywhere. Reading treats the file as untrusted: every
//! cell is parsed and range-checked, with the file, line and column in the message.

use super::read::for_each_row;
use super::secs_text::write_secs;
pub use super::secs_text::{as_written, secs_as_written, secs_cell};
use crate::ledger::{Amount, BlockHash, BlockId, Txid};
use crate::net::NodeId;
use crate::node::MinerId;
use std::path::Path;
use std::str::FromStr;

/// One CSV file of a results directory.
pub trait Table: Sized {
    const FILE: &'static str;
    const COLUMNS: &'static [&'static str];
    /// The row's cells, in the order of `COLUMNS`.
    fn cells(&self) -> Vec<String>;
    /// A row from its cells, in the order of `COLUMNS`.
    fn parse(cells: &[&str]) -> Result<Self, String>;
    /// Appends the row's cells to `record`, as [`Table::cells`] gives them; `buf` is
    /// scratch. Tables with a row per block and node override it so that a million
    /// rows do not make four million strings (5% of a 10,000-node run's CPU).
    fn fill(&self, record: &mut csv::ByteRecord, buf: &mut String) {
        let _ = buf;
        for cell in self.cells() {
            record.push_field(cell.as_bytes());
        }
    }
}

/// Writes `rows` to `dir/T::FILE`, header first.
pub fn write_table<T: Table>(dir: &Path, rows: impl IntoIterator<Item = T>) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(dir.join(T::FILE))?;
    w.write_record(T::COLUMNS)?;
    let (mut record, mut buf) = (csv::ByteRecord::new(), String::new());
    for row in rows {
        record.clear();
        row.fill(&mut record, &mut buf);
        w.write_byte_record(&record)?;
    }
    w.flush()?;
    Ok(())
}

/// Every row of `dir/T::FILE`, by column name.
pub fn read_table<T: Table>(dir: &Path) -> Result<Vec<T>, String> {
    let mut rows = Vec::new();
    for_each_row(&dir.join(T::FILE), T::COLUMNS, |_, cells| {
        rows.push(T::parse(cells)?);
        Ok(())
    })?;
    Ok(rows)
}

pub fn opt_secs_cell(s: Option<f64>) -> String {
    s.map(secs_cell).unwrap_or_default()
}

fn opt_cell<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// A cell parsed as `T`, or a message naming the column and what was found.
pub fn value<T: FromStr>(column: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{column} is {text:?}, not a valid value"))
}

/// An empty cell is `None`.
pub fn opt_value<T: FromStr>(column: &str, text: &str) -> Result<Option<T>, String> {
    (!text.is_empty()).then(|| value(column, text)).transpose()
}

/// Seconds: finite, not negative, within a run's time range.
pub fn secs(column: &str, text: &str) -> Result<f64, String> {
    super::read::seconds(column, text)?;
    Ok(text.parse().expect("checked by seconds"))
}

pub fn opt_secs(column: &str, text: &str) -> Result<Option<f64>, String> {
    (!text.is_empty()).then(|| secs(column, text)).transpose()
}

/// `blocks.csv`: one row per block in the tree, in the order the tree received them.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockRow {
    pub block: BlockId,
    pub hash: BlockHash,
    pub height: u32,
    pub parent: Option<BlockId>,
    pub miner: Option<MinerId>,
    pub mined_s: f64,
    pub size_bytes: u64,
    /// Transactions, the coinbase included (at least 1).
    pub txs: u32,
    pub fees_sat: Amount,
    pub main_chain: bool,
    /// Seconds until 50%, 90% and 100% of the nodes held it, where it got there.
    pub reach_s: [Option<f64>; 3],
}

impl Table for BlockRow {
    const FILE: &'static str = "blocks.csv";
    const COLUMNS: &'static [&'static str] = &[
        "block",
        "hash",
        "height",
        "parent",
        "miner",
        "mined_s",
        "size_bytes",
        "txs",
        "fees_sat",
        "main_chain",
        "reach50_s",
        "reach90_s",
        "reach100_s",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.block.to_string(),
            self.hash.to_string(),
            self.height.to_string(),
            opt_cell(self.parent),
            opt_cell(self.miner),
            secs_cell(self.mined_s),
            self.size_bytes.to_string(),
            self.txs.to_string(),
            self.fees_sat.to_string(),
            self.main_chain.to_string(),
            opt_secs_cell(self.reach_s[0]),
            opt_secs_cell(self.reach_s[1]),
            opt_secs_cell(self.reach_s[2]),
        ]
    }
    fn parse(c: &[&str]) -> Result<Self, String> {
        let txs: u32 = value("txs", c[7])?;
        if txs == 0 {
            return Err("txs is 0; every block holds its coinbase".into());
        }
        Ok(BlockRow {
            block: BlockId(value("block", c[0])?),
            hash: value("hash", c[1])?,
            height: value("height", c[2])?,
            parent: opt_value("parent", c[3])?.map(BlockId),
            miner: opt_value("miner", c[4])?.map(MinerId),
            mined_s: secs("mined_s", c[5])?,
            size_bytes: value("size_bytes", c[6])?,
            txs,
            fees_sat: Amount(value("fees_sat", c[8])?),
            main_chain: value("main_chain", c[9])?,
            reach_s: [
                opt_secs("reach50_s", c[10])?,
                opt_secs("reach90_s", c[11])?,
                opt_secs("reach100_s", c[12])?,
            ],
        })
    }
}

/// `txs.csv`: one row per payment the workload made, in the order they were made.
#[derive(Clone, Debug, PartialEq)]
pub struct TxRow {
    pub txid: Txid,
    pub created_s: f64,
    pub origin_node: NodeId,
    pub size_bytes: u64,
    pub fee_sat: Amount,
    /// Height and hash of the first main-chain block holding it.
    pub block_height: Option<u32>,
    pub block_hash: Option<BlockHash>,
    /// Seconds from its creation to that block being mined, and to k confirmations.
    pub inclusion_s: Option<f64>,
    pub confirmation_s: Option<f64>,
    /// It was in a block some node accepted that ended off the main chain.
    pub reverted: bool,
}

impl Table for TxRow {
    const FILE: &'static str = "txs.csv";
    const COLUMNS: &'static [&'static str] = &[
        "txid",
        "created_s",
        "origin_node",
        "size_bytes",
        "fee_sat",
        "block_height",
        "block_hash",
        "inclusion_s",
        "confirmation_s",
        "reverted",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.txid.to_string(),
            secs_cell(self.created_s),
            self.origin_node.to_string(),
            self.size_bytes.to_string(),
            self.fee_sat.to_string(),
            opt_cell(self.block_height),
            opt_cell(self.block_hash),
            opt_secs_cell(self.inclusion_s),
            opt_secs_cell(self.confirmation_s),
            self.reverted.to_string(),
        ]
    }
    fn parse(c: &[&str]) -> Result<Self, String> {
        Ok(TxRow {
            txid: value("txid", c[0])?,
            created_s: secs("created_s", c[1])?,
            origin_node: NodeId(value("origin_node", c[2])?),
            size_bytes: value("size_bytes", c[3])?,
            fee_sat: Amount(value("fee_sat", c[4])?),
            block_height: opt_value("block_height", c[5])?,
            block_hash: opt_value("block_hash", c[6])?,
            inclusion_s: opt_secs("inclusion_s", c[7])?,
            confirmation_s: opt_secs("confirmation_s", c[8])?,
            reverted: value("reverted", c[9])?,
        })
    }
}

/// `propagation.csv`: one row per (block, node reached), in the order nodes got it.
#[derive(Clone, Debug, PartialEq)]
pub struct ArrivalRow {
    pub block: BlockId,
    pub nodes_reached: u32,
    pub delay_s: f64,
}

impl Table for ArrivalRow {
    const FILE: &'static str = "propagation.csv";
    const COLUMNS: &'static [&'static str] = &["block", "nodes_reached", "delay_s"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.block.to_string(),
            self.nodes_reached.to_string(),
            secs_cell(self.delay_s),
        ]
    }
    fn fill(&self, record: &mut csv::ByteRecord, buf: &mut String) {
        let mut digits = itoa::Buffer::new();
        record.push_field(digits.format(self.block.0).as_bytes());
        record.push_field(digits.format(self.nodes_reached).as_bytes());
        buf.clear();
        write_secs(buf, self.delay_s);
        record.push_field(buf.as_bytes());
    }
    fn parse(c: &[&str]) -> Result<Self, String> {
        Ok(ArrivalRow {
            block: BlockId(value("block", c[0])?),
            nodes_reached: value("nodes_reached", c[1])?,
            delay_s: secs("delay_s", c[2])?,
        })
    }
}

/// `forks.csv`: one row per stale branch (its tip has no children).
#[derive(Clone, Debug, PartialEq)]
pub struct ForkRow {
    pub stale_tip: BlockId,
    pub height: u32,
    pub fork_height: u32,
    pub depth_blocks: u32,
}

impl Table for ForkRow {
    const FILE: &'static str = "forks.csv";
    const COLUMNS: &'static [&'static str] =
        &["stale_tip", "height", "fork_height", "depth_blocks"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.stale_tip.to_string(),
            self.height.to_string(),
            self.fork_height.to_string(),
            self.depth_blocks.to_string(),
        ]
    }
    fn parse(c: &[&str]) -> Result<Self, String> {
        Ok(ForkRow {
            stale_tip: BlockId(value("stale_tip", c[0])?),
            height: value("height", c[1])?,
            fork_height: value("fork_height", c[2])?,
            depth_blocks: value("depth_blocks", c[3])?,
        })
    }
}

/// `attacks.csv`: one row per attempt (double spend, majority) or withholding episode.
#[derive(Clone, Debug, PartialEq)]
pub struct AttackRow {
    pub attack: u32,
    pub kind: String,
    /// Counted from 1.
    pub attempt: u32,
    pub started_s: f64,
    pub ended_s: Option<f64>,
    pub outcome: String,
    pub confirmed_s: Option<f64>,
    pub released_s: Option<f64>,
    pub attacker_blocks: u32,
    pub reverted_blocks: u32,
    pub reverted_txs: u32,
}

impl Table for AttackRow {
    const FILE: &'static str = "attacks.csv";
    const COLUMNS: &'static [&'static str] = &[
        "attack",
        "kind",
        "attempt",
        "started_s",
        "ended_s",
        "outcome",
        "confirmed_s",
        "released_s",
        "attacker_blocks",
        "reverted_blocks",
        "reverted_txs",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.attack.to_string(),
            self.kind.clone(),
            self.attempt.to_string(),
            secs_cell(self.started_s),
            opt_secs_cell(self.ended_s),
            self.outcome.clone(),
            opt_secs_cell(self.confirmed_s),
            opt_secs_cell(self.released_s),
            self.attacker_blocks.to_string(),
            self.reverted_blocks.to_string(),
            self.reverted_txs.to_string(),
        ]
    }
    fn parse(c: &[&str]) -> Result<Self, String> {
        Ok(AttackRow {
            attack: value("attack", c[0])?,
            kind: c[1].to_string(),
            attempt: value("attempt", c[2])?,
            started_s: secs("started_s", c[3])?,
            ended_s: opt_secs("ended_s", c[4])?,
            outcome: c[5].to_string(),
            confirmed_s: opt_secs("confirmed_s", c[6])?,
            released_s: opt_secs("released_s", c[7])?,
            attacker_blocks: value("attacker_blocks", c[8])?,
            reverted_blocks: value("reverted_blocks", c[9])?,
            reverted_txs: value("reverted_txs", c[10])?,
        })
    }
}

/// Writes `rows` with their field names as the header (serde): for the tables whose
/// rows are the summary's own figures (miners.csv, attacks_summary.csv, faults.csv).
pub fn write_records<T: serde::Serialize>(path: &Path, rows: &[T]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    for row in rows {
        w.serialize(row)?;
    }
    w.flush()?;
    Ok(())
}

/// Every row of a table written by [`write_records`], by column name.
pub fn read_records<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, String> {
    let mut reader = crate::files::csv_reader(path).map_err(|e| e.0)?;
    let mut rows = Vec::new();
    for row in reader.deserialize() {
        rows.push(row.map_err(|e| format!("{}: {}", path.display(), crate::files::csv_error(&e)))?);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A propagation row written without a string per cell is the row its cells
        /// give, byte for byte.
        #[test]
        fn arrival_rows_fill_as_their_cells(
            block in 0u32..u32::MAX,
            reached in 0u32..u32::MAX,
            delay in proptest::num::f64::ANY,
        ) {
            let row = ArrivalRow { block: BlockId(block), nodes_reached: reached, delay_s: delay };
            let (mut record, mut buf) = (csv::ByteRecord::new(), String::from("left over"));
            row.fill(&mut record, &mut buf);
            let cells: Vec<Vec<u8>> = row.cells().into_iter().map(String::into_bytes).collect();
            let filled: Vec<Vec<u8>> = record.iter().map(<[u8]>::to_vec).collect();
            proptest::prop_assert_eq!(filled, cells);
        }
    }
}
