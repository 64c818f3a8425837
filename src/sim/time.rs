//! Simulated time: whole nanoseconds since the run began. One type for a moment and
//! for the span between two, as Bitcoin Core's clocks do, so that `now + delay` reads
//! as it means; a type of its own, so that a count or a size is never taken for a time.

use std::fmt;
use std::ops::{Add, AddAssign, Mul, Sub};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(pub u64);

pub const NS_PER_MS: u64 = 1_000_000;
pub const NS_PER_S: u64 = 1_000_000_000;

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    pub const MAX: SimTime = SimTime(u64::MAX);

    pub const fn from_nanos(ns: u64) -> SimTime {
        SimTime(ns)
    }

    pub const fn from_secs(s: u64) -> SimTime {
        SimTime(s * NS_PER_S)
    }

    /// Seconds as a float, truncated to the nanosecond (how random delays drawn in
    /// seconds become times).
    pub fn from_secs_f64(s: f64) -> SimTime {
        SimTime((s * NS_PER_S as f64) as u64)
    }

    pub const fn nanos(self) -> u64 {
        self.0
    }

    pub fn secs(self) -> f64 {
        self.0 as f64 / NS_PER_S as f64
    }

    /// Whole seconds, rounded down (block timestamps).
    pub const fn whole_secs(self) -> u64 {
        self.0 / NS_PER_S
    }

    pub fn saturating_add(self, other: SimTime) -> SimTime {
        SimTime(self.0.saturating_add(other.0))
    }

    pub fn saturating_sub(self, other: SimTime) -> SimTime {
        SimTime(self.0.saturating_sub(other.0))
    }

    pub fn saturating_mul(self, n: u64) -> SimTime {
        SimTime(self.0.saturating_mul(n))
    }
}

impl fmt::Debug for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ns", self.0)
    }
}

impl Add for SimTime {
    type Output = SimTime;
    fn add(self, rhs: SimTime) -> SimTime {
        SimTime(self.0 + rhs.0)
    }
}

impl AddAssign for SimTime {
    fn add_assign(&mut self, rhs: SimTime) {
        self.0 += rhs.0;
    }
}

impl Sub for SimTime {
    type Output = SimTime;
    fn sub(self, rhs: SimTime) -> SimTime {
        SimTime(self.0 - rhs.0)
    }
}

/// A span repeated `n` times (per-transaction validation, per-hop delays).
impl Mul<u64> for SimTime {
    type Output = SimTime;
    fn mul(self, n: u64) -> SimTime {
        SimTime(self.0 * n)
    }
}

/// Seconds of simulated time, for results.
pub fn to_secs(t: SimTime) -> f64 {
    t.secs()
}
