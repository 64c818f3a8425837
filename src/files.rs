//! Reading files chainlab did not write, or cannot trust: only regular files (a path
//! naming `/dev/zero`, a FIFO or a directory is refused before anything is read), and
//! never more than a stated number of bytes, so that a hostile path cannot make
//! chainlab read forever or allocate without bound.

use std::fmt;
use std::io::{BufReader, Read};
use std::path::Path;

/// Why a file could not be read; the message names the path.
#[derive(Debug)]
pub struct ReadError(pub String);

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ReadError {}

/// Opens `path` for reading if it is a regular file (symbolic links are followed to
/// what they name), and says how long it is.
pub fn open_regular(path: &Path) -> Result<(std::fs::File, u64), ReadError> {
    let place = path.display();
    let cannot = |e: std::io::Error| ReadError(format!("{place}: cannot read: {e}"));
    // Checked before opening: opening a FIFO blocks until someone writes to it.
    require_regular(path, &std::fs::metadata(path).map_err(cannot)?)?;
    let file = std::fs::File::open(path).map_err(cannot)?;
    // And again on the open file: the path may have been swapped in between.
    let meta = file.metadata().map_err(cannot)?;
    require_regular(path, &meta)?;
    Ok((file, meta.len()))
}

fn require_regular(path: &Path, meta: &std::fs::Metadata) -> Result<(), ReadError> {
    if meta.is_file() {
        return Ok(());
    }
    let what = if meta.is_dir() {
        "a directory"
    } else {
        "not a regular file (a device, pipe or socket)"
    };
    Err(ReadError(format!(
        "{} is {what}; give the path of a file",
        path.display()
    )))
}

/// The whole of a regular file of at most `limit` bytes. `what` names the file's role
/// in the message ("scenario file", "topology file").
pub fn read_limited(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>, ReadError> {
    let (file, len) = open_regular(path)?;
    let too_big = |len: u64| {
        ReadError(format!(
            "{}: the {what} is {len} bytes; at most {limit} are read",
            path.display()
        ))
    };
    if len > limit {
        return Err(too_big(len));
    }
    // The file may grow between the check and the read: never take more than the limit.
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError(format!("{}: cannot read: {e}", path.display())))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// As [`read_limited`], as UTF-8 text.
pub fn read_text_limited(path: &Path, limit: u64, what: &str) -> Result<String, ReadError> {
    let bytes = read_limited(path, limit, what)?;
    String::from_utf8(bytes).map_err(|e| {
        ReadError(format!(
            "{}: the {what} is not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

/// No line of a results table is near this long: a longer one is refused before it
/// fills memory (a file of one huge line would otherwise be read whole).
const MAX_LINE_BYTES: usize = 1 << 20;

/// A reader that fails once a line runs past [`MAX_LINE_BYTES`].
struct LineLimited<R> {
    inner: R,
    line: usize,
}

impl<R> LineLimited<R> {
    fn new(inner: R) -> Self {
        LineLimited { inner, line: 0 }
    }
}

impl<R: Read> Read for LineLimited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            self.line = if b == b'\n' { 0 } else { self.line + 1 };
            if self.line > MAX_LINE_BYTES {
                return Err(std::io::Error::other(format!(
                    "a line longer than {MAX_LINE_BYTES} bytes; a chainlab table has no such line"
                )));
            }
        }
        Ok(n)
    }
}

/// A CSV file chainlab did not necessarily write, read as a stream of records: a
/// regular file only, no line longer than [`MAX_LINE_BYTES`].
pub fn csv_reader(path: &Path) -> Result<csv::Reader<impl Read>, ReadError> {
    let (file, _) = open_regular(path)?;
    Ok(csv::Reader::from_reader(LineLimited::new(BufReader::new(
        file,
    ))))
}

/// A CSV reader's error in words, with the line it is on: what was found (a row of the
/// wrong length, bytes that are not text), not the library's record and byte counts.
pub fn csv_error(e: &csv::Error) -> String {
    let line = e.position().map(|p| p.line());
    let text = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("has {len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { err, .. } => {
            format!("field {} is not UTF-8 text", err.field() + 1)
        }
        csv::ErrorKind::Io(io) => format!("cannot be read ({io})"),
        _ => "cannot be read as CSV".to_string(),
    };
    match line {
        Some(line) => format!("line {line} {text}"),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_directories_are_refused_before_reading() {
        let err = read_limited(Path::new("/dev/zero"), 10, "test file").unwrap_err();
        assert!(err.0.contains("not a regular file"), "{err}");
        let err = read_limited(Path::new("/"), 10, "test file").unwrap_err();
        assert!(err.0.contains("a directory"), "{err}");
        // A FIFO would block the open itself until a writer came.
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let err = read_limited(&fifo, 10, "test file").unwrap_err();
            assert!(err.0.contains("not a regular file"), "{err}");
        }
    }

    #[test]
    fn files_over_the_limit_are_refused_with_both_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        std::fs::write(&path, vec![b'x'; 101]).unwrap();
        let err = read_limited(&path, 100, "test file").unwrap_err();
        assert!(
            err.0.contains("101 bytes") && err.0.contains("at most 100"),
            "{err}"
        );
        assert_eq!(read_limited(&path, 101, "test file").unwrap().len(), 101);
        std::fs::write(&path, [0xff, 0xfe]).unwrap();
        assert!(read_text_limited(&path, 10, "test file").is_err());
    }
}
