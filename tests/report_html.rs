//! report.html in a real headless browser (Debian's chromium, which `.ci/run`
//! installs): the page loads from the file alone and shows the summary table, every
//! plot and the story, and its replay script runs to the end of the run. Without a
//! browser the test says so and passes, unless CHAINLAB_REQUIRE_BROWSER=1 (set by
//! `.ci/run` once it has installed one).

use std::path::{Path, PathBuf};
use std::process::Command;

fn browser() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHAINLAB_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .map(|name| Path::new("/usr/bin").join(name))
        .find(|p| p.is_file())
}

/// The page at `url` as chromium has it after its scripts ran (5 s of virtual time).
fn dump_dom(chromium: &Path, url: &str) -> String {
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=5000",
            "--dump-dom",
            url,
        ])
        .output()
        .expect("chromium starts");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn report_renders_in_a_headless_browser() {
    let scratch = (tempfile::Builder::new().prefix("chainlab-report-"))
        .tempdir()
        .unwrap();
    let dir = scratch.path().to_path_buf();
    let status = Command::new(env!("CARGO_BIN_EXE_chainlab"))
        .args([
            "run",
            "scenarios/quickstart.yaml",
            "--set",
            "stop.blocks=12",
            "--out",
        ])
        .arg(&dir)
        .output()
        .expect("chainlab runs");
    assert!(status.status.success(), "{status:?}");
    let page = dir.join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "self-contained: nothing fetched from the network"
    );

    let Some(chromium) = browser() else {
        assert!(
            std::env::var("CHAINLAB_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "CHAINLAB_REQUIRE_BROWSER=1 but no chromium found"
        );
        eprintln!("no chromium on this machine: report.html checked as text only");
        return;
    };
    let url = format!("file://{}", page.display());
    let dom = dump_dom(&chromium, &url);
    assert!(
        dom.contains("<table id=\"summary\">"),
        "summary table rendered"
    );
    for plot in [
        "propagation_cdf",
        "confirmation_cdf",
        "stale_over_time",
        "miners",
        "fork_tree",
    ] {
        assert!(
            dom.contains(&format!("id=\"{plot}\"")),
            "{plot} missing from the rendered page"
        );
    }
    assert!(
        dom.contains("found block 1 (height 1)"),
        "the story is there"
    );

    replay_plays_to_the_end(&chromium, &dir);
    screenshot_shows_every_image(&chromium, &url, &dir);
    if std::env::var_os("CHAINLAB_KEEP_SCREENSHOT").is_some() {
        eprintln!("screenshot kept in {}", scratch.keep().display());
    }
}

/// A screenshot: the browser decoded and laid out every inline image.
fn screenshot_shows_every_image(chromium: &Path, url: &str, dir: &Path) {
    let shot = dir.join("report.png");
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1280,2400",
        ])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(url)
        .output()
        .expect("chromium starts");
    assert!(status.status.success(), "{status:?}");
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 50_000,
        "{} bytes",
        png.len()
    );
}

/// The replay's script ran in the browser, drew every shown node and, opened at the
/// run's end ("#t=end"), says every block mined, which it counts from its own data:
/// a script that fails anywhere leaves "The replay needs JavaScript." instead.
fn replay_plays_to_the_end(chromium: &Path, dir: &Path) {
    let replay: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("replay.json")).unwrap()).unwrap();
    let blocks = replay["blocks"].as_array().unwrap();
    let mined = blocks.iter().filter(|b| !b["parent"].is_null()).count();
    let shown = replay["shown"].as_array().unwrap().len();
    assert!(mined >= 12 && shown == 200, "{mined} blocks, {shown} nodes");
    let url = format!("file://{}#t=end", dir.join("report.html").display());
    let dom = dump_dom(chromium, &url);
    assert!(
        !dom.contains("The replay needs JavaScript."),
        "the replay script ran"
    );
    assert!(
        dom.contains(&format!("{mined} blocks mined")),
        "the replay at its end counts {mined} blocks"
    );
    assert!(
        dom.contains(&format!("data-nodes=\"{shown}\"")),
        "every shown node drawn"
    );
    assert!(
        dom.contains("held by 200 of 200 shown nodes"),
        "the last block reached all"
    );
}
