//! Blocks and their 80-byte headers, in Bitcoin's layout.

use super::encode::{write_compact_size, Decodable, DecodeError, Encodable, Reader};
pub use super::hash::BlockHash;
use super::hash::{sha256d, Hash256};
use super::merkle::merkle_root_checked;
use super::pow::CompactTarget;
use super::tx::{Transaction, Txid};

pub const HEADER_SIZE: usize = 80;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Header {
    pub version: i32,
    pub prev_blockhash: BlockHash,
    pub merkle_root: Hash256,
    /// Seconds since the Unix epoch.
    pub time: u32,
    pub bits: CompactTarget,
    pub nonce: u32,
}

impl Header {
    pub fn to_array(&self) -> [u8; HEADER_SIZE] {
        let mut out = [0u8; HEADER_SIZE];
        out[0..4].copy_from_slice(&self.version.to_le_bytes());
        out[4..36].copy_from_slice(&self.prev_blockhash.0 .0);
        out[36..68].copy_from_slice(&self.merkle_root.0);
        out[68..72].copy_from_slice(&self.time.to_le_bytes());
        out[72..76].copy_from_slice(&self.bits.0.to_le_bytes());
        out[76..80].copy_from_slice(&self.nonce.to_le_bytes());
        out
    }

    pub fn block_hash(&self) -> BlockHash {
        BlockHash(sha256d(&self.to_array()))
    }
}

impl Encodable for Header {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_array());
    }
}

impl Decodable for Header {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Header {
            version: r.i32()?,
            prev_blockhash: BlockHash(Hash256(r.array()?)),
            merkle_root: Hash256(r.array()?),
            time: r.u32()?,
            bits: CompactTarget(r.u32()?),
            nonce: r.u32()?,
        })
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Block {
    pub header: Header,
    pub txdata: Vec<Transaction>,
}

impl Block {
    pub fn block_hash(&self) -> BlockHash {
        self.header.block_hash()
    }

    pub fn txids(&self) -> Vec<Txid> {
        self.txdata.iter().map(Transaction::txid).collect()
    }

    /// The Merkle root of the transactions and whether the list is mutated (see
    /// [`merkle_root_checked`]).
    pub fn compute_merkle_root(&self) -> (Hash256, bool) {
        merkle_root_checked(&self.txids())
    }

    /// Serialized size in bytes.
    pub fn size(&self) -> usize {
        HEADER_SIZE
            + super::encode::compact_size_len(self.txdata.len() as u64)
            + self.txdata.iter().map(Transaction::size).sum::<usize>()
    }
}

impl Encodable for Block {
    fn encode(&self, out: &mut Vec<u8>) {
        out.reserve(self.size());
        self.header.encode(out);
        write_compact_size(out, self.txdata.len() as u64);
        for tx in &self.txdata {
            tx.encode(out);
        }
    }
}

impl Decodable for Block {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let header = Header::decode(r)?;
        let n = r.length()?;
        let mut txdata = Vec::with_capacity(n.min(r.remaining() / 60));
        for _ in 0..n {
            txdata.push(Transaction::decode(r)?);
        }
        Ok(Block { header, txdata })
    }
}
