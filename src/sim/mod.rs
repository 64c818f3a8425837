//! The deterministic engine: integer time (`time`), an event queue ordered by (time,
//! sequence) (`queue`), seeded random streams derived per purpose and index (`rng`),
//! and the run loop with its stop conditions (`engine`). It knows nothing about
//! blockchains.

pub mod engine;
pub mod prefetch;
pub mod queue;
pub mod rng;
pub mod time;

pub use engine::{Model, Progress};
pub use queue::EventQueue;
pub use time::{to_secs, SimTime, NS_PER_MS, NS_PER_S};
