//! The application: what the command line and the Python package both do — load a
//! scenario, run it into a results directory, sweep a grid, merge shards, redraw,
//! explain and inspect a results directory. Front ends only parse their arguments,
//! show progress and print; nothing here prints.

pub mod inspect;
pub mod lab;
pub mod sweep;

use crate::node::Network;
use crate::report::{self, summary::Perf, Summary};
use crate::results::RunResults;
use crate::scenario::Scenario;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Why an action failed: bad input (exit 2: a scenario, a flag, a results directory,
/// a path chainlab will not write to), an interrupt (exit 130), or chainlab's own
/// fault (exit 1).
#[derive(Debug)]
pub enum Error {
    BadInput(String),
    Interrupted,
    Internal(anyhow::Error),
    /// Standard output could not be written (a full disk, a closed pipe).
    Unwritable(std::io::Error),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::BadInput(m) => f.write_str(m),
            Error::Interrupted => {
                f.write_str("interrupted; results of unfinished runs were not written")
            }
            Error::Internal(e) => write!(f, "internal error: {e:#}"),
            Error::Unwritable(e) => write!(f, "cannot write to standard output: {e}"),
        }
    }
}

impl From<anyhow::Error> for Error {
    /// A refused output path is the user's to fix; anything else writing results is ours.
    fn from(e: anyhow::Error) -> Self {
        match e.downcast::<crate::results::OutputError>() {
            Ok(refused) => Error::BadInput(refused.0),
            Err(e) => Error::Internal(e),
        }
    }
}

impl From<crate::scenario::ScenarioError> for Error {
    fn from(e: crate::scenario::ScenarioError) -> Self {
        Error::BadInput(e.0)
    }
}

impl From<crate::results::OutputError> for Error {
    fn from(e: crate::results::OutputError) -> Self {
        Error::BadInput(e.0)
    }
}

/// Where a run is, reported every 100,000 events.
#[derive(Clone, Copy, Debug)]
pub struct RunProgress {
    pub sim_s: f64,
    pub height: u32,
    pub events: u64,
    pub wall_s: f64,
    /// Of the way to whichever stop comes first (blocks or simulated time), 0 to 1.
    pub fraction: f64,
}

impl RunProgress {
    /// Wall seconds left at the pace so far, once there is a pace to go by.
    pub fn eta_s(&self) -> Option<f64> {
        (self.fraction > 0.0).then(|| self.wall_s * (1.0 - self.fraction) / self.fraction)
    }
}

