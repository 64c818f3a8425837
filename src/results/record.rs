//! `record.json`: how a results directory was made (chainlab's version and the commit
//! it was built from, the command line, the resolved scenario's SHA-256 and the seed)
//! and the SHA-256 of every file chainlab wrote there. It describes the making, not the
//! results, so it differs between machines and command lines (like summary.json's
//! `perf`). Reading a directory back checks the files it reads against the record: a
//! file changed since chainlab wrote it is refused, not drawn or narrated.

use super::outdir::MARKER;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

pub const RECORD: &str = "record.json";

/// The commit chainlab was built from (build.rs), or `unknown` outside a checkout.
pub const COMMIT: &str = env!("CHAINLAB_COMMIT");

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Record {
    pub chainlab: String,
    pub commit: String,
    pub command: Vec<String>,
    pub scenario_sha256: Option<String>,
    pub seeds: Vec<u64>,
    /// Every file chainlab wrote, by path below the directory: its SHA-256.
    pub files: BTreeMap<String, String>,
}

/// SHA-256 of a file, read as a stream.
fn file_sha256(path: &Path) -> std::io::Result<String> {
    let (mut file, _) = crate::files::open_regular(path).map_err(|e| std::io::Error::other(e.0))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match file.read(&mut buf)? {
            0 => return Ok(hex::encode(hasher.finalize())),
            n => hasher.update(&buf[..n]),
        }
    }
}

/// A shard's own record (`record.shard-I-of-N.json`).
pub fn is_shard_record(name: &str) -> bool {
    name.starts_with("record.shard-") && name.ends_with(".json")
}

/// The files below `dir` a record covers: all but the marker, the record itself and
/// the point directories of a sweep (each has its own record, and one still being
/// written, another shard's, will have).
fn covered(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, prefix)) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = format!("{prefix}{name}");
            let kind = entry.file_type()?;
            if kind.is_dir() {
                let point = super::outdir::is_point_name(&name)
                    || super::outdir::is_staging_of_point(&name);
                if !point {
                    stack.push((entry.path(), format!("{rel}/")));
                }
            } else if rel != MARKER && !(rel == RECORD || is_shard_record(&rel)) {
                names.push(rel);
            }
        }
    }
    names.sort();
    Ok(names)
}

/// Whether the records in `dir` (record.json and any shard's) vouch for its files:
/// every file a record lists is unchanged, and — when `strict`, for a run's directory —
/// every file is listed. A sweep's own tables may be unlisted (an interrupted sweep
/// leaves some; they are rewritten), but never changed. Pictures `inspect --svg` drew
/// (they carry its mark) are the user's request, not the record's.
pub fn vouches_for(dir: &Path, strict: bool) -> Result<(), String> {
    let names = covered(dir).map_err(|e| format!("cannot list it: {e}"))?;
    let names: Vec<String> = (names.into_iter())
        .filter(|n| !(n.ends_with(".svg") && !n.contains('/') && svg_of_inspect(&dir.join(n))))
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    let mut records = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot list it: {e}"))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == RECORD || is_shard_record(&name) {
            records.push(Record::read_named(dir, &name)?);
        }
    }
    if records.is_empty() && strict {
        return Err(format!(
            "it has no {RECORD}, so nothing shows chainlab wrote its files"
        ));
    }
    for name in names {
        let path = dir.join(&name);
        match records.iter().find_map(|r| r.files.get(&name)) {
            Some(hash) if file_sha256(&path).ok().as_ref() != Some(hash) => {
                return Err(format!(
                    "{}: changed since chainlab wrote it (its SHA-256 differs from the record)",
                    path.display()
                ))
            }
            Some(_) => {}
            None if strict => {
                return Err(format!(
                    "it holds {}, which its {RECORD} does not list",
                    path.display()
                ))
            }
            None => {}
        }
    }
    Ok(())
}

fn svg_of_inspect(path: &Path) -> bool {
    super::outdir::starts_with_mark(path, super::outdir::SVG_MARK)
}

impl Record {
    /// A record of this process's making, for files still to be listed by `seal`.
    pub fn new(scenario_yaml: Option<&str>, seeds: Vec<u64>) -> Record {
        Record {
            chainlab: env!("CARGO_PKG_VERSION").to_string(),
            commit: COMMIT.to_string(),
            command: std::env::args().collect(),
            scenario_sha256: scenario_yaml.map(|y| hex::encode(Sha256::digest(y.as_bytes()))),
            seeds,
            files: BTreeMap::new(),
        }
    }

    /// Lists every file now in `dir` with its hash and writes the record there.
    pub fn seal(self, dir: &Path) -> std::io::Result<()> {
        let names = covered(dir)?;
        self.seal_files(dir, RECORD, &names)
    }

    /// Lists `names` (files in `dir`) with their hashes in a record of its own,
    /// `record_name`: a shard's, written beside other shards' in one shared directory.
    pub fn seal_files(
        mut self,
        dir: &Path,
        record_name: &str,
        names: &[String],
    ) -> std::io::Result<()> {
        self.files.clear();
        for name in names {
            let hash = file_sha256(&dir.join(name))?;
            self.files.insert(name.clone(), hash);
        }
        let mut json = serde_json::to_string_pretty(&self).map_err(std::io::Error::other)?;
        json.push('\n');
        std::fs::write(dir.join(record_name), json)
    }

    pub fn read(dir: &Path) -> Result<Record, String> {
        Self::read_named(dir, RECORD)
    }

    pub fn read_named(dir: &Path, name: &str) -> Result<Record, String> {
        let path = dir.join(name);
        let text = crate::files::read_text_limited(&path, 64 << 20, "record").map_err(|e| {
            format!(
                "{} (a results directory of this chainlab holds one; rerun the scenario)",
                e.0
            )
        })?;
        serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}: not a chainlab record (line {}, column {}); rerun the scenario",
                path.display(),
                e.line(),
                e.column()
            )
        })
    }

    /// Checks that each of `names` is as chainlab wrote it (files not there are
    /// skipped when `optional`).
    pub fn verify(dir: &Path, names: &[&str], optional: &[&str]) -> Result<Record, String> {
        Self::verify_named(dir, RECORD, names, optional)
    }

    /// As [`Record::verify`], against the record `record_name`.
    pub fn verify_named(
        dir: &Path,
        record_name: &str,
        names: &[&str],
        optional: &[&str],
    ) -> Result<Record, String> {
        let record = Record::read_named(dir, record_name)?;
        for name in names.iter().chain(optional) {
            let path = dir.join(name);
            let Some(expected) = record.files.get(*name) else {
                if optional.contains(name) && !path.exists() {
                    continue;
                }
                return Err(format!(
                    "{}: not listed in {record_name}; chainlab did not write it",
                    path.display()
                ));
            };
            let actual =
                file_sha256(&path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            if &actual != expected {
                return Err(format!(
                    "{}: changed since chainlab wrote it (its SHA-256 differs from {record_name}); rerun the scenario to get it back",
                    path.display()
                ));
            }
        }
        Ok(record)
    }
}
