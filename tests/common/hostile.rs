//! What the hostile-input tests share: a workspace with a sentinel beside it, running
//! chainlab there, and the checks every refusal must pass (exit 2, one message in the
//! user's words, nothing around it touched, nothing half-written left).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub use super::scratch::Scratch;

pub fn chainlab(cwd: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_chainlab"));
    c.current_dir(cwd);
    c
}

/// A fresh working directory holding a sentinel file (and a project file in `project/`).
/// It is removed when dropped.
pub fn workspace(name: &str) -> Scratch {
    let dir = Scratch::new(&format!("hostile-{name}"));
    std::fs::create_dir_all(dir.join("project")).unwrap();
    std::fs::write(dir.join("sentinel.txt"), "keep me").unwrap();
    std::fs::write(dir.join("project/notes.md"), "my notes").unwrap();
    dir
}

pub const TINY: &str = "stop: { blocks: 3 }\nnetwork: { nodes: 10, outbound: 3 }\nmining: { miners: 2 }\nworkload: { tx_rate: 0/s }\n";

pub fn scenario(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Exit 2, the message names what it should, no library internals, no panic.
pub fn refused(out: &Output, expected: &[&str]) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "exit code; stderr: {err}");
    for e in expected {
        assert!(err.contains(e), "message lacks {e:?}: {err}");
    }
    for internal in [
        "panicked",
        "DuplicateKeyPolicy",
        "from_str_multiple",
        "budget breached",
        "BackendError",
        "invalid u32",
        "internal error",
    ] {
        assert!(
            !err.contains(internal),
            "library internals reached the user: {err}"
        );
    }
    assert_eq!(
        err.trim_end()
            .lines()
            .filter(|l| l.starts_with("chainlab:"))
            .count(),
        1,
        "one message: {err}"
    );
    err
}

/// The sentinel and the project are as they were; nothing chainlab was writing is left.
pub fn untouched(dir: &Path) {
    assert_eq!(
        std::fs::read_to_string(dir.join("sentinel.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("project/notes.md")).unwrap(),
        "my notes"
    );
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            assert!(!name.contains(".partial-"), "left behind: {}", p.display());
            if p.is_dir() && !p.is_symlink() {
                stack.push(p);
            }
        }
    }
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    chainlab(dir).args(args).output().unwrap()
}

/// A long run, started in `dir` with `args` and sent `signal` (as `kill` names it,
/// `-INT`) after 1.5 s: its output once it has stopped.
pub fn interrupted(dir: &Path, args: &[&str], signal: &str) -> Output {
    scenario(dir, "long.yaml", "stop: { blocks: 100000 }\nnetwork: { nodes: 2000 }\nconsensus: { retarget_interval: 0 }\nworkload: { tx_rate: 0/s }\n");
    let child = chainlab(dir)
        .args(args)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args([signal, &pid])
        .status()
        .unwrap()
        .success());
    child.wait_with_output().unwrap()
}
