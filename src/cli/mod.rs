//! The command line: parses, calls the layers below, prints. Exit codes: 0 ok, 2 bad
//! input, 1 internal error.

use crate::node::Network;
use crate::report::{self, summary::Perf};
use crate::scenario::Scenario;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

mod bench;
mod inspect;
mod plot;
mod sweep;

#[derive(Parser)]
#[command(
    name = "chainlab",
    version,
    about = "Deterministic simulator of proof-of-work UTXO blockchains",
    long_about = "chainlab runs thousands of virtual nodes and miners on real ledger code \
(transactions, UTXO, Merkle trees, double-SHA-256 proof of work) over a simulated network, \
and measures throughput, confirmation time, block propagation and forks.\n\n\
Start with:  chainlab run scenarios/quickstart.yaml"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and write its results directory.
    ///
    /// Same scenario and seed give byte-identical results (except the `perf` block of
    /// summary.json, which measures this machine).
    Run {
        /// The scenario file (YAML); see docs/scenario.md.
        scenario: PathBuf,
        /// Override the scenario's seed.
        #[arg(long)]
        seed: Option<u64>,
        /// Results directory (default: results/<scenario name>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override any key, e.g. --set network.nodes=500 --set consensus.block_interval=2m
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
        /// Also write trace.csv: every event (time, node, kind, block, detail), for
        /// teaching and debugging. Large for large runs.
        #[arg(long)]
        trace: bool,
    },
    /// Run every point of the scenario's `sweep:` grid, in parallel, and write sweep.csv.
    ///
    /// Each point is a complete run in OUT/point-NNNN/; sweep.csv has one row per point:
    /// the varied parameters, then the summary figures. With --shard I/N only points
    /// whose index is I modulo N run, and the table goes to sweep.shard-I-of-N.csv for
    /// `chainlab merge` (docs/cluster.md).
    Sweep {
        scenario: PathBuf,
        /// Parallel runs (default: all cores).
        #[arg(long)]
        jobs: Option<usize>,
        /// Run only shard I of N (0-based), e.g. --shard 0/4.
        #[arg(long)]
        shard: Option<String>,
        /// Output directory (default: results/<scenario name>).
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
    },
    /// Join the shard tables of a sweep into one sweep.csv (written to the first DIR).
    Merge {
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
    },
    /// Look into a results directory: the fork tree, a block, a transaction, or a coin's
    /// provenance back to the coinbases it came from. The chain is reloaded from
    /// chain.dat and every block re-validated.
    Inspect {
        dir: PathBuf,
        /// A main-chain height or a block hash.
        #[arg(long)]
        block: Option<String>,
        /// A transaction id.
        #[arg(long)]
        tx: Option<String>,
        /// An output as TXID:INDEX.
        #[arg(long)]
        provenance: Option<String>,
        /// Also draw the fork tree as SVG to this file (runs of up to 400 blocks).
        #[arg(long, value_name = "FILE")]
        svg: Option<PathBuf>,
    },
    /// Tell a run in plain sentences: who found each block, on top of which, how fast
    /// it spread, which forks arose and which blocks ended stale, then the outcome.
    Explain {
        dir: PathBuf,
        /// How many blocks to narrate.
        #[arg(long, default_value_t = 40)]
        limit: usize,
    },
    /// Redraw the plots of a results directory (a run's, or a sweep's) from its files.
    Plot { dir: PathBuf },
    /// Measure speed and memory on the benchmark scenarios (scenarios/bench/).
    ///
    /// Runs each scenario in its own process and prints events, wall seconds of the
    /// simulation, events per second and peak resident memory. The default is SimBlock
    /// 0.7.0's Bitcoin-2015 scale (10,000 nodes, 144 blocks of 535 KB); --large adds
    /// 100,000 nodes. Run it from the repository root.
    Bench {
        /// Scenarios to measure instead of the default set.
        scenarios: Vec<PathBuf>,
        /// Also run the 100,000-node scenario (about a minute and a few GiB).
        #[arg(long)]
        large: bool,
    },
    /// Check a scenario file and print it with every default filled in.
    Validate {
        scenario: PathBuf,
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Validate { scenario, sets } => validate(&scenario, &sets),
        Command::Run {
            scenario,
            seed,
            out,
            sets,
            trace,
        } => run(&scenario, seed, out, &sets, trace),
        Command::Sweep {
            scenario,
            jobs,
            shard,
            out,
            sets,
        } => run_sweep(&scenario, jobs, shard.as_deref(), out, &sets),
        Command::Inspect {
            dir,
            block,
            tx,
            provenance,
            svg,
        } => inspect_dir(&dir, block, tx, provenance, svg),
        Command::Bench { scenarios, large } => bench_scenarios(scenarios, large),
        Command::Explain { dir, limit } => explain(&dir, limit),
        Command::Plot { dir } => plot::replot(&dir)
            .map(|()| println!("plots in {}", dir.join("plots").display()))
            .map_err(Failure::BadInput),
        Command::Merge { dirs } => sweep::merge(&dirs)
            .map(|path| println!("merged into {}", path.display()))
            .map_err(Failure::BadInput),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

/// Why a command failed, and so its exit code: 2 for bad input (a scenario, a flag, a
/// path chainlab will not write to), 130 for Ctrl-C, 1 for chainlab's own fault.
pub(crate) enum Failure {
    BadInput(String),
    Interrupted,
    Internal(anyhow::Error),
}

impl Failure {
    fn report(self) -> ExitCode {
        match self {
            Failure::BadInput(message) => {
                eprintln!("chainlab: {message}");
                ExitCode::from(2)
            }
            Failure::Interrupted => {
                eprintln!("chainlab: interrupted; results of unfinished runs were not written");
                ExitCode::from(130)
            }
            Failure::Internal(e) => {
                eprintln!("chainlab: internal error: {e:#}");
                ExitCode::from(1)
            }
        }
    }
}

impl From<anyhow::Error> for Failure {
    /// A refused output path is the user's to fix; anything else writing results is ours.
    fn from(e: anyhow::Error) -> Self {
        match e.downcast::<crate::results::OutputError>() {
            Ok(refused) => Failure::BadInput(refused.0),
            Err(e) => Failure::Internal(e),
        }
    }
}

impl From<crate::scenario::ScenarioError> for Failure {
    fn from(e: crate::scenario::ScenarioError) -> Self {
        Failure::BadInput(e.0)
    }
}

impl From<crate::results::OutputError> for Failure {
    fn from(e: crate::results::OutputError) -> Self {
        Failure::BadInput(e.0)
    }
}

fn validate(path: &std::path::Path, sets: &[String]) -> Result<(), Failure> {
    let sc = Scenario::load(path, sets)?;
    print!("{}", sc.to_yaml());
    let points: usize = sc.sweep.values().map(Vec::len).product();
    let grid = if sc.sweep.is_empty() {
        String::new()
    } else {
        format!(", and its sweep: grid of {points} points")
    };
    println!("# {} is a valid scenario{grid}.", path.display());
    Ok(())
}

fn run(
    path: &std::path::Path,
    seed: Option<u64>,
    out: Option<PathBuf>,
    sets: &[String],
    trace: bool,
) -> Result<(), Failure> {
    let mut sc = Scenario::load(path, sets)?;
    if let Some(seed) = seed {
        sc.seed = seed;
    }
    let dir = out.unwrap_or_else(|| PathBuf::from("results").join(&sc.name));
    // Refused before the run, not after minutes of it.
    crate::results::check_target(&dir)?;
    let summary = run_quietly(sc.clone(), &dir, true, trace)?;
    println!(
        "{}: {} blocks ({} stale, rate {:.4}), {:.2} TPS confirmed of {:.2} offered, \
propagation p50 {}, {}-conf p50 {}; {} events in {:.2} s wall",
        sc.name,
        summary.blocks_main,
        summary.blocks_stale,
        summary.stale_rate,
        summary.tps_confirmed,
        summary.tps_offered,
        fmt_opt(summary.propagation_s_p50),
        summary.confirmations,
        fmt_opt(summary.confirmation_s_p50),
        summary.perf.as_ref().map_or(0, |p| p.events),
        summary.perf.as_ref().map_or(0.0, |p| p.wall_s),
    );
    println!("results in {}", dir.display());
    Ok(())
}

fn run_sweep(
    path: &std::path::Path,
    jobs: Option<usize>,
    shard: Option<&str>,
    out: Option<PathBuf>,
    sets: &[String],
) -> Result<(), Failure> {
    let base = Scenario::load(path, sets)?;
    let origin = path.display().to_string();
    let points = crate::scenario::sweep::expand(&base, &origin)?;
    let shard = shard
        .map(crate::scenario::sweep::parse_shard)
        .transpose()
        .map_err(Failure::BadInput)?;
    let dir = out.unwrap_or_else(|| PathBuf::from("results").join(&base.name));
    if jobs == Some(0) {
        return Err(Failure::BadInput(
            "--jobs 0: give at least 1 (or leave it out to use every core)".into(),
        ));
    }
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    sweep::run_sweep(&base, points, &dir, jobs, shard)
}

fn inspect_dir(
    dir: &std::path::Path,
    block: Option<String>,
    tx: Option<String>,
    provenance: Option<String>,
    svg: Option<PathBuf>,
) -> Result<(), Failure> {
    if let Some(path) = svg {
        let (_, out, _) = plot::reload_run(dir).map_err(Failure::BadInput)?;
        let max = report::plots::FORK_TREE_MAX_BLOCKS;
        if out.tree.len() > max {
            return Err(Failure::BadInput(format!(
                "--svg: the tree has {} blocks; pictures are drawn up to {max} (the text tree, without --svg, has them all)",
                out.tree.len()
            )));
        }
        let svg = report::plots::fork_tree_svg(&out)?;
        let mark = crate::results::outdir::SVG_MARK;
        crate::results::outdir::write_own_file(&path, svg.as_bytes(), mark)?;
        println!("fork tree drawn in {}", path.display());
    }
    let tree = inspect::load(dir).map_err(Failure::BadInput)?;
    let text = match (block, tx, provenance) {
        (Some(b), _, _) => inspect::describe_block(&tree, &b),
        (_, Some(t), _) => inspect::describe_tx(&tree, &t),
        (_, _, Some(p)) => inspect::describe_provenance(&tree, &p),
        _ => Ok(inspect::fork_tree(&tree)),
    }
    .map_err(Failure::BadInput)?;
    print!("{text}");
    Ok(())
}

fn bench_scenarios(mut list: Vec<PathBuf>, large: bool) -> Result<(), Failure> {
    if list.is_empty() {
        list.push(PathBuf::from(bench::STANDARD));
    }
    if large {
        list.push(PathBuf::from(bench::LARGE));
    }
    if let Some(missing) = list.iter().find(|p| !p.is_file()) {
        return Err(Failure::BadInput(format!(
            "{}: no such scenario file (run chainlab bench from the repository root, or name the scenarios)",
            missing.display()
        )));
    }
    // Checked here, so that a bad scenario is one message, not a failed child run.
    for path in &list {
        Scenario::load(path, &[])?;
    }
    let table = bench::run(&list).map_err(|e| Failure::Internal(anyhow::anyhow!(e)))?;
    print!("{table}");
    Ok(())
}

fn explain(dir: &std::path::Path, limit: usize) -> Result<(), Failure> {
    let (sc, out, summary) = plot::reload_run(dir).map_err(Failure::BadInput)?;
    for line in report::story::tell(&sc, &out, &summary, limit) {
        println!("{line}");
    }
    Ok(())
}

/// Set by Ctrl-C; runs stop at their next check and write nothing. A second Ctrl-C
/// ends the process at once.
pub(crate) fn interrupt_flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let seen = Arc::clone(&flag);
        // Without a handler (another library installed one) Ctrl-C kills as usual.
        let _ = ctrlc::set_handler(move || {
            if seen.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
        flag
    })
    .clone()
}

