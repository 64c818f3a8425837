//! The command line as tests call it: the binary, scratch directories, scenario
//! files, and a small run to look into.

use std::path::{Path, PathBuf};
use std::process::Command;

pub use super::scratch::Scratch;

pub fn chainlab() -> Command {
    Command::new(env!("CARGO_BIN_EXE_chainlab"))
}

/// A scratch directory of the test's own, removed when it is dropped.
pub fn temp_dir(name: &str) -> Scratch {
    Scratch::new(&format!("test-{name}"))
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A small network that runs in a moment: 60 nodes, 3 miners, 12 blocks, payments.
pub const SMALL: &str = "
name: small
seed: 7
stop: { blocks: 12 }
network: { nodes: 60, latency: 80ms, jitter: 30ms }
consensus: { block_interval: 30s, retarget_interval: 5 }
mining: { miners: 3 }
workload: { tx_rate: 2/s, wallets: 30, coins_per_wallet: 5 }
";

/// Runs SMALL into a scratch directory: (the directory, the results in it).
pub fn run_small(name: &str) -> (Scratch, PathBuf) {
    let dir = temp_dir(name);
    let scenario = write(&dir, "small.yaml", SMALL);
    let out = dir.join("out");
    let r = chainlab()
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    (dir, out)
}
