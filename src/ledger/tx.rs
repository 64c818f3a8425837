//! Transactions as double-entry records: inputs spend (credit) earlier outputs,
//! outputs create (debit) new ones. Bitcoin's legacy (pre-segwit) serialization.

use super::encode::{
    write_compact_size, write_var_bytes, Decodable, DecodeError, Encodable, Reader,
};
pub use super::hash::Txid;
use super::hash::{sha256d, Hash256};
use serde::Serialize;
use std::fmt;

pub use super::amount::{Amount, COIN, MAX_MONEY};
/// `lock_time` values at or above this are Unix times, below it block heights.
pub const LOCKTIME_THRESHOLD: u32 = 500_000_000;
pub const SEQUENCE_FINAL: u32 = 0xffff_ffff;

/// A reference to one output of an earlier transaction.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize)]
pub struct OutPoint {
    pub txid: Txid,
    pub vout: u32,
}

impl OutPoint {
    /// What a coinbase input points at: nothing.
    pub const NULL: OutPoint = OutPoint {
        txid: Txid::ZERO,
        vout: u32::MAX,
    };

    pub fn new(txid: Txid, vout: u32) -> Self {
        OutPoint { txid, vout }
    }

    pub fn is_null(&self) -> bool {
        *self == Self::NULL
    }
}

impl fmt::Display for OutPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.txid, self.vout)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("an outpoint is TXID:INDEX (64 hex digits, a colon, an output number); got {0:?}")]
pub struct ParseOutPointError(pub String);

impl std::str::FromStr for OutPoint {
    type Err = ParseOutPointError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseOutPointError(s.to_string());
        let (txid, vout) = s.split_once(':').ok_or_else(err)?;
        Ok(OutPoint {
            txid: txid.parse().map_err(|_| err())?,
            vout: vout.parse().map_err(|_| err())?,
        })
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TxIn {
    pub previous_output: OutPoint,
    pub script_sig: Vec<u8>,
    pub sequence: u32,
}

/// An output script, shared rather than copied: outputs are cloned into the UTXO set,
/// wallets and templates, and the zero-filled padding of sized blocks is the same
/// script in every block (`builder::pad_coinbase` hands out one allocation per size).
pub type Script = std::sync::Arc<[u8]>;

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TxOut {
    pub value: Amount,
    pub script_pubkey: Script,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Transaction {
    pub version: i32,
    pub inputs: Vec<TxIn>,
    pub outputs: Vec<TxOut>,
    pub lock_time: u32,
}

impl Transaction {
    pub fn txid(&self) -> Txid {
        Txid(sha256d(&self.to_bytes()))
    }

    /// A coinbase has exactly one input, and it spends nothing.
    pub fn is_coinbase(&self) -> bool {
        self.inputs.len() == 1 && self.inputs[0].previous_output.is_null()
    }

    pub fn total_output(&self) -> Option<Amount> {
        self.outputs
            .iter()
            .try_fold(Amount::ZERO, |sum, out| sum.checked_add(out.value))
    }

    /// Serialized size in bytes, computed without serializing.
    pub fn size(&self) -> usize {
        let ins: usize = self
            .inputs
            .iter()
            .map(|i| 36 + var_len(i.script_sig.len()) + 4)
            .sum();
        let outs: usize = self
            .outputs
            .iter()
            .map(|o| 8 + var_len(o.script_pubkey.len()))
            .sum();
        4 + compact_len(self.inputs.len()) + ins + compact_len(self.outputs.len()) + outs + 4
    }

    /// Bitcoin's finality rule (IsFinalTx): a transaction with a lock time in the future
    /// may not be in a block unless every input opted out with a final sequence number.
    /// `block_time` is the median time past of the block's parent (BIP 113).
    pub fn is_final(&self, height: u32, block_time: u32) -> bool {
        if self.lock_time == 0 {
            return true;
        }
        let threshold = if self.lock_time < LOCKTIME_THRESHOLD {
            height
        } else {
            block_time
        };
        self.lock_time < threshold || self.inputs.iter().all(|i| i.sequence == SEQUENCE_FINAL)
    }

    /// The legacy SIGHASH_ALL digest for input `index`: the transaction with every input
    /// script emptied except this one, which carries the spent output's script, then
    /// the hash type. Written straight into one buffer to avoid cloning the transaction.
    pub fn signature_hash(&self, index: usize, spent_script: &[u8]) -> Hash256 {
        const SIGHASH_ALL: u32 = 1;
        self.signature_hash_with_type(index, spent_script, SIGHASH_ALL)
    }

    /// The legacy digest for any hash type that acts as SIGHASH_ALL (no NONE, SINGLE
    /// or ANYONECANPAY bits): the same serialization with `hash_type` appended as
    /// given, as Bitcoin Core's `SignatureHash` does. Checked against Core's vectors.
    pub fn signature_hash_with_type(
        &self,
        index: usize,
        spent_script: &[u8],
        hash_type: u32,
    ) -> Hash256 {
        let mut buf = Vec::with_capacity(self.size() + spent_script.len() + 4);
        buf.extend_from_slice(&self.version.to_le_bytes());
        write_compact_size(&mut buf, self.inputs.len() as u64);
        for (i, input) in self.inputs.iter().enumerate() {
            input.previous_output.encode(&mut buf);
            write_var_bytes(&mut buf, if i == index { spent_script } else { &[] });
            buf.extend_from_slice(&input.sequence.to_le_bytes());
        }
        write_compact_size(&mut buf, self.outputs.len() as u64);
        for out in &self.outputs {
            out.encode(&mut buf);
        }
        buf.extend_from_slice(&self.lock_time.to_le_bytes());
        buf.extend_from_slice(&hash_type.to_le_bytes());
        sha256d(&buf)
    }
}

fn compact_len(n: usize) -> usize {
    super::encode::compact_size_len(n as u64)
}

fn var_len(n: usize) -> usize {
    compact_len(n) + n
}

impl Encodable for OutPoint {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.txid.0 .0);
        out.extend_from_slice(&self.vout.to_le_bytes());
    }
}

