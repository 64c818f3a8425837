//! `chainlab lab` over HTTP, the way its page talks to it: lessons listed with their
//! sliders, a run started and its report (with the replay) served, bad values answered
//! with the scenario's message, requests from elsewhere refused, a run cancelled, and
//! Ctrl-C stopping the server with its scratch directory removed.
//! tests/browser/lab.mjs drives the same page in a real browser.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Lab {
    child: Child,
    addr: String,
    /// The lab's TMPDIR: checked empty at the end, removed when dropped.
    tmp: tempfile::TempDir,
}

fn start(name: &str) -> Lab {
    let tmp = (tempfile::Builder::new().prefix(&format!("chainlab-labtest-{name}-")))
        .tempdir()
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_chainlab"))
        .args(["lab", "--port", "0"])
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("an address in {line:?}"))
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    Lab { child, addr, tmp }
}

impl Lab {
    fn http(&self, method: &str, path: &str, headers: &[&str], body: &str) -> (u16, String) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        let mut request = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
        if !headers.iter().any(|h| h.starts_with("Host:")) {
            request.push_str(&format!("Host: {}\r\n", self.addr));
        }
        for h in headers {
            request.push_str(&format!("{h}\r\n"));
        }
        request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        s.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        let code = answer[9..12].parse().unwrap();
        let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        (code, body.to_string())
    }

    fn run(&self, body: &str) -> (u16, String) {
        self.http("POST", "/run", &["X-Chainlab-Lab: 1"], body)
    }

    fn status(&self) -> serde_json::Value {
        serde_json::from_str(&self.http("GET", "/status", &[], "").1).unwrap()
    }

    /// Waits for the latest run to leave "running".
    fn settled(&self) -> serde_json::Value {
        let started = Instant::now();
        loop {
            let s = self.status();
            if s["state"] != "running" {
                return s;
            }
            assert!(started.elapsed() < Duration::from_secs(120), "{s}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Ctrl-C: the server stops, says so, and leaves no scratch directory.
    fn interrupt(self) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success());
        let out = self.child.wait_with_output().unwrap();
        assert!(out.status.success(), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("chainlab lab stopped"));
        let left: Vec<_> = std::fs::read_dir(self.tmp.path()).unwrap().collect();
        assert!(left.is_empty(), "scratch left behind: {left:?}");
    }
}

#[test]
fn a_lesson_runs_and_its_report_is_served_with_the_replay() {
    let lab = start("run");
    let (code, page) = lab.http("GET", "/", &[], "");
    assert!(code == 200 && page.contains("chainlab lab"), "{code}");
    let lessons: serde_json::Value =
        serde_json::from_str(&lab.http("GET", "/lessons", &[], "").1).unwrap();
    assert_eq!(lessons.as_array().unwrap().len(), 9);
    let partition = &lessons[4];
    assert_eq!(partition["id"], "partition");
    assert!(partition["sliders"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["key"] == "faults.0.for" && s["value"] == 900.0));

    let (code, body) = lab.run(
        r#"{"lesson":"partition","values":{"faults.0.for":300,"consensus.block_interval":30}}"#,
    );
    assert_eq!(code, 200, "{body}");
    let done = lab.settled();
    assert_eq!(done["state"], "done", "{done}");
    let (code, report) = lab.http("GET", &format!("/report/{}", done["id"]), &[], "");
    assert_eq!(code, 200);
    // The slider moved the scenario: the partition in the replay lasts 300 s.
    assert!(
        report.contains(r#""start_ms":600000,"end_ms":900000"#),
        "the partition moved"
    );
    assert!(report.contains("id=\"replay-data\""));
    assert_eq!(lab.http("GET", "/report/999", &[], "").0, 404);
    lab.interrupt();
}

#[test]
fn bad_values_and_foreign_requests_get_a_clear_answer() {
    let lab = start("bad");
    let refused = |(code, body): (u16, String), expected: u16, says: &str| {
        assert_eq!(code, expected, "{body}");
        assert!(body.contains(says), "{body} should say {says}");
    };
    refused(
        lab.run(r#"{"lesson":"fork-race","values":{"network.latency":-50}}"#),
        400,
        "network.latency",
    );
    refused(
        lab.run(r#"{"lesson":"fork-race","values":{"attacks.0.hashrate":0.5}}"#),
        400,
        "no slider attacks.0.hashrate",
    );
    refused(
        lab.run(r#"{"lesson":"majority","values":{"attacks.0.hashrate":1.5}}"#),
        400,
        "hashrate",
    );
    refused(
        lab.run(r#"{"lesson":"nope","values":{}}"#),
        400,
        "the lessons are fork-race",
    );
    refused(lab.run("not json"), 400, "not a run");
    refused(
        lab.run(&format!(
            r#"{{"lesson":"{}","values":{{}}}}"#,
            "x".repeat(20_000)
        )),
        400,
        "bytes",
    );
    // A form on another site cannot send the lab's header, nor reach it by another name.
    refused(
        lab.http("POST", "/run", &[], r#"{"lesson":"reorg","values":{}}"#),
        403,
        "lab's page",
    );
    refused(
        lab.http("GET", "/status", &["Host: attacker.example:80"], ""),
        403,
        "127.0.0.1",
    );
    refused(lab.http("GET", "/etc/passwd", &[], ""), 404, "no such page");
    assert_eq!(lab.status()["state"], "idle", "nothing ran");
    lab.interrupt();
}

#[test]
fn a_run_can_be_cancelled() {
    let lab = start("cancel");
    // Forty 20-minute blocks of 3 signed payments a second: tens of seconds of work.
    let (code, body) =
        lab.run(r#"{"lesson":"fee-market","values":{"consensus.block_interval":1200}}"#);
    assert_eq!(code, 200, "{body}");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(lab.status()["state"], "running");
    lab.http("POST", "/cancel", &["X-Chainlab-Lab: 1"], "");
    assert_eq!(lab.settled()["state"], "cancelled");
    lab.interrupt();
}

#[test]
fn an_unwritable_scratch_place_is_the_users_to_fix() {
    let out = Command::new(env!("CARGO_BIN_EXE_chainlab"))
        .args(["lab", "--port", "0"])
        .env("TMPDIR", "/nonexistent/chainlab-lab-test")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("scratch directory") && err.contains("TMPDIR"),
        "{err}"
    );
}
