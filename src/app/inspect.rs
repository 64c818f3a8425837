//! `chainlab inspect`: reload a results directory's chain, re-validating every block
//! with the real ledger, and answer questions about blocks, transactions, coins and
//! the fork tree.

use crate::ledger::provenance;
use crate::ledger::{BlockHash, BlockId, BlockTree, OutPoint, Txid};
use crate::report::write::CHAIN_FILE;
use crate::scenario::Scenario;
use std::fmt::Write as _;
use std::path::Path;

/// Bad input (a missing or malformed results directory) is an `Err` with the place
/// named. Every block is re-validated, genesis included: the directory is not trusted.
pub fn load(dir: &Path) -> Result<BlockTree, String> {
    whole_run(dir)?;
    let files = ["scenario.resolved.yaml", CHAIN_FILE];
    crate::results::record::Record::verify(dir, &files, &["topology.csv"])?;
    let resolved = dir.join("scenario.resolved.yaml");
    let sc = Scenario::load(&resolved, &[])
        .map_err(|e| format!("{e} (is {} a results directory?)", dir.display()))?;
    let params = crate::scenario::compile::consensus_params(&sc);
    crate::results::read::load_chain(&dir.join(CHAIN_FILE), params)
}

/// A sweep's directory and a lean run have no chain to read: said as such, before the
/// record is asked about files it never had.
fn whole_run(dir: &Path) -> Result<(), String> {
    if crate::results::outdir::is_sweep_dir(dir) {
        return Err(format!(
            "{}: is a sweep's directory; inspect one of its runs (such as {})",
            dir.display(),
            dir.join("point-0000").display()
        ));
    }
    let lean = dir.join("summary.json").is_file() && !dir.join(CHAIN_FILE).exists();
    if lean {
        return Err(format!(
            "{}: has no {CHAIN_FILE} (a --lean run keeps the tables only); rerun without --lean to inspect its blocks",
            dir.display()
        ));
    }
    Ok(())
}

/// Draws the fork tree of the run in `dir` as SVG into `path` (a file chainlab may
/// write: new, or an SVG it drew before).
pub fn draw_svg(dir: &Path, path: &Path) -> Result<(), super::Error> {
    use super::Error;
    let run = crate::results::RunResults::read(dir).map_err(Error::BadInput)?;
    let max = crate::report::plots::FORK_TREE_MAX_BLOCKS;
    if run.blocks.len() > max {
        return Err(Error::BadInput(format!(
            "--svg: the tree has {} blocks; pictures are drawn up to {max} (the text tree, without --svg, has them all)",
            run.blocks.len()
        )));
    }
    let svg = crate::report::plots::fork_tree_svg(&run)?;
    let mark = crate::results::outdir::SVG_MARK;
    crate::results::outdir::write_own_file(path, svg.as_bytes(), mark)?;
    Ok(())
}

fn short(h: &BlockHash) -> String {
    h.to_string()[..16].to_string()
}

fn miner_of(tree: &BlockTree, id: BlockId) -> Option<u32> {
    (id != tree.genesis())
        .then(|| crate::node::miner_of(&tree.entry(id).block))?
        .map(|m| m.0)
}

pub fn fork_tree(tree: &BlockTree) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>6}  {:<30} stale blocks at this height",
        "height", "main chain"
    );
    for (height, &main) in tree.main_chain().iter().enumerate() {
        let stale: Vec<String> = tree
            .stale_blocks()
            .filter(|&s| tree.entry(s).height as usize == height)
            .map(|s| {
                format!(
                    "{} (miner {})",
                    short(&tree.entry(s).hash),
                    miner_of(tree, s).map_or("-".into(), |m| m.to_string())
                )
            })
            .collect();
        let miner = miner_of(tree, main).map_or("genesis".into(), |m| format!("miner {m}"));
        let _ = writeln!(
            out,
            "{height:>6}  {} ({miner:<9}) {}",
            short(&tree.entry(main).hash),
            stale.join(", ")
        );
    }
    out
}

/// The one item whose displayed hash starts with `query` (8 to 64 hex digits, as the
/// tree and the tables print them), from `candidates`.
fn by_prefix<T: Copy + std::fmt::Display>(
    flag: &str,
    query: &str,
    candidates: impl Iterator<Item = T>,
) -> Result<T, String> {
    let q = query.to_ascii_lowercase();
    if !(8..=64).contains(&q.len()) || !q.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "{flag} {query:?}: give a hash, or its first 8 or more hex digits as inspect prints them"
        ));
    }
    let mut found = candidates.filter(|c| c.to_string().starts_with(&q));
    match (found.next(), found.next()) {
        (Some(one), None) => Ok(one),
        (None, _) => Err(format!(
            "{flag} {query}: nothing in this run has such a hash"
        )),
        (Some(_), Some(_)) => Err(format!(
            "{flag} {query}: more than one hash starts so; give more digits"
        )),
    }
}

