//! 32-byte hashes and the hash functions Bitcoin uses.

use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// A 32-byte hash stored in the order SHA-256 produces it (Bitcoin's "internal" order).
/// It is displayed byte-reversed, as Bitcoin Core and block explorers show txids and block hashes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash256(pub [u8; 32]);

impl Hash256 {
    pub const ZERO: Hash256 = Hash256([0u8; 32]);

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Hash256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0.iter().rev() {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Hash256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a hash is 64 hexadecimal digits (byte-reversed, as explorers show it); got {0:?}")]
pub struct ParseHashError(pub String);

impl FromStr for Hash256 {
    type Err = ParseHashError;
    /// Parses the displayed (byte-reversed) form.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(s, &mut bytes).map_err(|_| ParseHashError(s.to_string()))?;
        bytes.reverse();
        Ok(Hash256(bytes))
    }
}

impl serde::Serialize for Hash256 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The kinds of 32-byte hash a ledger names things by: distinct types, so that a
/// block hash can never be passed where a txid belongs (as rust-bitcoin does).
macro_rules! hash_kind {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub Hash256);

        impl $name {
            pub const ZERO: $name = $name(Hash256::ZERO);

            /// The hash itself, in SHA-256's byte order.
            pub fn as_hash(&self) -> &Hash256 {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = ParseHashError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.0.serialize(s)
            }
        }

        impl From<$name> for Hash256 {
            fn from(h: $name) -> Hash256 {
                h.0
            }
        }
    };
}

hash_kind!(
    /// A transaction's id: the double SHA-256 of its serialization.
    Txid
);
hash_kind!(
    /// A block's id: the double SHA-256 of its 80-byte header.
    BlockHash
);

/// SHA-256 applied twice: Bitcoin's hash for txids, block hashes and Merkle nodes.
pub fn sha256d(data: &[u8]) -> Hash256 {
    let first = Sha256::digest(data);
    Hash256(Sha256::digest(first).into())
}

/// RIPEMD-160 of SHA-256: the 20-byte public key hash that P2PKH outputs are locked to.
pub fn hash160(data: &[u8]) -> [u8; 20] {
    use ripemd::Ripemd160;
    Ripemd160::digest(Sha256::digest(data)).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_byte_reversed_and_round_trips() {
        let text = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
        let h: Hash256 = text.parse().unwrap();
        assert_eq!(h.0[31], 0x00);
        assert_eq!(h.0[0], 0x6f);
        assert_eq!(h.to_string(), text);
    }

    #[test]
    fn sha256d_of_empty_matches_known_value() {
        // sha256(sha256("")) = 5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456 (internal order)
        let h = sha256d(b"");
        assert_eq!(
            hex::encode(h.0),
            "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456"
        );
    }

    #[test]
    fn bad_hex_is_rejected() {
        assert!("xyz".parse::<Hash256>().is_err());
    }
}