/// Runs one scenario into `dir`; `show_progress` draws a bar on a terminal.
pub(crate) fn run_quietly(
    sc: Scenario,
    dir: &std::path::Path,
    show_progress: bool,
    trace: bool,
) -> Result<report::Summary, Failure> {
    let started = std::time::Instant::now();
    let bar = if show_progress {
        indicatif::ProgressBar::new(u64::from(sc.stop.blocks.unwrap_or(0)))
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} blocks")
            .expect("static template")
            .progress_chars("=> "),
    );
    let interrupt = interrupt_flag();
    let plan = crate::scenario::compile::compile(&sc).map_err(Failure::BadInput)?;
    let mut network = Network::new(plan);
    if trace {
        network = network.with_trace();
    }
    // The engine reports every 100,000 events.
    let mut reports = 0u64;
    let output = network.run(Some(&interrupt), |sim_s, height| {
        reports += 1;
        let rate = (reports * 100_000) as f64 / started.elapsed().as_secs_f64().max(1e-9);
        bar.set_position(u64::from(height));
        bar.set_message(format!("t={sim_s:.0}s, {:.1} M events/s", rate / 1e6));
    });
    bar.finish_and_clear();
    if output.interrupted || interrupt.load(Ordering::Relaxed) {
        return Err(Failure::Interrupted);
    }
    if output.time_capped {
        eprintln!(
            "chainlab: warning: {} reached a hundred times its expected length ({} blocks at {} each) before stop.blocks, and stopped there; nothing could mine for most of it",
            sc.name,
            sc.stop.blocks.unwrap_or(0),
            sc.consensus.block_interval
        );
    }
    let mut summary = report::summarize(&sc, &output);
    let wall_s = started.elapsed().as_secs_f64();
    summary.perf = Some(Perf {
        events: output.events,
        wall_s,
        events_per_s: output.events as f64 / wall_s.max(1e-9),
        peak_rss_bytes: peak_rss_bytes(),
    });
    report::write_results(dir, &sc, &output, &summary)?;
    Ok(summary)
}

/// Seconds with two decimals, or "n/a" where nothing was measured.
fn fmt_opt(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.2} s"))
        .unwrap_or_else(|| "n/a".into())
}

/// High-water mark of resident memory, from /proc on Linux; 0 where unavailable.
fn peak_rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}
