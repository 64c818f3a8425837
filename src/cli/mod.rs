//! The command line: parses, calls the layers below, prints. Exit codes: 0 ok, 2 bad
//! input, 1 internal error.

use crate::app::{self, Error};
use crate::scenario::Scenario;
use clap::{Parser, Subcommand};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

mod bench;
mod progress;
mod run;

use run::{run, run_sweep};

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
        #[arg(long, value_parser = whole_u64)]
        seed: Option<u64>,
        /// Run this many replicates, each with its own seed (as `replicates:` in the
        /// scenario): runs.csv and sweep.csv give each figure's mean and 95% interval.
        #[arg(long, value_parser = whole_u32)]
        replicates: Option<u32>,
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
        /// Write only scenario.resolved.yaml, summary.json and record.json (no tables,
        /// chain.dat, plots or report).
        #[arg(long)]
        lean: bool,
        /// Draw the plots without titles (for a paper's own captions).
        #[arg(long)]
        no_titles: bool,
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
        #[arg(long, value_parser = whole_usize)]
        jobs: Option<usize>,
        /// Run only shard I of N (0-based), e.g. --shard 0/4.
        #[arg(long)]
        shard: Option<String>,
        /// Replicates of every point (as `replicates:` in the scenario).
        #[arg(long, value_parser = whole_u32)]
        replicates: Option<u32>,
        /// Output directory (default: results/<scenario name>).
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
        /// Each point keeps only scenario.resolved.yaml, summary.json and record.json.
        #[arg(long)]
        lean: bool,
        /// Draw the plots without titles (for a paper's own captions).
        #[arg(long)]
        no_titles: bool,
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
        /// A main-chain height, or a block hash or any unique prefix of 8 or more hex
        /// digits of one (as inspect and blocks.csv print them).
        #[arg(long, conflicts_with_all = ["tx", "provenance"])]
        block: Option<String>,
        /// A transaction id, or a unique prefix of one: txs.csv's txid column, or the
        /// "tx" lines `inspect DIR --block H` prints for a block.
        #[arg(long, conflicts_with = "provenance")]
        tx: Option<String>,
        /// An output as TXID:INDEX (a txid as for --tx; index 0 is a payment's
        /// recipient, 1 its change), traced back through the coins it spends.
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
        #[arg(long, value_parser = whole_usize, default_value_t = 40)]
        limit: usize,
    },
    /// Redraw the plots of a results directory (a run's, or a sweep's) from its files.
    Plot {
        dir: PathBuf,
        /// Draw the plots without titles (for a paper's own captions).
        #[arg(long)]
        no_titles: bool,
    },
    /// A page for the classroom on this computer: pick a lesson, move its sliders
    /// (block interval, block size, latency, attacker share, confirmations, partition
    /// length), press Run and watch the replay. Listens on 127.0.0.1 only; Ctrl-C stops.
    Lab {
        /// The port to listen on (0: any free port).
        #[arg(long, default_value_t = app::lab::DEFAULT_PORT)]
        port: u16,
    },
    /// Measure speed and memory on the benchmark scenarios (scenarios/bench/).
    ///
    /// Runs each scenario in its own process and prints events, wall seconds of the
    /// simulation, events per second and peak resident memory. The default is SimBlock
    /// 0.7.0's Bitcoin-2015 scale (10,000 nodes, 144 blocks of 535 KB); --large adds
    /// 100,000 nodes, --huge 1,000,000. Run it from the repository root.
    Bench {
        /// Scenarios to measure instead of the default set.
        scenarios: Vec<PathBuf>,
        /// Also run the 100,000-node scenario (about a minute and a few GiB).
        #[arg(long)]
        large: bool,
        /// Also run the 1,000,000-node scenario (tens of minutes and several GiB).
        #[arg(long)]
        huge: bool,
        /// Runs per scenario (1 to 100): the table gives medians and ranges.
        #[arg(long, value_parser = whole_u32, default_value_t = bench::REPEAT)]
        repeat: u32,
    },
    /// Check a scenario file and print it with every default filled in.
    Validate {
        scenario: PathBuf,
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
    },
}

