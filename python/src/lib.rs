//! `chainlab._chainlab`: the native half of the Python package. It only translates:
//! arguments to the calls the command line makes (`chainlab::app`), progress to a
//! Python callback, Ctrl-C to the run's interrupt flag, and chainlab's errors to
//! Python's. Results are the results directory the same code writes for the CLI.

use chainlab::app::{self, Error, Outputs};
use chainlab::scenario::sweep::expand;
use chainlab::scenario::Scenario;
use pyo3::create_exception;
use pyo3::exceptions::{PyKeyboardInterrupt, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

create_exception!(
    _chainlab,
    ScenarioError,
    PyValueError,
    "A scenario (or a results directory, or an output path) chainlab refuses; the message is the command line's: file, line and column or key, what was found, what is allowed."
);

fn to_py(e: Error) -> PyErr {
    match e {
        Error::BadInput(m) => ScenarioError::new_err(m),
        Error::Interrupted => PyKeyboardInterrupt::new_err("interrupted; nothing was written"),
        Error::Internal(e) => PyRuntimeError::new_err(format!("chainlab internal error: {e:#}")),
        Error::Unwritable(e) => PyOSError::new_err(e.to_string()),
    }
}

/// The scenario from a file (`path`) or from YAML text, with `sets` applied.
fn load(path: Option<PathBuf>, text: Option<String>, sets: &[String]) -> Result<Scenario, Error> {
    match (path, text) {
        (Some(path), _) => Ok(Scenario::load(&path, sets)?),
        (None, Some(text)) => {
            let here = std::env::current_dir().ok();
            Ok(Scenario::parse_in(&text, "<scenario>", sets, here)?)
        }
        (None, None) => Err(Error::BadInput(
            "give a scenario: a path, YAML text or a dict".into(),
        )),
    }
}

/// How messages name the scenario: its file, or `<scenario>` for text and dicts.
fn label(path: &Option<PathBuf>) -> String {
    path.as_ref()
        .map_or_else(|| "<scenario>".to_string(), |p| p.display().to_string())
}

/// Runs `work` on a thread of its own while this thread, holding the GIL only
/// briefly, passes its progress to `progress` and watches for Ctrl-C (which sets the
/// interrupt flag the work checks).
fn supervise<T: Send + 'static>(
    py: Python<'_>,
    progress: Option<Py<PyAny>>,
    work: impl FnOnce(&AtomicBool, &(dyn Fn((f64, String)) + Sync)) -> Result<T, Error> + Send + 'static,
) -> PyResult<T> {
    let interrupt = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel::<(f64, String)>();
    // Waited on without the GIL, from a closure that must be shareable.
    let rx = std::sync::Mutex::new(rx);
    let flag = Arc::clone(&interrupt);
    let handle = std::thread::spawn(move || {
        let send = move |p: (f64, String)| {
            let _ = tx.send(p);
        };
        work(&flag, &send)
    });
    // Ctrl-C may surface in the progress callback (Python runs signal handlers when
    // it runs Python code) or in check_signals: either way the run is told to stop
    // and is waited for, so that it removes what it had begun to write.
    let mut failed: Option<PyErr> = None;
    loop {
        let got = py.detach(|| {
            let rx = rx.lock().expect("one waiter");
            rx.recv_timeout(Duration::from_millis(50))
        });
        let step = match got {
            Ok((fraction, text)) => match &progress {
                Some(cb) => cb.call1(py, (fraction, text)).map(|_| ()),
                None => Ok(()),
            },
            Err(mpsc::RecvTimeoutError::Timeout) => Ok(()),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        if let Err(e) = step.and_then(|()| py.check_signals()) {
            interrupt.store(true, Ordering::SeqCst);
            failed = Some(e);
            break;
        }
    }
    let joined = py.detach(|| handle.join());
    if let Some(e) = failed {
        return Err(e);
    }
    let outcome = joined.map_err(|_| PyRuntimeError::new_err("chainlab's run thread panicked"))?;
    outcome.map_err(to_py)
}

/// Checks a scenario; returns it with every default filled in (YAML).
#[pyfunction]
#[pyo3(signature = (path=None, text=None, sets=Vec::new()))]
fn validate(path: Option<PathBuf>, text: Option<String>, sets: Vec<String>) -> PyResult<String> {
    let label = label(&path);
    let sc = load(path, text, &sets).map_err(to_py)?;
    if !sc.sweep.is_empty() {
        expand(&sc, &label).map_err(|e| to_py(e.into()))?;
    }
    Ok(sc.to_yaml())
}

/// Runs a scenario into `out` (replicates: one directory each, and the tables);
/// returns the scenario's name.
#[pyfunction]
#[pyo3(signature = (out, path=None, text=None, sets=Vec::new(), seed=None, replicates=None, lean=false, trace=false, jobs=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn run(
    py: Python<'_>,
    out: PathBuf,
    path: Option<PathBuf>,
    text: Option<String>,
    sets: Vec<String>,
    seed: Option<u64>,
    replicates: Option<u32>,
    lean: bool,
    trace: bool,
    jobs: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<String> {
    let mut sets = sets;
    if let Some(r) = replicates {
        sets.push(format!("replicates={r}"));
    }
    let label = label(&path);
    let mut sc = load(path, text, &sets).map_err(to_py)?;
    chainlab::scenario::sweep::not_a_sweep(&sc, &label).map_err(|e| to_py(e.into()))?;
    if let Some(seed) = seed {
        sc.seed = seed;
    }
    let name = sc.name.clone();
    let outputs = Outputs {
        trace,
        lean,
        no_titles: false,
    };
    if sc.replicates > 1 {
        let runs = app::sweep::plan_replicates(&sc);
        let jobs = jobs.unwrap_or_else(cores);
        supervise(py, progress, move |stop, send| {
            let each = |p: &app::sweep::SweepProgress| send(sweep_progress(p));
            app::sweep::run_sweep(&sc, runs, &out, jobs, (None, outputs), stop, each)
        })?;
    } else {
        supervise(py, progress, move |stop, send| {
            let each = |p: &app::RunProgress| {
                send((
                    p.fraction,
                    format!("t={:.0}s, height {}", p.sim_s, p.height),
                ))
            };
            app::run(&sc, &out, outputs, stop, each)
        })?;
    }
    Ok(name)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn sweep_progress(p: &app::sweep::SweepProgress) -> (f64, String) {
    let fraction = p.done as f64 / p.total.max(1) as f64;
    (fraction, format!("{}/{} runs", p.done, p.total))
}

/// Runs a scenario's sweep grid into `out`; returns the scenario's name.
#[pyfunction]
#[pyo3(signature = (out, path=None, text=None, sets=Vec::new(), replicates=None, jobs=None, lean=false, progress=None))]
#[allow(clippy::too_many_arguments)]
fn sweep(
    py: Python<'_>,
    out: PathBuf,
    path: Option<PathBuf>,
    text: Option<String>,
    sets: Vec<String>,
    replicates: Option<u32>,
    jobs: Option<usize>,
    lean: bool,
    progress: Option<Py<PyAny>>,
) -> PyResult<String> {
    let mut sets = sets;
    if let Some(r) = replicates {
        sets.push(format!("replicates={r}"));
    }
    let label = label(&path);
    let base = load(path, text, &sets).map_err(to_py)?;
    let points = expand(&base, &label).map_err(|e| to_py(e.into()))?;
    let runs = app::sweep::plan(points, base.replicates);
    let jobs = jobs.unwrap_or_else(cores);
    if !(1..=256).contains(&jobs) {
        return Err(ScenarioError::new_err(format!(
            "jobs is {jobs}; give 1 to 256"
        )));
    }
    let name = base.name.clone();
    let outputs = Outputs {
        trace: false,
        lean,
        no_titles: false,
    };
    supervise(py, progress, move |stop, send| {
        let each = |p: &app::sweep::SweepProgress| send(sweep_progress(p));
        app::sweep::run_sweep(&base, runs, &out, jobs, (None, outputs), stop, each)
    })?;
    Ok(name)
}

/// The default results directory of a scenario: results/<name>.
#[pyfunction]
#[pyo3(signature = (path=None, text=None, sets=Vec::new()))]
fn default_out(
    path: Option<PathBuf>,
    text: Option<String>,
    sets: Vec<String>,
) -> PyResult<PathBuf> {
    let sc = load(path, text, &sets).map_err(to_py)?;
    Ok(app::default_out(&sc))
}

/// Nakamoto's probability that an attacker with hashrate share `q` catches up from
/// `z` blocks behind (Bitcoin paper, section 11).
#[pyfunction]
fn nakamoto(q: f64, z: u32) -> f64 {
    chainlab::report::theory::nakamoto(q, z)
}

/// Rosenfeld's exact double-spend success probability with a pre-mined block.
#[pyfunction]
fn rosenfeld(q: f64, z: u32) -> f64 {
    chainlab::report::theory::rosenfeld(q, z)
}

/// The exact success probability when the attacker starts level (no pre-mined block).
#[pyfunction]
fn exact_without_premine(q: f64, z: u32) -> f64 {
    chainlab::report::theory::exact_without_premine(q, z)
}

/// Eyal and Sirer's relative revenue of a selfish miner with share `alpha` and tie
/// parameter `gamma`.
#[pyfunction]
fn selfish_revenue(alpha: f64, gamma: f64) -> f64 {
    chainlab::report::theory::selfish_revenue(alpha, gamma)
}

/// The hashrate share above which selfish mining pays, at `gamma`.
#[pyfunction]
fn selfish_threshold(gamma: f64) -> f64 {
    chainlab::report::theory::selfish_threshold(gamma)
}

#[pymodule]
fn _chainlab(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(default_out, m)?)?;
    m.add_function(wrap_pyfunction!(nakamoto, m)?)?;
    m.add_function(wrap_pyfunction!(rosenfeld, m)?)?;
    m.add_function(wrap_pyfunction!(exact_without_premine, m)?)?;
    m.add_function(wrap_pyfunction!(selfish_revenue, m)?)?;
    m.add_function(wrap_pyfunction!(selfish_threshold, m)?)?;
    Ok(())
}
