//! Results directories: where a run's or a sweep's files go, the rule that chainlab
//! replaces only what it wrote (`outdir`), and the contract's files — `summary.json`
//! (`summary`) and the CSV tables (`tables`), written and read back by column name —
//! gathered as one run's [`RunResults`].

pub mod outdir;
mod own_file;
pub mod read;
pub mod record;
pub mod run;
mod secs_text;
pub mod summary;
pub mod tables;

pub use outdir::{check_target, OutputError, Staging};
pub use run::RunResults;
pub use summary::Summary;