pub fn main() -> ExitCode {
    exit_with(dispatch(Cli::parse().command))
}

/// What `run` and `sweep` share: the runs, where they go, what they write.
fn run_args(
    seed: Option<u64>,
    replicates: Option<u32>,
    (out, sets): (Option<PathBuf>, Vec<String>),
    outputs: app::Outputs,
) -> run::RunArgs {
    run::RunArgs {
        seed,
        replicates,
        out,
        sets,
        outputs,
    }
}

fn dispatch(command: Command) -> Result<(), Error> {
    match command {
        Command::Validate { scenario, sets } => validate(&scenario, &sets),
        Command::Run {
            scenario,
            seed,
            replicates,
            out,
            sets,
            trace,
            lean,
            no_titles,
        } => {
            let outputs = app::Outputs {
                trace,
                lean,
                no_titles,
            };
            run(&scenario, run_args(seed, replicates, (out, sets), outputs))
        }
        Command::Sweep {
            scenario,
            jobs,
            shard,
            replicates,
            out,
            sets,
            lean,
            no_titles,
        } => {
            let outputs = app::Outputs {
                trace: false,
                lean,
                no_titles,
            };
            let args = run_args(None, replicates, (out, sets), outputs);
            run_sweep(&scenario, jobs, shard.as_deref(), args)
        }
        Command::Inspect {
            dir,
            block,
            tx,
            provenance,
            svg,
        } => inspect_dir(&dir, block, tx, provenance, svg),
        Command::Bench {
            scenarios,
            large,
            huge,
            repeat,
        } => bench_scenarios(
            scenarios,
            [(large, bench::LARGE), (huge, bench::HUGE)],
            repeat,
        ),
        Command::Explain { dir, limit } => explain(&dir, limit),
        Command::Plot { dir, no_titles } => app::replot(&dir, report_style(no_titles))
            .and_then(|()| say(&format!("plots in {}\n", dir.join("plots").display()))),
        Command::Lab { port } => app::lab::serve(port, &interrupt_flag(), |addr| {
            let _ = say(&format!(
                "chainlab lab: open http://{addr}/ in a browser (Ctrl-C stops it)\n"
            ));
        })
        .and_then(|()| say("chainlab lab stopped\n")),
        Command::Merge { dirs } => app::sweep::merge(&dirs)
            .map_err(Error::BadInput)
            .and_then(|path| say(&format!("merged into {}\n", path.display()))),
    }
}

/// The exit code, and the one message of a failure.
fn exit_with(outcome: Result<(), Error>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // Nobody reads a closed pipe (`chainlab explain DIR | head`): stop quietly.
        Err(Error::Unwritable(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let message = without_os_codes(&e.to_string());
            let _ = writeln!(std::io::stderr(), "chainlab: {message}");
            ExitCode::from(match e {
                Error::BadInput(_) => 2,
                Error::Interrupted => 130,
                Error::Internal(_) | Error::Unwritable(_) => 1,
            })
        }
    }
}

/// Whole-number flags read with a message in words (not Rust's parse error).
fn whole_u64(text: &str) -> Result<u64, String> {
    text.parse()
        .map_err(|_| format!("give a whole number from 0 to {}", u64::MAX))
}

fn whole_u32(text: &str) -> Result<u32, String> {
    text.parse()
        .map_err(|_| format!("give a whole number from 0 to {}", u32::MAX))
}

fn whole_usize(text: &str) -> Result<usize, String> {
    text.parse()
        .map_err(|_| format!("give a whole number from 0 to {}", usize::MAX))
}

