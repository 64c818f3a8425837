//! Where results go, and the one rule about what chainlab may remove: only a
//! directory it can prove it wrote. Every results directory holds a marker file
//! ([`MARKER`]); a directory is replaced only if it holds the marker and nothing but
//! the files chainlab writes ([`is_ours`]). Anything else at the output path — a file,
//! a link, a project directory, a results directory someone added notes to — is
//! refused before the run starts, with the path and what to do.
//!
//! A run is written into a fresh hidden sibling (`.NAME.partial-PID-N`) that replaces
//! the target only when complete ([`Staging`]); on every failure, a panic included,
//! the sibling is removed (it was created by this process, so it is ours).

pub use super::own_file::{starts_with_mark, write_own_file, SVG_MARK};
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// The file that marks a directory as chainlab's.
pub const MARKER: &str = ".chainlab-results";
const MARKER_TEXT: &str = "This directory was written by chainlab (a results directory).\n\
chainlab replaces it on a new run to the same place, as long as it holds only files chainlab writes.\n";

/// Files a run's directory may hold (besides the marker and `plots/`).
pub const RUN_FILES: &[&str] = &[
    "scenario.resolved.yaml",
    "summary.json",
    "summary.csv",
    "miners.csv",
    "attacks_summary.csv",
    "faults.csv",
    "eclipse.csv",
    "routing_eclipse.csv",
    "perf.json",
    "blocks.csv",
    "txs.csv",
    "propagation.csv",
    "forks.csv",
    "attacks.csv",
    "chain.dat",
    "trace.csv",
    "report.html",
    "replay.json",
    "topology.csv",
    "record.json",
];

/// Files a sweep's directory may hold (besides the marker, `plots/` and `point-NNNN/`).
fn is_sweep_file(name: &str) -> bool {
    name == "sweep.csv"
        || name == "runs.csv"
        || name == "record.json"
        || (name.starts_with("sweep.shard-") && name.ends_with(".json"))
        || (name.starts_with("runs.shard-") && name.ends_with(".csv"))
        || super::record::is_shard_record(name)
}

#[derive(Debug)]
pub struct OutputError(pub String);

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OutputError {}

/// Whether `dir` is a directory chainlab wrote: the marker, and nothing but the files
/// a run or a sweep writes (plots, point directories that are themselves ours). Returns
/// the first entry that is not, as the reason.
pub fn is_ours(dir: &Path) -> Result<(), String> {
    let marker = dir.join(MARKER);
    match std::fs::symlink_metadata(&marker) {
        Ok(m) if m.is_file() => {}
        _ if !dir.is_dir() => return Err("there is no such directory".into()),
        _ => return Err(format!("it has no {MARKER} marker")),
    }
    for entry in read_dir(dir)? {
        let (name, meta) = entry;
        let path = dir.join(&name);
        let known = if meta.is_file() {
            name == MARKER
                || RUN_FILES.contains(&name.as_str())
                || is_sweep_file(&name)
                // A picture `inspect --svg` drew here.
                || (name.ends_with(".svg") && starts_with_mark(&path, SVG_MARK))
        } else if meta.is_dir() && name == "plots" {
            only_plots(&path)?;
            true
        } else if meta.is_dir() && is_point_name(&name) {
            is_ours(&path).map_err(|why| format!("{}: {why}", path.display()))?;
            true
        } else if meta.is_dir() && is_staging_of_point(&name) {
            // A run being written by a sweep (another shard's, on another machine).
            true
        } else {
            false
        };
        if !known {
            return Err(format!(
                "it holds {}, which chainlab does not write",
                path.display()
            ));
        }
    }
    // The names are chainlab's; the record proves the contents are too.
    super::record::vouches_for(dir, !is_sweep_dir(dir))
}

/// A sweep's directory (point directories, its tables or a shard's files), as opposed
/// to one run's. A point still being written counts: a shard started beside another
/// may find nothing else there yet.
pub fn is_sweep_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            is_point_name(&name)
                || is_staging_of_point(&name)
                || (is_sweep_file(&name) && name != "record.json")
        })
    })
}

fn read_dir(dir: &Path) -> Result<Vec<(String, std::fs::Metadata)>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot list it: {e}"))?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list it: {e}"))?;
        // Metadata of the entry itself: a symbolic link is never ours.
        let meta = entry
            .path()
            .symlink_metadata()
            .map_err(|e| format!("cannot read {}: {e}", entry.path().display()))?;
        out.push((entry.file_name().to_string_lossy().into_owned(), meta));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// The pictures chainlab draws into `plots/`, each as .png and .svg: a file of any
