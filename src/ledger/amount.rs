//! Money: an amount of satoshis (1 coin = 100,000,000), a type of its own so that a
//! count, a size or a fee rate cannot be added to it by mistake. Sums that could wrap
//! use the checked forms; the plain operators are for values already bounded by
//! MAX_MONEY (validation bounds every amount it accepts).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, Mul, Sub, SubAssign};

#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Debug, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Amount(pub u64);

pub const COIN: Amount = Amount(100_000_000);
/// Bitcoin's cap on any amount: 21 million coins.
pub const MAX_MONEY: Amount = Amount(21_000_000 * COIN.0);

impl Amount {
    pub const ZERO: Amount = Amount(0);
    pub const MAX: Amount = Amount(u64::MAX);

    pub const fn from_sat(sat: u64) -> Amount {
        Amount(sat)
    }

    pub const fn to_sat(self) -> u64 {
        self.0
    }

    /// `coins` coins, rounded to the satoshi (a scenario's coin amounts are decimals).
    pub fn from_coins(coins: f64) -> Amount {
        Amount((coins * COIN.0 as f64).round() as u64)
    }

    pub fn to_coins(self) -> f64 {
        self.0 as f64 / COIN.0 as f64
    }

    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }

    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        self.0.checked_sub(other.0).map(Amount)
    }

    pub fn saturating_add(self, other: Amount) -> Amount {
        Amount(self.0.saturating_add(other.0))
    }

    pub fn saturating_sub(self, other: Amount) -> Amount {
        Amount(self.0.saturating_sub(other.0))
    }

    pub fn saturating_mul(self, n: u64) -> Amount {
        Amount(self.0.saturating_mul(n))
    }
}

/// Satoshis as a plain number, made an amount explicitly.
impl From<u64> for Amount {
    fn from(sat: u64) -> Amount {
        Amount(sat)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The operators never wrap, in any build: consensus keeps every amount within
/// MoneyRange, so an amount past 2^64 − 1 satoshis is a bug to stop at, not a number to
/// report. Totals that may legitimately pass it (revenue over a long run) are summed in
/// u128 by their callers.
const OVERFLOW: &str = "an amount overflowed 2^64 − 1 satoshis";

impl Add for Amount {
    type Output = Amount;
    fn add(self, rhs: Amount) -> Amount {
        Amount(self.0.checked_add(rhs.0).expect(OVERFLOW))
    }
}

impl AddAssign for Amount {
    fn add_assign(&mut self, rhs: Amount) {
        *self = *self + rhs;
    }
}

impl Sub for Amount {
    type Output = Amount;
    fn sub(self, rhs: Amount) -> Amount {
        Amount(self.0.checked_sub(rhs.0).expect(OVERFLOW))
    }
}

impl SubAssign for Amount {
    fn sub_assign(&mut self, rhs: Amount) {
        *self = *self - rhs;
    }
}

/// A number of coins (`10 * COIN`) or of anything priced per unit.
impl Mul<Amount> for u64 {
    type Output = Amount;
    fn mul(self, rhs: Amount) -> Amount {
        Amount(self.checked_mul(rhs.0).expect(OVERFLOW))
    }
}

impl Mul<u64> for Amount {
    type Output = Amount;
    fn mul(self, rhs: u64) -> Amount {
        Amount(self.0.checked_mul(rhs).expect(OVERFLOW))
    }
}

impl Div<u64> for Amount {
    type Output = Amount;
    fn div(self, rhs: u64) -> Amount {
        Amount(self.0 / rhs)
    }
}

impl Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(iter: I) -> Amount {
        iter.fold(Amount::ZERO, |a, b| a + b)
    }
}

impl<'a> Sum<&'a Amount> for Amount {
    fn sum<I: Iterator<Item = &'a Amount>>(iter: I) -> Amount {
        iter.copied().sum()
    }
}

/// A fee rate in satoshis per byte.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Debug)]
pub struct FeeRate(pub u64);

impl From<u64> for FeeRate {
    fn from(sat_per_byte: u64) -> FeeRate {
        FeeRate(sat_per_byte)
    }
}

impl FeeRate {
    /// What `bytes` bytes cost at this rate.
    pub fn fee(self, bytes: usize) -> Amount {
        Amount(self.0 * bytes as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_convert_and_count_in_satoshis() {
        assert_eq!(COIN.to_sat(), 100_000_000);
        assert_eq!(Amount::from_sat(7).to_sat(), 7);
        assert_eq!(Amount::from(546u64), Amount(546));
        assert_eq!(Amount::from_coins(1.5), Amount(150_000_000));
        assert_eq!(Amount::from_coins(0.000_000_01), Amount(1), "one satoshi");
        assert_eq!(Amount(250_000_000).to_coins(), 2.5);
        assert_eq!(MAX_MONEY.to_coins(), 21e6);
        assert_eq!(Amount(42).to_string(), "42");
    }

    #[test]
    fn arithmetic_checks_saturates_and_multiplies_exactly() {
        let (a, b) = (Amount(10), Amount(3));
        assert_eq!(
            (a + b, a - b, a * 4, 4 * a, a / 4),
            (Amount(13), Amount(7), Amount(40), Amount(40), Amount(2))
        );
        assert_eq!(a.checked_sub(b), Some(Amount(7)));
        assert_eq!(b.checked_sub(a), None);
        assert_eq!(a.checked_add(b), Some(Amount(13)));
        assert_eq!(Amount::MAX.checked_add(b), None);
        assert_eq!(Amount::MAX.saturating_add(b), Amount::MAX);
        assert_eq!(a.saturating_add(b), Amount(13));
        assert_eq!(b.saturating_sub(a), Amount::ZERO);
        assert_eq!(a.saturating_mul(3), Amount(30));
        assert_eq!(Amount::MAX.saturating_mul(2), Amount::MAX);
        let mut c = a;
        c += b;
        c -= Amount(1);
        assert_eq!(c, Amount(12));
        assert_eq!([a, b].iter().sum::<Amount>(), Amount(13));
        assert_eq!(FeeRate(3).fee(227), Amount(681));
        assert_eq!(FeeRate::from(2), FeeRate(2));
    }
}
