//! Nonce grinding that hashes the header's first 64 bytes once (the SHA-256 midstate)
//! and then only the 16-byte tail and the second SHA-256 per attempt: two compression
//! calls per header instead of three, and no allocation.

// sha2 0.10's block type is generic-array 0.14, which its last release marks deprecated;
// the type is still what `compress256` takes, so the warning is not ours to fix.
#![allow(deprecated)]

use super::block::Header;
use super::hash::Hash256;
use super::pow::Target;
use sha2::compress256;
use sha2::digest::generic_array::GenericArray;

const SHA256_IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// A header whose first 64 bytes are fixed, ready to hash with any nonce.
pub struct HeaderHasher {
    midstate: [u32; 8],
    tail: [u8; 64],
}

impl HeaderHasher {
    pub fn new(header: &Header) -> Self {
        let bytes = header.to_array();
        let mut midstate = SHA256_IV;
        compress256(&mut midstate, &[*GenericArray::from_slice(&bytes[..64])]);
        let mut tail = [0u8; 64];
        tail[..16].copy_from_slice(&bytes[64..80]);
        tail[16] = 0x80;
        tail[56..].copy_from_slice(&(80u64 * 8).to_be_bytes());
        HeaderHasher { midstate, tail }
    }

    /// The block hash with `nonce` in place of the header's nonce.
    #[inline]
    pub fn hash_with_nonce(&mut self, nonce: u32) -> Hash256 {
        self.tail[12..16].copy_from_slice(&nonce.to_le_bytes());
        let mut first = self.midstate;
        compress256(&mut first, &[*GenericArray::from_slice(&self.tail)]);

        let mut second_block = [0u8; 64];
        for (chunk, word) in second_block[..32].chunks_exact_mut(4).zip(first) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        second_block[32] = 0x80;
        second_block[56..].copy_from_slice(&(32u64 * 8).to_be_bytes());
        let mut second = SHA256_IV;
        compress256(&mut second, &[*GenericArray::from_slice(&second_block)]);

        let mut out = [0u8; 32];
        for (chunk, word) in out.chunks_exact_mut(4).zip(second) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        Hash256(out)
    }
}

/// Tries nonces from `start` upward; returns the first that meets `target` and how
/// many hashes that took, or `None` when the 32-bit nonce space runs out (the caller
/// then changes the time or the coinbase, as real miners do).
pub fn grind(header: &Header, target: &Target, start: u32) -> Option<(u32, u64)> {
    let mut hasher = HeaderHasher::new(header);
    let mut tries = 0u64;
    let mut nonce = start;
    loop {
        tries += 1;
        if target.is_met_by(&hasher.hash_with_nonce(nonce)) {
            return Some((nonce, tries));
        }
        nonce = nonce.checked_add(1)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::pow::CompactTarget;

    #[test]
    fn midstate_hash_equals_plain_double_sha() {
        let header = Header {
            version: 0x2000_0000,
            prev_blockhash: crate::ledger::BlockHash(crate::ledger::hash::sha256d(b"parent")),
            merkle_root: crate::ledger::hash::sha256d(b"root"),
            time: 1_700_000_000,
            bits: CompactTarget(0x207f_ffff),
            nonce: 0,
        };
        let mut hasher = HeaderHasher::new(&header);
        for nonce in [0u32, 1, 0xdead_beef, u32::MAX] {
            let mut h = header;
            h.nonce = nonce;
            assert_eq!(hasher.hash_with_nonce(nonce), h.block_hash().0);
        }
    }

    #[test]
    fn grinding_finds_a_nonce_that_meets_the_target() {
        let mut header = Header {
            version: 1,
            prev_blockhash: crate::ledger::BlockHash::ZERO,
            merkle_root: crate::ledger::hash::sha256d(b"x"),
            time: 1,
            bits: CompactTarget(0),
            nonce: 0,
        };
        let target = Target::from_expected_hashes(256);
        header.bits = target.to_compact();
        let (nonce, tries) = grind(&header, &header.bits.to_target().unwrap(), 0).unwrap();
        header.nonce = nonce;
        assert!(header
            .bits
            .to_target()
            .unwrap()
            .is_met_by(header.block_hash().as_hash()));
        assert_eq!(tries, u64::from(nonce) + 1);
    }
}