/// other name there is someone else's.
pub const PLOT_NAMES: &[&str] = &[
    "propagation_cdf",
    "confirmation_cdf",
    "miners",
    "stale_over_time",
    "block_interval",
    "fork_tree",
    "double_spend",
    "selfish_revenue",
    "tps_vs_confirmation",
    "stale_rate",
    "cost_per_tx",
    "eclipse_success",
];

fn is_plot_name(name: &str) -> bool {
    let stem = name
        .strip_suffix(".png")
        .or_else(|| name.strip_suffix(".svg"));
    stem.is_some_and(|s| PLOT_NAMES.contains(&s))
}

fn only_plots(dir: &Path) -> Result<(), String> {
    for (name, meta) in read_dir(dir)? {
        if !(meta.is_file() && is_plot_name(&name)) {
            return Err(format!(
                "it holds {}, which chainlab does not write",
                dir.join(name).display()
            ));
        }
    }
    Ok(())
}

/// `.point-NNNN.partial-PID-N`: a run of a sweep being staged.
pub fn is_staging_of_point(name: &str) -> bool {
    let Some((point, rest)) = name
        .strip_prefix('.')
        .and_then(|n| n.split_once(".partial-"))
    else {
        return false;
    };
    let numbers = rest.split('-').collect::<Vec<_>>();
    is_point_name(point)
        && numbers.len() == 2
        && numbers
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// `point-NNNN`, or `point-NNNN-rNN` for a replicate.
pub fn is_point_name(name: &str) -> bool {
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    let Some(rest) = name.strip_prefix("point-") else {
        return false;
    };
    match rest.split_once("-r") {
        Some((point, rep)) => point.len() >= 4 && digits(point) && rep.len() >= 2 && digits(rep),
        None => rest.len() >= 4 && digits(rest),
    }
}

/// The output path as a parent and a plain last component: `.`, `..`, `/` and paths
/// ending in them name no directory chainlab could replace.
pub(super) fn split(target: &Path) -> Result<(PathBuf, String), OutputError> {
    let name = match target.components().next_back() {
        Some(Component::Normal(n)) => n.to_string_lossy().into_owned(),
        _ => {
            return Err(OutputError(format!(
            "{}: name the results directory itself (such as results/my-run), not `.`, `..` or `/`",
            target.display()
        )))
        }
    };
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    Ok((parent, name))
}

/// Checks, before a run starts, that its results may go to `target`: nothing is
/// there, an empty directory is, or a directory chainlab wrote.
pub fn check_target(target: &Path) -> Result<(), OutputError> {
    // `DIR/.` names DIR; without this, removing `DIR/.` would empty DIR and then fail.
    let (parent, name) = split(target)?;
    if name.len() > MAX_NAME_BYTES {
        return Err(OutputError(format!(
            "{}: the name is {} bytes; file names are at most {MAX_NAME_BYTES}",
            target.display(),
            name.len()
        )));
    }
    let target = &parent.join(name);
    let refuse = |what: &str| {
        Err(OutputError(format!(
            "{}: {what}; chainlab writes results only to a new path or over a results directory of its own. Choose another --out (or scenario name), or move it away",
            target.display()
        )))
    };
    match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => refuse(&format!("cannot be examined ({e})")),
        Ok(m) if m.file_type().is_symlink() => refuse("is a symbolic link"),
        Ok(m) if !m.is_dir() => refuse("is a file"),
        Ok(_) if is_empty_dir(target) => Ok(()),
        Ok(_) => match is_ours(target) {
            Ok(()) => Ok(()),
            Err(why) => refuse(&format!(
                "exists and is not a chainlab results directory ({why})"
            )),
        },
    }
}

/// The longest file name most systems allow, in bytes.
pub(super) const MAX_NAME_BYTES: usize = 255;

