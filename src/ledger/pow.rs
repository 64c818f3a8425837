//! Proof of work: compact targets (nBits), 256-bit targets, work, and retargeting.

use super::hash::Hash256;
use ruint::aliases::{U256, U512};
use serde::Serialize;
use std::fmt;

/// The 32-bit "nBits" encoding of a target: one byte of exponent, three of mantissa.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct CompactTarget(pub u32);

impl fmt::Debug for CompactTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:08x}", self.0)
    }
}

impl fmt::Display for CompactTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CompactError {
    #[error("compact target 0x{0:08x} has the sign bit set")]
    Negative(u32),
    #[error("compact target 0x{0:08x} does not fit in 256 bits")]
    Overflow(u32),
    #[error("compact target 0x{0:08x} is zero")]
    Zero(u32),
}

/// A 256-bit target: a header is valid when its hash, read as a little-endian number,
/// is at most the target.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target(pub U256);

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({:064x})", self.0)
    }
}

/// Expected number of hashes to find a block at a target; summed along a chain it is
/// the "most work" of fork choice.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Work(pub U256);

impl CompactTarget {
    /// Bitcoin Core's `arith_uint256::SetCompact`, with its negative and overflow cases
    /// turned into errors (consensus rejects both).
    pub fn to_target(self) -> Result<Target, CompactError> {
        let size = self.0 >> 24;
        let mut word = self.0 & 0x007f_ffff;
        let value = if size <= 3 {
            word >>= 8 * (3 - size);
            U256::from(word)
        } else {
            if word != 0
                && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32))
            {
                return Err(CompactError::Overflow(self.0));
            }
            U256::from(word) << (8 * (size as usize - 3))
        };
        if word != 0 && self.0 & 0x0080_0000 != 0 {
            return Err(CompactError::Negative(self.0));
        }
        if value.is_zero() {
            return Err(CompactError::Zero(self.0));
        }
        Ok(Target(value))
    }

    /// The expected hashes per block at this target (the "difficulty" in hash units).
    pub fn work(self) -> Result<Work, CompactError> {
        Ok(self.to_target()?.work())
    }
}

impl Target {
    pub const MAX: Target = Target(U256::MAX);

    /// Bitcoin Core's `arith_uint256::GetCompact`: the nearest compact form at or below.
    pub fn to_compact(self) -> CompactTarget {
        let mut size = self.0.bit_len().div_ceil(8) as u32;
        let mut compact: u32 = if size <= 3 {
            (self.0.as_limbs()[0] << (8 * (3 - size))) as u32
        } else {
            (self.0 >> (8 * (size as usize - 3))).as_limbs()[0] as u32
        };
        if compact & 0x0080_0000 != 0 {
            compact >>= 8;
            size += 1;
        }
        CompactTarget(compact | (size << 24))
    }

    /// The target at which one hash in `expected_hashes` succeeds on average, the
    /// inverse of [`Target::work`]; used to scale simulated difficulty.
    pub fn from_expected_hashes(expected_hashes: u64) -> Target {
        // The target is floor(2^256 / h) - 1, so that 2^256 / (target + 1) floors to h.
        // 2^256 itself does not fit; h divides 2^256 exactly when (2^256 - 1) % h = h - 1.
        let h = U256::from(expected_hashes.max(1));
        let quotient = U256::MAX / h;
        let divides = U256::MAX % h == h - U256::from(1u8);
        Target(if divides {
            quotient
        } else {
            quotient - U256::from(1u8)
        })
    }

    /// Whether a block hash meets this target.
    pub fn is_met_by(&self, hash: &Hash256) -> bool {
        U256::from_le_bytes(hash.0) <= self.0
    }

    /// 2^256 / (target + 1), computed as Bitcoin Core's GetBlockProof does, without
    /// needing 2^256 itself: (~target / (target + 1)) + 1.
    pub fn work(&self) -> Work {
        if self.0 == U256::MAX {
            return Work(U256::from(1u8));
        }
        Work((!self.0 / (self.0 + U256::from(1u8))) + U256::from(1u8))
    }
}