/// Fraction of the run done: the stop that is nearer decides.
fn fraction_done(sc: &Scenario, sim_s: f64, height: u32) -> f64 {
    let by_blocks = sc
        .stop
        .blocks
        .map(|b| f64::from(height) / f64::from(b.max(1)));
    let by_time = sc.stop.time.map(|t| sim_s / t.secs().max(1e-9));
    let f = match (by_blocks, by_time) {
        (Some(a), Some(b)) => a.max(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => 0.0,
    };
    f.clamp(0.0, 1.0)
}

/// What a finished run hands back: its summary and the warnings a user should see.
pub struct RunDone {
    pub summary: Summary,
    pub warnings: Vec<String>,
}

/// Runs `sc` and writes its results directory `dir`. The target is checked first
/// (refused before the run, not after minutes of it); `trace` also writes trace.csv.
/// Once `interrupt` is set the run stops and nothing is written.
/// What a run writes besides its summary.
#[derive(Clone, Copy, Debug, Default)]
pub struct Outputs {
    /// trace.csv: every event.
    pub trace: bool,
    /// Only scenario.resolved.yaml, summary.json and record.json: no tables, chain,
    /// plots or report (sweeps that need the figures only).
    pub lean: bool,
    /// Plots without titles (`--no-titles`), for a paper's own captions.
    pub no_titles: bool,
}

impl Outputs {
    pub fn plot_style(&self) -> report::plots::PlotStyle {
        report::plots::PlotStyle {
            titles: !self.no_titles,
        }
    }
}

/// chain.dat is refused above this many bytes without `--lean`.
pub const MAX_CHAIN_FILE: f64 = 16e9;

pub fn run(
    sc: &Scenario,
    dir: &Path,
    outputs: Outputs,
    interrupt: &AtomicBool,
    mut progress: impl FnMut(&RunProgress),
) -> Result<RunDone, Error> {
    let chain = sc.estimated_chain_bytes();
    if !outputs.lean && chain > MAX_CHAIN_FILE {
        return Err(Error::BadInput(format!(
            "{}: chain.dat would hold about {:.0} GB (blocks × mining.block_padding); at most {:.0} GB are written. Add --lean to keep the figures only",
            sc.name,
            chain / 1e9,
            MAX_CHAIN_FILE / 1e9
        )));
    }
    // Staged before the run: a path that cannot be written is refused now, not after
    // minutes of simulation. Dropped unfinished (an error, an interrupt), it is removed.
    let staging = crate::results::Staging::begin(dir)?;
    let started = std::time::Instant::now();
    let plan = crate::scenario::compile::compile(sc).map_err(Error::BadInput)?;
    let mut network = Network::new(plan);
    if outputs.trace {
        network = network.with_trace();
    }
    let mut reports = 0u64;
    let output = network.run(Some(interrupt), |sim_s, height| {
        // The engine reports every REPORT_EVERY events.
        reports += 1;
        progress(&RunProgress {
            sim_s,
            height,
            events: reports * crate::sim::engine::REPORT_EVERY,
            wall_s: started.elapsed().as_secs_f64(),
            fraction: fraction_done(sc, sim_s, height),
        });
    });
    if output.interrupted || interrupt.load(Ordering::Relaxed) {
        return Err(Error::Interrupted);
    }
    let mut warnings = Vec::new();
    if output.time_capped {
        warnings.push(format!(
            "{} reached ten times its expected length ({} blocks at {} each) before stop.blocks, and stopped there; nothing could mine for most of it",
            sc.name,
            sc.stop.blocks.unwrap_or(0),
            sc.consensus.block_interval
        ));
    }
    let mut results = report::results_of(sc, &output);
    let wall_s = started.elapsed().as_secs_f64();
    results.summary.perf = Some(Perf {
        events: output.events,
        wall_s,
        events_per_s: output.events as f64 / wall_s.max(1e-9),
        peak_rss_bytes: peak_rss_bytes(),
    });
    if outputs.lean {
        report::write::write_lean(staging.path(), &results)?;
    } else {
        report::write::write_all(staging.path(), &results, &output, outputs.plot_style())?;
    }
    // Ctrl-C while the files were being written: they are not put in place.
    if interrupt.load(Ordering::Relaxed) {
        return Err(Error::Interrupted);
    }
    staging.commit()?;
    Ok(RunDone {
        summary: results.summary,
        warnings,
    })
}

/// The default results directory of a scenario: `results/<name>`.
pub fn default_out(sc: &Scenario) -> std::path::PathBuf {
    Path::new("results").join(&sc.name)
}

/// Redraws the plots (and report.html) of a run's directory, or a sweep's plots.
pub fn replot(dir: &Path, style: report::plots::PlotStyle) -> Result<(), Error> {
    crate::results::outdir::require_ours(dir)?;
    if dir.join("sweep.csv").is_file() {
        let record = crate::results::record::Record::verify(dir, &["sweep.csv"], &[])
            .map_err(Error::BadInput)?;
        report::sweep_plots::draw_sweep_plots(dir, style)?;
        return record.seal(dir).map_err(|e| Error::Internal(e.into()));
    }
    let run = RunResults::read(dir).map_err(Error::BadInput)?;
    let record = crate::results::record::Record::read(dir).map_err(Error::BadInput)?;
    report::plots::draw_plots(dir, &run, style)?;
    report::html::write_report(dir, &run)?;
    // The pictures are chainlab's again: listed with their new hashes.
    record.seal(dir).map_err(|e| Error::Internal(e.into()))
}

/// The run in sentences, the first `limit` blocks one by one.
pub fn explain(dir: &Path, limit: usize) -> Result<Vec<String>, Error> {
    let run = RunResults::read(dir).map_err(Error::BadInput)?;
    Ok(report::story::tell(&run, limit))
}

/// High-water mark of resident memory, from /proc on Linux; 0 where unavailable.
pub fn peak_rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}