/// The start of `name` (at most 100 bytes, whole characters) for a hidden sibling's
/// name, which adds its own suffix and must stay within [`MAX_NAME_BYTES`].
pub(super) fn short_name(name: &str) -> String {
    let mut short = String::new();
    for c in name.chars() {
        if short.len() + c.len_utf8() > 100 {
            break;
        }
        short.push(c);
    }
    short
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

/// A results directory being written: a fresh sibling of the target, which takes the
/// target's place on [`Staging::commit`] and is removed if dropped uncommitted.
pub struct Staging {
    tmp: PathBuf,
    target: PathBuf,
    done: bool,
    /// Directories `begin` created to hold the target, outermost first: removed again
    /// (if still empty) when the run fails.
    parents: Vec<PathBuf>,
}

pub(super) static STAGINGS: AtomicU32 = AtomicU32::new(0);

/// Staging directories this process is writing, so that a second Ctrl-C (which ends
/// the process at once) can remove them first.
static LIVE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Removes every staging directory this process has not finished: they are its own.
/// For the moment before the process ends abruptly.
pub fn remove_unfinished() {
    let live = LIVE.lock().map(|l| l.clone()).unwrap_or_default();
    for dir in live {
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn forget_live(dir: &Path) {
    if let Ok(mut live) = LIVE.lock() {
        live.retain(|d| d != dir);
    }
}

impl Staging {
    /// Checks the target ([`check_target`]), creates its parent if missing, and creates
    /// the staging directory with its marker.
    pub fn begin(target: &Path) -> Result<Staging, OutputError> {
        check_target(target)?;
        if is_sweep_dir(target) {
            return Err(OutputError(format!(
                "{}: holds a sweep; a run does not replace a sweep's results. Choose another --out (or scenario name), or move it away",
                target.display()
            )));
        }
        let (parent, name) = split(target)?;
        // Spelled as parent and plain name from here on (see check_target).
        let target = &parent.join(&name);
        let short = short_name(&name);
        let parents = create_parents(&parent)
            .map_err(|e| OutputError(format!("{}: cannot create it: {e}", parent.display())))?;
        let tmp = loop {
            let n = STAGINGS.fetch_add(1, Ordering::Relaxed);
            let tmp = parent.join(format!(".{short}.partial-{}-{n}", std::process::id()));
            // create_dir fails if anything is there: only a directory made here is used.
            match std::fs::create_dir(&tmp) {
                Ok(()) => break tmp,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(OutputError(format!(
                        "{}: cannot write there: {e}",
                        parent.display()
                    )))
                }
            }
        };
        if let Ok(mut live) = LIVE.lock() {
            live.push(tmp.clone());
        }
        let staging = Staging {
            tmp,
            target: target.to_path_buf(),
            done: false,
            parents,
        };
        write_marker(&staging.tmp)?;
        Ok(staging)
    }

    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Puts the finished directory in the target's place, replacing only what
    /// [`check_target`] allows (checked again: the target may have changed meanwhile).
    pub fn commit(mut self) -> Result<(), OutputError> {
        check_target(&self.target)?;
        if self.target.exists() {
            // An empty directory (remove_dir refuses anything else) or ours.
            let removed = if is_empty_dir(&self.target) {
                std::fs::remove_dir(&self.target)
            } else {
                std::fs::remove_dir_all(&self.target)
            };
            removed.map_err(|e| {
                OutputError(format!("{}: cannot replace it: {e}", self.target.display()))
            })?;
        }
        std::fs::rename(&self.tmp, &self.target).map_err(|e| {
            OutputError(format!(
                "{}: cannot move the results into place: {e}",
                self.target.display()
            ))
        })?;
        self.done = true;
        forget_live(&self.tmp);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            // Created by this process in `begin`: ours to remove.
            let _ = std::fs::remove_dir_all(&self.tmp);
            forget_live(&self.tmp);
            // remove_dir removes only an empty directory: nothing put there meanwhile.
            for dir in self.parents.iter().rev() {
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
}

/// Creates `dir` and its missing ancestors; returns the ones this call created,
/// outermost first.
fn create_parents(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut at = dir;
    while !at.as_os_str().is_empty() && std::fs::symlink_metadata(at).is_err() {
        missing.push(at.to_path_buf());
        match at.parent() {
            Some(up) => at = up,
            None => break,
        }
    }
    let mut created = Vec::new();
    for d in missing.into_iter().rev() {
        match std::fs::create_dir(&d) {
            Ok(()) => created.push(d),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Ok(created)
}

/// Marks `dir` as chainlab's.
pub fn write_marker(dir: &Path) -> Result<(), OutputError> {
    std::fs::write(dir.join(MARKER), MARKER_TEXT)
        .map_err(|e| OutputError(format!("{}: cannot write there: {e}", dir.display())))
}

/// Prepares a directory that chainlab fills over time (a sweep's): created with its
/// marker if missing, reused if empty or ours, refused otherwise.
pub fn open_own_dir(dir: &Path) -> Result<(), OutputError> {
    check_target(dir)?;
    if dir.join("summary.json").exists() {
        return Err(OutputError(format!(
            "{}: holds a run's results; a sweep goes to a directory of its own (choose another --out)",
            dir.display()
        )));
    }
    let (parent, name) = split(dir)?;
    let dir = &parent.join(name);
    std::fs::create_dir_all(dir)
        .map_err(|e| OutputError(format!("{}: cannot create it: {e}", dir.display())))?;
    write_marker(dir)
}

/// Refuses to write into `dir` unless chainlab wrote it (for `plot` and `merge`,
/// which add files to an existing results directory).
pub fn require_ours(dir: &Path) -> Result<(), OutputError> {
    is_ours(dir).map_err(|why| {
        OutputError(format!(
            "{}: not a chainlab results directory ({why}); chainlab adds files only to its own",
            dir.display()
        ))
    })
}