impl Decodable for OutPoint {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(OutPoint {
            txid: Txid(Hash256(r.array()?)),
            vout: r.u32()?,
        })
    }
}

impl Encodable for TxOut {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.value.0.to_le_bytes());
        write_var_bytes(out, &self.script_pubkey);
    }
}

impl Encodable for Transaction {
    fn encode(&self, out: &mut Vec<u8>) {
        out.reserve(self.size());
        out.extend_from_slice(&self.version.to_le_bytes());
        write_compact_size(out, self.inputs.len() as u64);
        for input in &self.inputs {
            input.previous_output.encode(out);
            write_var_bytes(out, &input.script_sig);
            out.extend_from_slice(&input.sequence.to_le_bytes());
        }
        write_compact_size(out, self.outputs.len() as u64);
        for output in &self.outputs {
            output.encode(out);
        }
        out.extend_from_slice(&self.lock_time.to_le_bytes());
    }
}

impl Decodable for Transaction {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let version = r.i32()?;
        let n_in = r.length()?;
        let mut inputs = Vec::with_capacity(n_in.min(r.remaining() / 41));
        for _ in 0..n_in {
            inputs.push(TxIn {
                previous_output: OutPoint::decode(r)?,
                script_sig: r.var_bytes()?,
                sequence: r.u32()?,
            });
        }
        let n_out = r.length()?;
        let mut outputs = Vec::with_capacity(n_out.min(r.remaining() / 9));
        for _ in 0..n_out {
            outputs.push(TxOut {
                value: Amount(r.u64()?),
                script_pubkey: r.var_bytes()?.into(),
            });
        }
        Ok(Transaction {
            version,
            inputs,
            outputs,
            lock_time: r.u32()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Transaction {
        Transaction {
            version: 1,
            inputs: vec![TxIn {
                previous_output: OutPoint::new(Txid(sha256d(b"prev")), 3),
                script_sig: vec![1, 2, 3],
                sequence: SEQUENCE_FINAL,
            }],
            outputs: vec![TxOut {
                value: 5 * COIN,
                script_pubkey: vec![0xac; 25].into(),
            }],
            lock_time: 0,
        }
    }

    #[test]
    fn size_matches_serialization_and_decoding_round_trips() {
        let tx = sample();
        let bytes = tx.to_bytes();
        assert_eq!(bytes.len(), tx.size());
        assert_eq!(Transaction::from_bytes(&bytes).unwrap(), tx);
    }

    #[test]
    fn truncated_or_padded_transactions_are_rejected() {
        let bytes = sample().to_bytes();
        assert!(Transaction::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        let mut padded = bytes.clone();
        padded.push(0);
        assert_eq!(
            Transaction::from_bytes(&padded),
            Err(DecodeError::TrailingBytes { trailing: 1 })
        );
    }

    #[test]
    fn finality_follows_lock_time_kind_and_sequences() {
        let mut tx = sample();
        tx.inputs[0].sequence = 0;
        tx.lock_time = 100;
        assert!(
            !tx.is_final(100, 0),
            "height lock must be strictly below the height"
        );
        assert!(tx.is_final(101, 0));
        tx.lock_time = LOCKTIME_THRESHOLD + 10;
        assert!(!tx.is_final(1_000_000, LOCKTIME_THRESHOLD + 10));
        assert!(tx.is_final(0, LOCKTIME_THRESHOLD + 11));
        tx.inputs[0].sequence = SEQUENCE_FINAL;
        assert!(tx.is_final(0, 0), "final sequences disable the lock");
    }

    #[test]
    fn outpoint_parses_its_display_form() {
        let op = OutPoint::new(Txid(sha256d(b"x")), 7);
        assert_eq!(op.to_string().parse::<OutPoint>().unwrap(), op);
        assert!("nonsense".parse::<OutPoint>().is_err());
    }
}
