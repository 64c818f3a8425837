//! The progress bar of `chainlab run`: toward whichever stop comes first (blocks or
//! simulated time), with the simulated time, the height, events per second, elapsed
//! wall time and an estimate of what is left. Drawn only on a terminal.

use crate::app::RunProgress;
use indicatif::{ProgressBar, ProgressStyle};

/// Bar positions: the fraction done in thousandths.
const STEPS: u64 = 1000;

pub struct RunBar(ProgressBar);

impl RunBar {
    pub fn new() -> RunBar {
        let bar = ProgressBar::new(STEPS);
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{bar:30}] {percent:>3}% {msg}")
                .expect("static template")
                .progress_chars("=> "),
        );
        RunBar(bar)
    }

    pub fn show(&self, p: &RunProgress) {
        self.0.set_position((p.fraction * STEPS as f64) as u64);
        let eta = p.eta_s().map_or("?".into(), clock);
        self.0.set_message(format!(
            "t={:.0}s height {} | {:.1} M events/s | {} elapsed, ~{eta} left",
            p.sim_s,
            p.height,
            p.events as f64 / p.wall_s.max(1e-9) / 1e6,
            clock(p.wall_s),
        ));
    }

    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// Wall seconds as m:ss or h:mm:ss.
fn clock(s: f64) -> String {
    let s = s.max(0.0).round() as u64;
    match s {
        0..3600 => format!("{}:{:02}", s / 60, s % 60),
        _ => format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60),
    }
}

/// The progress bar of `chainlab sweep`: runs done of all, and each run in progress
/// with how far it is.
pub struct SweepBar(ProgressBar);

impl SweepBar {
    pub fn new() -> SweepBar {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} runs, {elapsed} {msg}")
                .expect("static template")
                .progress_chars("=> "),
        );
        SweepBar(bar)
    }

    pub fn show(&self, p: &crate::app::sweep::SweepProgress) {
        self.0.set_length(p.total as u64);
        self.0.set_position(p.done as u64);
        let running: Vec<String> = (p.running.iter())
            .map(|&(point, rep, f)| format!("point {point}.{rep} {:.0}%", f * 100.0))
            .collect();
        self.0.set_message(match running.is_empty() {
            true => String::new(),
            false => format!("| running {}", running.join(", ")),
        });
    }

    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}
