//! Results directories: where a run's or a sweep's files go, and the rule that
//! chainlab replaces only what it wrote (`outdir`).

pub mod outdir;
pub mod read;

pub use outdir::{check_target, OutputError, Staging};
