//! Single files chainlab writes where the user says (`inspect --svg`): a new file, or
//! one chainlab wrote before (it starts with chainlab's mark); never anything else.

use super::outdir::{short_name, split, OutputError, MAX_NAME_BYTES, STAGINGS};
use std::path::Path;
use std::sync::atomic::Ordering;

/// The comment every SVG picture chainlab draws on request (`inspect --svg`) carries:
/// the proof that a file at that path may be replaced.
pub const SVG_MARK: &str = "<!-- drawn by chainlab -->";

/// Whether the file at `path` starts with `mark`: a file chainlab wrote does; one that
/// merely contains it (notes quoting a picture) is someone else's.
pub fn starts_with_mark(path: &Path, mark: &str) -> bool {
    let mut head = Vec::with_capacity(mark.len());
    let read = crate::files::open_regular(path).map(|(f, _)| {
        std::io::Read::read_to_end(&mut std::io::Read::take(f, mark.len() as u64), &mut head)
    });
    read.is_ok() && head == mark.as_bytes()
}

/// Writes `bytes` to `path`, a file the user named: a new file, or one carrying `mark`
/// (chainlab wrote it). Anything else there is refused. Written beside the target and
/// renamed into place, so a failure leaves the old file whole.
pub fn write_own_file(path: &Path, bytes: &[u8], mark: &str) -> Result<(), OutputError> {
    let (parent, name) = split(path).map_err(|_| {
        OutputError(format!(
            "{}: name the file itself (such as tree.svg), not `.`, `..` or `/`",
            path.display()
        ))
    })?;
    let path = &parent.join(&name);
    if name.len() > MAX_NAME_BYTES {
        return Err(OutputError(format!(
            "{}: the name is {} bytes; file names are at most {MAX_NAME_BYTES}",
            path.display(),
            name.len()
        )));
    }
    let name = short_name(&name);
    let refuse = |what: &str| {
        Err(OutputError(format!(
            "{}: {what}; chainlab overwrites only files it wrote. Choose another name, or move it away",
            path.display()
        )))
    };
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return refuse(&format!("cannot be examined ({e})")),
        Ok(m) if !m.is_file() => return refuse("exists and is not a plain file"),
        Ok(_) if !starts_with_mark(path, mark) => {
            return refuse("exists and was not written by chainlab")
        }
        Ok(_) => {}
    }
    let n = STAGINGS.fetch_add(1, Ordering::Relaxed);
    let tmp = parent.join(format!(".{name}.partial-{}-{n}", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
        .and_then(|()| std::fs::rename(&tmp, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        OutputError(format!("{}: cannot write it: {e}", path.display()))
    })
}