pub fn describe_block(tree: &BlockTree, query: &str) -> Result<String, String> {
    let id = match query.parse::<u32>() {
        Ok(height) if query.len() < 8 => tree.at_height(height).ok_or_else(|| {
            format!(
                "--block {height}: the main chain is {} blocks high",
                tree.best_height()
            )
        })?,
        _ => {
            let hash = by_prefix("--block", query, tree.entries().iter().map(|e| e.hash))?;
            tree.id_of(&hash).expect("a hash of the tree")
        }
    };
    let e = tree.entry(id);
    let h = &e.block.header;
    let mut out = String::new();
    let _ = writeln!(out, "block {}", e.hash);
    let _ = writeln!(
        out,
        "  height {}  {}",
        e.height,
        if tree.is_on_main_chain(id) {
            "main chain"
        } else {
            "stale"
        }
    );
    let _ = writeln!(out, "  parent {}", h.prev_blockhash);
    let _ = writeln!(out, "  merkle root {}", h.merkle_root);
    let _ = writeln!(
        out,
        "  time {}  bits {}  nonce {}  version 0x{:08x}",
        h.time, h.bits, h.nonce, h.version
    );
    let _ = writeln!(
        out,
        "  size {} bytes, {} transactions, fees {} sat, miner {}",
        e.size,
        e.txids.len(),
        e.fees,
        miner_of(tree, id).map_or("-".into(), |m| m.to_string())
    );
    for txid in e.txids.iter().take(10) {
        let _ = writeln!(out, "  tx {txid}");
    }
    if e.txids.len() > 10 {
        let _ = writeln!(out, "  ... and {} more", e.txids.len() - 10);
    }
    Ok(out)
}

pub fn describe_tx(tree: &BlockTree, query: &str) -> Result<String, String> {
    let txids = tree.entries().iter().flat_map(|e| e.txids.iter().copied());
    let txid: Txid = by_prefix("--tx", query, txids)?;
    let (block, tx) = tree
        .locate_tx(&txid)
        .ok_or_else(|| format!("--tx {query}: no block of this run contains it"))?;
    let mut out = String::new();
    let _ = writeln!(out, "transaction {txid}");
    let _ = writeln!(
        out,
        "  in block {} at height {}{}",
        tree.entry(block).hash,
        tree.entry(block).height,
        if tree.is_on_main_chain(block) {
            ""
        } else {
            " (stale)"
        }
    );
    let _ = writeln!(out, "  {} bytes, lock_time {}", tx.size(), tx.lock_time);
    for (i, input) in tx.inputs.iter().enumerate() {
        if tx.is_coinbase() {
            let _ = writeln!(out, "  input {i}: coinbase (new coins)");
        } else {
            let _ = writeln!(out, "  input {i}: spends {}", input.previous_output);
        }
    }
    for (i, output) in tx.outputs.iter().enumerate() {
        let _ = writeln!(
            out,
            "  output {i}: {} sat to script {}",
            output.value,
            hex::encode(&output.script_pubkey)
        );
    }
    light_client_proof(&mut out, tree, block, &txid);
    Ok(out)
}

/// What a light client (headers only) is sent and checks: the Merkle branch from the
/// transaction to the root in a header it holds, and how deep that header is.
fn light_client_proof(out: &mut String, tree: &BlockTree, block: BlockId, txid: &Txid) {
    let entry = tree.entry(block);
    let index = entry
        .txids
        .iter()
        .position(|t| t == txid)
        .expect("the block holds it");
    let proof = crate::ledger::merkle::MerkleProof::build(&entry.txids, index).expect("in range");
    let root = entry.block.header.merkle_root;
    let _ = writeln!(
        out,
        "  light-client proof: transaction {index} of {}, {} sibling hash(es) (vs {} bytes of block):",
        entry.txids.len(),
        proof.siblings.len(),
        entry.size
    );
    for (depth, sibling) in proof.siblings.iter().enumerate() {
        let side = if (index >> depth) & 1 == 0 {
            "right"
        } else {
            "left"
        };
        let _ = writeln!(out, "    level {depth}: {side} sibling {sibling}");
    }
    let verdict = if proof.verify(*txid, root) {
        "matches"
    } else {
        "DOES NOT match"
    };
    let depth = if tree.is_on_main_chain(block) {
        format!(
            "{} confirmation(s) on the main chain",
            tree.best_height() - entry.height + 1
        )
    } else {
        "not on the main chain".to_string()
    };
    let _ = writeln!(
        out,
        "    recomputed root {verdict} the header's merkle root {root}; {depth}"
    );
}

pub fn describe_provenance(tree: &BlockTree, query: &str) -> Result<String, String> {
    // A txid may be given by a unique prefix, as for --tx.
    let coin: OutPoint = match query.split_once(':') {
        Some((txid, index)) if txid.len() < 64 => {
            let txids = tree.entries().iter().flat_map(|e| e.txids.iter().copied());
            let full = by_prefix("--provenance", txid, txids)?;
            format!("{full}:{index}").parse()
        }
        _ => query.parse(),
    }
    .map_err(|_: crate::ledger::tx::ParseOutPointError| {
        format!("--provenance {query:?}: give an output as TXID:INDEX — a txid (or its first 8 or more hex digits), a colon, an output number")
    })?;
    let history =
        provenance::trace(tree, coin).map_err(|e| format!("--provenance {query}: {e}"))?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "coin {coin} descends from {} transaction(s) and {} coinbase output(s):",
        history.steps.len(),
        history.coinbases.len()
    );
    for step in &history.steps {
        let what = if step.is_coinbase {
            "coinbase".to_string()
        } else {
            format!(
                "spends {}",
                step.spent
                    .iter()
                    .map(|o| o.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let _ = writeln!(out, "  height {:>5}  {}  {}", step.height, step.txid, what);
    }
    for cb in &history.coinbases {
        let _ = writeln!(out, "  origin: {cb}");
    }
    Ok(out)
}