impl Work {
    pub fn to_f64(self) -> f64 {
        f64::from(self.0)
    }
}

impl std::ops::Add for Work {
    type Output = Work;
    fn add(self, rhs: Work) -> Work {
        Work(self.0.saturating_add(rhs.0))
    }
}

/// The difficulty adjustment rule, with Bitcoin's values as the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetargetRule {
    /// Blocks between adjustments (Bitcoin: 2016). Zero disables retargeting.
    pub interval: u32,
    /// The time `interval` blocks should take, in seconds (Bitcoin: two weeks).
    pub timespan_s: u64,
    /// The measured timespan is clamped to [timespan / f, timespan * f] (Bitcoin: 4).
    pub clamp_factor: u32,
    /// The easiest target allowed (Bitcoin: 0x1d00ffff).
    pub pow_limit: Target,
}

impl RetargetRule {
    pub fn bitcoin() -> Self {
        RetargetRule {
            interval: 2016,
            timespan_s: 14 * 24 * 60 * 60,
            clamp_factor: 4,
            pow_limit: CompactTarget(0x1d00_ffff).to_target().expect("valid"),
        }
    }

    /// Whether the block at `height` starts a new difficulty period.
    pub fn is_retarget_height(&self, height: u32) -> bool {
        self.interval != 0 && height != 0 && height % self.interval == 0
    }

    /// Bitcoin Core's `CalculateNextWorkRequired`: `last_bits` and `last_time` are from
    /// the last block of the period, `first_time` from its first block (Bitcoin's
    /// off-by-one: the period's timespan is measured over interval − 1 block gaps).
    pub fn next_bits(
        &self,
        last_bits: CompactTarget,
        first_time: u32,
        last_time: u32,
    ) -> CompactTarget {
        let timespan = self.timespan_s as i64;
        let factor = i64::from(self.clamp_factor.max(1));
        let actual = (i64::from(last_time) - i64::from(first_time))
            .clamp(timespan / factor, timespan * factor);
        let old = last_bits.to_target().unwrap_or(self.pow_limit).0;
        // Widen to 512 bits: simulated targets are scaled up near 2^256, where the
        // product would overflow the 256 bits Bitcoin Core gets away with.
        let widened = U512::from_limbs_slice(old.as_limbs()) * U512::from(actual as u64)
            / U512::from(timespan as u64);
        let limit = U512::from_limbs_slice(self.pow_limit.0.as_limbs());
        let new = if widened > limit {
            self.pow_limit
        } else {
            Target(U256::from_limbs_slice(&widened.as_limbs()[..4]))
        };
        new.to_compact()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_round_trips_through_target() {
        for bits in [
            0x1d00_ffffu32,
            0x1b04_864c,
            0x1703_a30c,
            0x2007_ffff,
            0x0312_3456,
        ] {
            let target = CompactTarget(bits).to_target().unwrap();
            assert_eq!(target.to_compact(), CompactTarget(bits), "0x{bits:08x}");
        }
    }

    #[test]
    fn negative_overflowing_and_zero_compacts_are_errors() {
        assert_eq!(
            CompactTarget(0x0480_0001).to_target(),
            Err(CompactError::Negative(0x0480_0001))
        );
        assert_eq!(
            CompactTarget(0xff12_3456).to_target(),
            Err(CompactError::Overflow(0xff12_3456))
        );
        assert_eq!(
            CompactTarget(0x0000_0000).to_target(),
            Err(CompactError::Zero(0))
        );
    }

    #[test]
    fn work_of_difficulty_one_is_about_two_to_the_32() {
        let work = CompactTarget(0x1d00_ffff).work().unwrap();
        // 2^256 / (0xffff * 2^208 + 1) = 0x100010001
        assert_eq!(work.0, U256::from(0x1_0001_0001u64));
    }

    #[test]
    fn expected_hashes_inverts_work() {
        for h in [2u64, 1000, 4096, 1 << 20] {
            let work = Target::from_expected_hashes(h).work().0;
            assert_eq!(work, U256::from(h), "{h}");
        }
    }
}
