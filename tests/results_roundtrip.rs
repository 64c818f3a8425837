//! A results directory read back gives what the run drew: `chainlab plot` redraws
//! every picture and report.html byte for byte, from the tables alone. Times in the
//! tables are rounded to the microsecond; the run draws from the rounded values too,
//! or a CDF step can land one pixel apart (it did, with light nodes).

use std::path::{Path, PathBuf};
use std::process::Command;

fn chainlab(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_chainlab"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn drawn(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = vec![dir.join("report.html")];
    for e in std::fs::read_dir(dir.join("plots")).unwrap() {
        files.push(e.unwrap().path());
    }
    files.sort();
    files
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect()
}

fn redraws_identically(name: &str, scenario: &str, sets: &[&str]) {
    let dir = (tempfile::Builder::new().prefix(&format!("chainlab-roundtrip-{name}-")))
        .tempdir()
        .unwrap();
    let dir = dir.path();
    let out = dir.join("r");
    let mut args = vec!["run", scenario, "--out", out.to_str().unwrap()];
    for s in sets {
        args.extend(["--set", s]);
    }
    chainlab(&args);
    let before = drawn(&out);
    std::fs::remove_dir_all(out.join("plots")).unwrap();
    std::fs::remove_file(out.join("report.html")).unwrap();
    chainlab(&["plot", out.to_str().unwrap()]);
    let after = drawn(&out);
    assert_eq!(before.len(), after.len());
    for ((path, a), (_, b)) in before.iter().zip(&after) {
        assert!(a == b, "{} differs after chainlab plot", path.display());
    }
}

#[test]
fn light_nodes_run_redraws_identically() {
    let root = env!("CARGO_MANIFEST_DIR");
    let quickstart = format!("{root}/scenarios/quickstart.yaml");
    redraws_identically(
        "light",
        &quickstart,
        &["network.light_nodes=0.5", "stop.blocks=10"],
    );
}

#[test]
fn attack_and_fault_runs_redraw_identically() {
    let root = env!("CARGO_MANIFEST_DIR");
    for lesson in ["majority", "partition"] {
        let path = format!("{root}/scenarios/classroom/{lesson}.yaml");
        redraws_identically(lesson, &path, &[]);
    }
}
