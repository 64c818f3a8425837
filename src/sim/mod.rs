//! The deterministic engine: integer time, an event queue ordered by (time, sequence),
//! and seeded random streams. It knows nothing about blockchains.

pub mod queue;
pub mod rng;

/// Simulated time in nanoseconds since the start of the run.
pub type SimTime = u64;
pub const NS_PER_MS: SimTime = 1_000_000;
pub const NS_PER_S: SimTime = 1_000_000_000;

pub fn to_secs(t: SimTime) -> f64 {
    t as f64 / NS_PER_S as f64
}

pub use queue::EventQueue;
