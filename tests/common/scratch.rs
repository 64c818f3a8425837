//! A test's scratch directory: made with a fresh name by `tempfile` and removed when
//! the test ends, passed or failed, so runs leave nothing in the temporary directory
//! and never reuse (or remove) a directory another run or process made.

use std::ffi::OsStr;
use std::path::Path;

pub struct Scratch(tempfile::TempDir);

impl Scratch {
    /// A new empty directory whose name starts `chainlab-{prefix}-`.
    pub fn new(prefix: &str) -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix(&format!("chainlab-{prefix}-"))
            .tempdir()
            .expect("a scratch directory");
        Scratch(dir)
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<OsStr> for Scratch {
    fn as_ref(&self) -> &OsStr {
        self.0.path().as_os_str()
    }
}