/// " (os error 2)" and the like after the system's own words say nothing more to a
/// user: dropped.
fn without_os_codes(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(" (os error ") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + " (os error ".len()..];
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && tail[digits..].starts_with(')') {
            rest = &tail[digits + 1..];
        } else {
            out.push_str(" (os error ");
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

fn validate(path: &Path, sets: &[String]) -> Result<(), Error> {
    let sc = Scenario::load(path, sets)?;
    say(&sc.to_yaml())?;
    let points = match sc.sweep.is_empty() {
        true => 0,
        false => crate::scenario::sweep::expand(&sc, &path.display().to_string())?.len(),
    };
    let grid = if sc.sweep.is_empty() {
        String::new()
    } else {
        format!(", and its sweep: grid of {points} points")
    };
    say(&format!(
        "# {} is a valid scenario{grid}.\n",
        path.display()
    ))?;
    Ok(())
}

fn inspect_dir(
    dir: &Path,
    block: Option<String>,
    tx: Option<String>,
    provenance: Option<String>,
    svg: Option<PathBuf>,
) -> Result<(), Error> {
    use app::inspect;
    if let Some(path) = svg {
        inspect::draw_svg(dir, &path)?;
        say(&format!("fork tree drawn in {}\n", path.display()))?;
    }
    let tree = inspect::load(dir).map_err(Error::BadInput)?;
    let text = match (block, tx, provenance) {
        (Some(b), _, _) => inspect::describe_block(&tree, &b),
        (_, Some(t), _) => inspect::describe_tx(&tree, &t),
        (_, _, Some(p)) => inspect::describe_provenance(&tree, &p),
        _ => Ok(inspect::fork_tree(&tree)),
    }
    .map_err(Error::BadInput)?;
    say(&text)?;
    Ok(())
}

/// `extra`: the larger scenarios, each added when its flag is given.
fn bench_scenarios(
    mut list: Vec<PathBuf>,
    extra: [(bool, &str); 2],
    repeat: u32,
) -> Result<(), Error> {
    if !(1..=bench::MAX_REPEAT).contains(&repeat) {
        return Err(Error::BadInput(format!(
            "--repeat {repeat}: give 1 to {} runs per scenario",
            bench::MAX_REPEAT
        )));
    }
    if list.is_empty() {
        list.push(PathBuf::from(bench::STANDARD));
    }
    list.extend(
        (extra.iter())
            .filter(|(on, _)| *on)
            .map(|(_, p)| PathBuf::from(p)),
    );
    for path in &list {
        if let Err(e) = crate::files::open_regular(path) {
            let hint = match path.exists() {
                true => "",
                false => " (run chainlab bench from the repository root, or name the scenarios)",
            };
            return Err(Error::BadInput(format!("{}{hint}", e.0)));
        }
    }
    // Checked here, so that a bad scenario is one message, not a failed child run.
    for path in &list {
        Scenario::load(path, &[])?;
    }
    let table = bench::run(&list, repeat)?;
    say(&table)?;
    Ok(())
}

fn explain(dir: &Path, limit: usize) -> Result<(), Error> {
    for line in app::explain(dir, limit)? {
        say(&format!("{line}\n"))?;
    }
    Ok(())
}

/// Set by Ctrl-C, and by SIGTERM and SIGHUP (what `timeout`, Slurm, Kubernetes and
/// `docker stop` send, and a closed terminal): runs stop at their next check and
/// write nothing. A second signal ends the process at once, partial output removed.
pub(crate) fn interrupt_flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let seen = Arc::clone(&flag);
        // Without a handler (another library installed one) Ctrl-C kills as usual.
        let _ = ctrlc::set_handler(move || {
            if seen.swap(true, Ordering::SeqCst) {
                // The second Ctrl-C: stop now, leaving nothing half-written behind.
                crate::results::outdir::remove_unfinished();
                std::process::exit(130);
            }
        });
        flag
    })
    .clone()
}

/// Writes to standard output; a closed pipe or a full disk is an error to report
/// (or, for a pipe, to stop at quietly), never a panic.
fn say(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::Unwritable)
}

fn report_style(no_titles: bool) -> crate::report::plots::PlotStyle {
    crate::report::plots::PlotStyle { titles: !no_titles }
}
