//! Message sizes on the wire, in one place: every protocol charges the sender's uplink
//! by these (Bitcoin's P2P encoding; a 24-byte message header is part of each).

/// An inv or getdata: message header, entry count, and 36 bytes per entry.
pub const fn inventory_bytes(entries: usize) -> usize {
    25 + 36 * entries
}

/// An inv or getdata naming one block.
pub const INV_BYTES: usize = inventory_bytes(1);

/// What a light node is sent instead of a block: one 80-byte header and its zero
/// transaction count.
pub const HEADER_BYTES: usize = 81;

/// A `headers` message announcing one block (BIP 130): message header, count, and the
/// header with its transaction count.
pub const HEADERS_ANNOUNCEMENT_BYTES: usize = 24 + 1 + HEADER_BYTES;

/// A merkleblock's fixed part: header, transaction count, flag bytes. Each hash of
/// the branch adds 32.
pub const MERKLEBLOCK_BYTES: usize = 80 + 4 + 4;

/// Each tx message's header.
pub const TX_MESSAGE_OVERHEAD: usize = 24;

/// A compact block (BIP 152): header, nonce and short-id count ...
pub const COMPACT_OVERHEAD: usize = 80 + 8 + 3;
/// ... 6 bytes per short transaction id ...
pub const SHORT_ID: usize = 6;
/// ... and the coinbase in full, up to this many bytes; beyond it a padded coinbase
/// (`mining.block_padding`) stands for transactions everyone holds, sent as short ids
/// of [`PADDED_TX`] bytes each.
pub const PLAIN_COINBASE: usize = 200;
pub const PADDED_TX: usize = 250;
/// getblocktxn: the block's hash and the missing indexes.
pub const GETBLOCKTXN_BYTES: usize = 64;
/// blocktxn: the block's hash before the transactions.
pub const BLOCKTXN_OVERHEAD: usize = 32;
