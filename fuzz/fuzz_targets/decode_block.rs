//! Block and header decoding: canonical round trips, and the context-free block rules
//! (proof of work, Merkle root, structure) and genesis rules never panic.
#![no_main]
use chainlab::ledger::encode::{Decodable, Encodable};
use chainlab::ledger::{Block, ConsensusParams, Header};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(header) = Header::from_bytes(data.get(..80).unwrap_or(data)) {
        assert_eq!(header.to_array().as_slice(), &data[..80]);
        let _ = header.bits.to_target().map(|t| (t.work(), t.to_compact()));
    }
    if let Ok(block) = Block::from_bytes(data) {
        assert_eq!(block.to_bytes(), data, "decoding is canonical");
        assert_eq!(block.size(), data.len());
        let _ = chainlab::ledger::validate::check_block(&block, &ConsensusParams::bitcoin());
        let _ = chainlab::ledger::validate::check_genesis(&block);
    }
});
