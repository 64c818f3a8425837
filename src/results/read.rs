//! Reading a results directory back (for `plot`, `inspect`, `explain`, `merge`): by
//! column name, never by position, and as untrusted input — every file a regular
//! file of bounded size, every number parsed and range-checked, every row tied to the
//! chain it describes, so that an edited or corrupted directory gets a message naming
//! the file, the line and the column instead of a panic or a wrong picture.

use crate::ledger::encode::{Decodable, MAX_DECODE_LEN};
use crate::ledger::{Block, BlockTree, ConsensusParams};
use std::io::{BufReader, Read};
use std::path::Path;

/// Calls `each` with the named columns of every row of a CSV file, in the order of
/// `columns`; the row's line number is given for messages. Streams the file: tables
/// such as propagation.csv can be large.
pub fn for_each_row(
    path: &Path,
    columns: &[&str],
    mut each: impl FnMut(usize, &[&str]) -> Result<(), String>,
) -> Result<(), String> {
    let mut reader = crate::files::csv_reader(path).map_err(|e| e.0)?;
    let header = reader
        .headers()
        .map_err(|e| format!("{}: {}", path.display(), crate::files::csv_error(&e)))?
        .clone();
    let index: Vec<usize> = columns
        .iter()
        .map(|c| {
            header.iter().position(|h| h == *c).ok_or_else(|| {
                format!(
                    "{}: has no column {c:?} (is it a chainlab results file?)",
                    path.display()
                )
            })
        })
        .collect::<Result<_, _>>()?;
    let mut record = csv::StringRecord::new();
    let mut line = 1;
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| format!("{}: {}", path.display(), crate::files::csv_error(&e)))?;
        if !more {
            return Ok(());
        }
        line += 1;
        let cells: Vec<&str> = index.iter().map(|&i| record.get(i).unwrap_or("")).collect();
        each(line, &cells).map_err(|e| format!("{} line {line}: {e}", path.display()))?;
    }
}

/// A time in seconds as the results write it, as nanoseconds: finite, not negative,
/// within the simulated-time range.
pub fn seconds(column: &str, text: &str) -> Result<u64, String> {
    let s: f64 = text
        .parse()
        .map_err(|_| format!("{column} is {text:?}, not a number of seconds"))?;
    let max = crate::scenario::MAX_TIME as f64 / 1e9;
    if !(s.is_finite() && (0.0..=2.0 * max).contains(&s)) {
        return Err(format!(
            "{column} is {text}; a time in a run lies between 0 and {max} s"
        ));
    }
    Ok((s * 1e9).round() as u64)
}

/// A whole number below `bound` (an index into what the run had).
pub fn index_below(column: &str, text: &str, bound: usize) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(i) if (i as usize) < bound => Ok(i),
        _ => Err(format!(
            "{column} is {text:?}; this run has ids 0 to {}",
            bound.saturating_sub(1)
        )),
    }
}

/// The blocks of `chain.dat`, each behind a 4-byte little-endian length, rebuilt into
/// a tree that validates every one of them (genesis included) with `params`. Read as
/// a stream, one block at a time, each no larger than `max_block_bytes` allows.
pub fn load_chain(path: &Path, params: ConsensusParams) -> Result<BlockTree, String> {
    let (file, _) = crate::files::open_regular(path).map_err(|e| e.0)?;
    read_chain(BufReader::new(file), &path.display().to_string(), params)
}

/// As [`load_chain`], from any reader; `place` names it in messages.
pub fn read_chain(
    mut reader: impl Read,
    place: &str,
    params: ConsensusParams,
) -> Result<BlockTree, String> {
    // A genesis premine may exceed the block limit (docs/ledger.md): never past the
    // decoder's own bound per length field times a generous factor.
    let limit = (params.max_block_bytes as u64).max(MAX_DECODE_LEN) * 2;
    let mut tree: Option<BlockTree> = None;
    let (mut index, mut offset) = (0usize, 0u64);
    loop {
        let mut len = [0u8; 4];
        match read_full(&mut reader, &mut len) {
            Ok(0) => break,
            Ok(4) => {}
            Ok(_) => {
                return Err(format!(
                    "{place}: block {index} at byte {offset}: the file ends inside its length"
                ))
            }
            Err(e) => return Err(format!("{place}: cannot read: {e}")),
        }
        let len = u64::from(u32::from_le_bytes(len));
        if len > limit {
            return Err(format!("{place}: block {index} at byte {offset} claims {len} bytes; blocks of this run are at most {limit}"));
        }
        // Grown as bytes arrive: a length field alone allocates nothing.
        let mut body = Vec::new();
        (&mut reader)
            .take(len)
            .read_to_end(&mut body)
            .map_err(|e| format!("{place}: cannot read: {e}"))?;
        if body.len() as u64 != len {
            return Err(format!(
                "{place}: block {index} at byte {offset}: the file ends inside it"
            ));
        }
        let block = Block::from_bytes(&body)
            .map_err(|e| format!("{place}: block {index} at byte {offset}: {e}"))?;
        match &mut tree {
            None => {
                tree = Some(
                    BlockTree::new(block, params.clone())
                        .map_err(|e| format!("{place}: block 0 (genesis) is invalid: {e}"))?,
                )
            }
            Some(tree) => {
                let now = block.header.time;
                tree.add_block(block, now)
                    .map_err(|e| format!("{place}: block {index} is invalid: {e}"))?;
            }
        }
        index += 1;
        offset += 4 + len;
    }
    tree.ok_or_else(|| format!("{place}: holds no blocks"))
}

/// Reads until `buf` is full or the input ends; returns how much was read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}
