//! Records the commit chainlab is built from (results directories name it in their
//! record.json), or `unknown` when built outside a git checkout.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    let commit = match git(&["rev-parse", "HEAD"]) {
        Some(hash) if !hash.is_empty() => {
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|s| !s.is_empty());
            if dirty {
                format!("{hash}+changes")
            } else {
                hash
            }
        }
        _ => "unknown".to_string(),
    };
    println!("cargo:rustc-env=CHAINLAB_COMMIT={commit}");
    // Git's files say when the commit or the index moves; the sources (directories
    // are scanned whole) say when a tracked file is edited without either moving, which
    // must turn the name into `+changes`: results would otherwise name a commit that
    // is not what built them.
    for path in [
        ".git/HEAD",
        ".git/index",
        ".git/refs/heads",
        "src",
        "assets",
        "scenarios",
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
    ] {
        println!("cargo:rerun-if-changed={path}");
    }
}
