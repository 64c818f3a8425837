//! Bitcoin's consensus encoding: little-endian integers and compact-size lengths.

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq, Clone)]
pub enum DecodeError {
    #[error("unexpected end of data at byte {at}: needed {needed} more byte(s)")]
    UnexpectedEnd { at: usize, needed: usize },
    #[error("non-canonical compact-size integer at byte {at}")]
    NonCanonicalCompactSize { at: usize },
    #[error("length {len} at byte {at} exceeds the limit of {limit}")]
    TooLong { at: usize, len: u64, limit: u64 },
    #[error("{trailing} trailing byte(s) after the end of the object")]
    TrailingBytes { trailing: usize },
}

/// Objects with a consensus serialization.
pub trait Encodable {
    fn encode(&self, out: &mut Vec<u8>);

    fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }
}

pub trait Decodable: Sized {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError>;

    /// Decodes exactly one object: trailing bytes are an error, since a relayed
    /// message with extra bytes is malformed.
    fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let value = Self::decode(&mut r)?;
        if r.remaining() != 0 {
            return Err(DecodeError::TrailingBytes {
                trailing: r.remaining(),
            });
        }
        Ok(value)
    }
}

pub fn write_compact_size(out: &mut Vec<u8>, n: u64) {
    match n {
        0..=0xfc => out.push(n as u8),
        0xfd..=0xffff => {
            out.push(0xfd);
            out.extend_from_slice(&(n as u16).to_le_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(0xfe);
            out.extend_from_slice(&(n as u32).to_le_bytes());
        }
        _ => {
            out.push(0xff);
            out.extend_from_slice(&n.to_le_bytes());
        }
    }
}

pub fn compact_size_len(n: u64) -> usize {
    match n {
        0..=0xfc => 1,
        0xfd..=0xffff => 3,
        0x1_0000..=0xffff_ffff => 5,
        _ => 9,
    }
}

pub fn write_var_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    write_compact_size(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// A cursor over a byte slice that reports where decoding failed.
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

/// No single length field may claim more than a block's worth of bytes; this keeps a
/// malformed length from allocating gigabytes before the data runs out.
pub const MAX_DECODE_LEN: u64 = 32 * 1024 * 1024;

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if self.remaining() < n {
            return Err(DecodeError::UnexpectedEnd {
                at: self.pos,
                needed: n - self.remaining(),
            });
        }
        let slice = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(slice)
    }

    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        Ok(self.take(N)?.try_into().expect("length checked"))
    }

    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>()?[0])
    }
    pub fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    pub fn i32(&mut self) -> Result<i32, DecodeError> {
        Ok(i32::from_le_bytes(self.array()?))
    }
    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    pub fn compact_size(&mut self) -> Result<u64, DecodeError> {
        let at = self.pos;
        let (value, min) = match self.u8()? {
            0xfd => (self.u16()? as u64, 0xfd),
            0xfe => (self.u32()? as u64, 0x1_0000),
            0xff => (self.u64()?, 0x1_0000_0000),
            small => return Ok(small as u64),
        };
        if value < min {
            return Err(DecodeError::NonCanonicalCompactSize { at });
        }
        Ok(value)
    }

    /// A length prefix, checked against both the limit and the bytes actually present.
    pub fn length(&mut self) -> Result<usize, DecodeError> {
        let at = self.pos;
        let len = self.compact_size()?;
        if len > MAX_DECODE_LEN {
            return Err(DecodeError::TooLong {
                at,
                len,
                limit: MAX_DECODE_LEN,
            });
        }
        Ok(len as usize)
    }

    pub fn var_bytes(&mut self) -> Result<Vec<u8>, DecodeError> {
        let len = self.length()?;
        Ok(self.take(len)?.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_size_round_trips_at_each_width() {
        for n in [
            0u64,
            0xfc,
            0xfd,
            0xffff,
            0x1_0000,
            0xffff_ffff,
            0x1_0000_0000,
        ] {
            let mut out = Vec::new();
            write_compact_size(&mut out, n);
            assert_eq!(out.len(), compact_size_len(n));
            assert_eq!(Reader::new(&out).compact_size().unwrap(), n);
        }
    }

    #[test]
    fn non_canonical_compact_size_is_rejected() {
        let bytes = [0xfd, 0x10, 0x00];
        assert_eq!(
            Reader::new(&bytes).compact_size(),
            Err(DecodeError::NonCanonicalCompactSize { at: 0 })
        );
    }

    #[test]
    fn truncated_input_names_the_offset() {
        let bytes = [0x01, 0x02];
        let mut r = Reader::new(&bytes);
        assert_eq!(
            r.u32(),
            Err(DecodeError::UnexpectedEnd { at: 0, needed: 2 })
        );
    }
}
