//! Assembling blocks: the coinbase, the Merkle root, and a nonce that meets the target.

use super::block::{Block, BlockHash, Header};
use super::encode::compact_size_len;
use super::grind::grind;
use super::script;
use super::tx::{Amount, OutPoint, Script, Transaction, TxIn, TxOut, SEQUENCE_FINAL};
use super::validate::{coinbase_height_prefix, BlockContext};

/// Block version with BIP 9 version bits, as today's miners signal.
pub const BLOCK_VERSION: i32 = 0x2000_0000;

/// A coinbase for `height` paying `value` to `payout`. `tag` follows the BIP 34 height
/// in the input script; miners put their identity and an extra nonce there, which also
/// keeps coinbases of different miners at one height distinct.
pub fn coinbase(height: u32, payout: Vec<u8>, value: Amount, tag: &[u8]) -> Transaction {
    let mut script_sig = coinbase_height_prefix(height);
    script::push_data(&mut script_sig, tag);
    if script_sig.len() < 2 {
        script_sig.push(0);
    }
    Transaction {
        version: 1,
        inputs: vec![TxIn {
            previous_output: OutPoint::NULL,
            script_sig,
            sequence: SEQUENCE_FINAL,
        }],
        outputs: vec![TxOut {
            value,
            script_pubkey: payout.into(),
        }],
        lock_time: 0,
    }
}

/// Grows `coinbase` by `bytes` with zero-filled `OP_RETURN` outputs: blocks of a
/// declared size whose bulk stands for transactions not simulated one by one (as
/// SimBlock's blocks are sizes only). Never by more; by up to 10 bytes less when what
/// is left is smaller than the smallest output (11 bytes). The growth counts the
/// output count's own compact size. Valid by consensus: unspendable outputs are never
/// executed, so the 10,000-byte script limit does not apply; each chunk stays under it.
pub fn pad_coinbase(coinbase: &mut Transaction, bytes: usize) {
    const CHUNK: usize = 9_000;
    let mut left = bytes;
    loop {
        let count = coinbase.outputs.len();
        // Growth of the output count's compact size when one more output is added.
        let count_growth = compact_size_len(count as u64 + 1) - compact_size_len(count as u64);
        let Some(data) = largest_data_within(left.saturating_sub(count_growth), CHUNK) else {
            return;
        };
        left -= output_size(data) + count_growth;
        coinbase.outputs.push(TxOut {
            value: Amount::ZERO,
            script_pubkey: zero_padding(data),
        });
    }
}

/// The `OP_RETURN` script of `data` zero bytes, one allocation per size for the whole
/// process: sized blocks of long runs would otherwise each hold their megabytes.
fn zero_padding(data: usize) -> Script {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static SCRIPTS: OnceLock<Mutex<HashMap<usize, Script>>> = OnceLock::new();
    let mut scripts = SCRIPTS
        .get_or_init(Default::default)
        .lock()
        .expect("not poisoned");
    scripts
        .entry(data)
        .or_insert_with(|| script::op_return(&vec![0u8; data]).into())
        .clone()
}

/// Serialized size of a padding output carrying `data` bytes: value, script length,
/// OP_RETURN and the push of the data.
fn output_size(data: usize) -> usize {
    let push = match data {
        0..=75 => 1,
        76..=255 => 2,
        _ => 3,
    };
    let script = 1 + push + data;
    8 + compact_size_len(script as u64) + script
}

/// The most data (at most `chunk`) whose padding output fits in `room` bytes and
/// leaves either nothing or room for another output (a remainder of 1 to 12 bytes
/// could never be filled: the smallest output is 11 bytes, and the output count's
/// compact size may grow by 2).
fn largest_data_within(room: usize, chunk: usize) -> Option<usize> {
    let smallest = output_size(0);
    if smallest > room {
        return None;
    }
    // output_size grows with data by at least one byte per byte: start from the
    // estimate and step down past the push and length-prefix steps.
    let mut data = room.saturating_sub(smallest).min(chunk);
    loop {
        let rest = room.checked_sub(output_size(data));
        match rest {
            Some(0) => return Some(data),
            Some(rest) if rest >= smallest + 2 => return Some(data),
            _ if data == 0 => return rest.map(|_| 0),
            _ => data -= 1,
        }
    }
}

/// A block on `parent` in context `ctx` holding `coinbase` then `txs`, with its Merkle
/// root computed and nonce 0. `time` is raised past the median time past if needed.
pub fn assemble(
    parent: BlockHash,
    ctx: &BlockContext,
    time: u32,
    coinbase: Transaction,
    txs: Vec<Transaction>,
) -> Block {
    let mut txdata = Vec::with_capacity(txs.len() + 1);
    txdata.push(coinbase);
    txdata.extend(txs);
    let mut block = Block {
        header: Header {
            version: BLOCK_VERSION,
            prev_blockhash: parent,
            merkle_root: Default::default(),
            time: time.max(ctx.median_time_past + 1),
            bits: ctx.expected_bits,
            nonce: 0,
        },
        txdata,
    };
    block.header.merkle_root = block.compute_merkle_root().0;
    block
}

/// Grinds the nonce until the header meets its own target, moving the time forward a
/// second whenever the nonce space is exhausted. Returns the hashes tried.
///
/// Panics if the header's bits do not encode a target; callers take bits from the
/// retarget rule, which only produces valid ones.
pub fn solve(block: &mut Block) -> u64 {
    solve_from(block, 0)
}

/// As [`solve`], trying nonces from `start` upward: a miner starting from a random
/// nonce needs a geometrically distributed number of tries, which is what
/// `pow: grind` turns into time.
pub fn solve_from(block: &mut Block, start: u32) -> u64 {
    let target = block
        .header
        .bits
        .to_target()
        .expect("bits from the retarget rule");
    let mut total = 0;
    let mut start = start;
    loop {
        match grind(&block.header, &target, start) {
            Some((nonce, tries)) => {
                block.header.nonce = nonce;
                return total + tries;
            }
            None => {
                total += (1u64 << 32) - u64::from(start);
                start = 0;
                block.header.time += 1;
            }
        }
    }
}

/// A genesis block whose coinbase pays `premine` (script, amount) outputs.
pub fn genesis(
    time: u32,
    bits: super::pow::CompactTarget,
    premine: Vec<TxOut>,
    tag: &[u8],
) -> Block {
    let mut cb = coinbase(0, script::op_return(tag), Amount::ZERO, tag);
    if !premine.is_empty() {
        cb.outputs = premine;
    }
    let ctx = BlockContext {
        height: 0,
        expected_bits: bits,
        median_time_past: 0,
        now: time,
    };
    let mut block = assemble(BlockHash::ZERO, &ctx, time, cb, Vec::new());
    solve(&mut block);
    block
}
