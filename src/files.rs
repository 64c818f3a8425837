//! Reading files chainlab did not write, or cannot trust: only regular files (a path
//! naming `/dev/zero`, a FIFO or a directory is refused before anything is read), and
//! never more than a stated number of bytes, so that a hostile path cannot make
//! chainlab read forever or allocate without bound.

use std::fmt;
use std::io::Read;
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
    let file =
        std::fs::File::open(path).map_err(|e| ReadError(format!("{place}: cannot read: {e}")))?;
    // The metadata of the open file, not of the path: no race between check and read.
    let meta = file
        .metadata()
        .map_err(|e| ReadError(format!("{place}: cannot read: {e}")))?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a directory"
        } else {
            "not a regular file (a device, pipe or socket)"
        };
        return Err(ReadError(format!(
            "{place} is {what}; give the path of a file"
        )));
    }
    Ok((file, meta.len()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_directories_are_refused_before_reading() {
        let err = read_limited(Path::new("/dev/zero"), 10, "test file").unwrap_err();
        assert!(err.0.contains("not a regular file"), "{err}");
        let err = read_limited(Path::new("/"), 10, "test file").unwrap_err();
        assert!(err.0.contains("a directory"), "{err}");
    }

    #[test]
    fn files_over_the_limit_are_refused_with_both_sizes() {
        let dir = std::env::temp_dir().join(format!("chainlab-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big");
        std::fs::write(&path, vec![b'x'; 101]).unwrap();
        let err = read_limited(&path, 100, "test file").unwrap_err();
        assert!(
            err.0.contains("101 bytes") && err.0.contains("at most 100"),
            "{err}"
        );
        assert_eq!(read_limited(&path, 101, "test file").unwrap().len(), 101);
        std::fs::write(&path, [0xff, 0xfe]).unwrap();
        assert!(read_text_limited(&path, 10, "test file").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
