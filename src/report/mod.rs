//! Turning a finished run into the results directory of the contract (DESIGN.md):
//! `scenario.resolved.yaml`, `summary.json` and the CSV files.

pub mod adversary;
pub mod attack_plots;
mod cdf;
pub mod chart;
pub mod cost;
pub mod eclipse;
mod eclipse_plot;
pub mod html;
pub mod interval_plot;
pub mod joins;
pub mod plots;
pub mod replay;
pub mod rows;
pub mod story;
mod story_events;
pub mod summary;
pub mod sweep_cost;
pub mod sweep_plots;
pub mod theory;
pub mod write;

pub use rows::results_of;
pub use summary::{summarize, Summary};
pub use write::write_results;
