//! `chainlab lab`: a local page for a classroom. A teacher picks a lesson, moves its
//! sliders and presses Run; the real engine runs the lesson (`runner`) and the page
//! shows the run's report with its replay playing. The server (tiny_http) listens on
//! 127.0.0.1 only, answers only requests addressed to it by that name (a page on
//! another site cannot reach it through DNS tricks) and takes runs only from its own
//! page (a custom header a cross-site form cannot send). Ctrl-C stops it; its scratch
//! directory goes with it.

pub mod lessons;
mod runner;

use crate::app::Error;
use runner::Runner;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tiny_http::{Header, Method, Request, Response, Server};

pub const DEFAULT_PORT: u16 = 8787;
/// The largest request body read (a lesson and a few sliders are ~200 bytes).
const BODY_LIMIT: u64 = 16 << 10;
/// The header the lab's page sends with every run request.
const PAGE_HEADER: &str = "X-Chainlab-Lab";

const PAGE: &str = include_str!("page.html");

/// Serves the lab on 127.0.0.1:`port` until `interrupt` is set; `ready` is told the
/// address once it listens.
pub fn serve(
    port: u16,
    interrupt: &AtomicBool,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), Error> {
    let server = Server::http(("127.0.0.1", port)).map_err(|e| {
        Error::BadInput(format!(
            "--port {port}: cannot listen on 127.0.0.1:{port} ({e}); choose another port with --port"
        ))
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("the lab is not on an IP address")))?;
    let mut runner = Runner::new()?;
    ready(addr);
    while !interrupt.load(Ordering::Relaxed) {
        // Wakes at least every 200 ms to see whether Ctrl-C was pressed.
        match server.recv_timeout(Duration::from_millis(200)) {
            Ok(Some(request)) => answer(request, addr.port(), &mut runner),
            Ok(None) => {}
            Err(e) => return Err(Error::Internal(anyhow::anyhow!("the lab's server: {e}"))),
        }
    }
    runner.cancel();
    Ok(())
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn reply(request: Request, code: u16, kind: &str, body: String) {
    let response = Response::from_string(body)
        .with_status_code(code)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"));
    // A browser that went away before its answer: nothing to do.
    let _ = request.respond(response);
}

fn json(request: Request, code: u16, value: &impl serde::Serialize) {
    let body = serde_json::to_string(value).expect("answers serialize");
    reply(request, code, "application/json", body);
}

fn error(request: Request, code: u16, message: &str) {
    json(request, code, &serde_json::json!({ "error": message }));
}

fn answer(mut request: Request, port: u16, runner: &mut Runner) {
    let host = (request.headers().iter())
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    // A browser leaves out the default port 80.
    let ours = |h: &str| match h.rsplit_once(':') {
        Some((name, p)) => (name == "127.0.0.1" || name == "localhost") && p == port.to_string(),
        None => port == 80 && (h == "127.0.0.1" || h == "localhost"),
    };
    if !host.as_deref().is_some_and(ours) {
        return error(
            request,
            403,
            "the lab answers only at 127.0.0.1 or localhost",
        );
    }
    let from_page = (request.headers().iter()).any(|h| h.field.equiv(PAGE_HEADER));
    let url = request.url().to_string();
    match (request.method(), url.as_str()) {
        (Method::Get, "/") => reply(request, 200, "text/html; charset=utf-8", PAGE.into()),
        (Method::Get, "/lessons") => json(request, 200, &lessons::infos()),
        (Method::Get, "/status") => json(request, 200, &runner.status()),
        (Method::Post, _) if !from_page => {
            error(request, 403, "runs are started from the lab's page")
        }
        (Method::Post, "/run") => match read_run(&mut request) {
            Ok(sc) => json(request, 200, &serde_json::json!({ "id": runner.start(sc) })),
            Err(message) => error(request, 400, &message),
        },
        (Method::Post, "/cancel") => {
            runner.cancel();
            json(request, 200, &runner.status())
        }
        (Method::Get, path) if path.starts_with("/report/") => report(request, runner, path),
        _ => error(request, 404, "no such page"),
    }
}

/// A run request: a lesson and slider values, by scenario key.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RunRequest {
    lesson: String,
    values: BTreeMap<String, f64>,
}

fn read_run(request: &mut Request) -> Result<crate::scenario::Scenario, String> {
    let mut body = Vec::new();
    (request.as_reader().take(BODY_LIMIT + 1))
        .read_to_end(&mut body)
        .map_err(|e| format!("the request could not be read: {e}"))?;
    if body.len() as u64 > BODY_LIMIT {
        return Err(format!("the request is over {BODY_LIMIT} bytes"));
    }
    let run: RunRequest =
        serde_json::from_slice(&body).map_err(|e| format!("the request is not a run: {e}"))?;
    let lesson = lessons::find(&run.lesson).ok_or_else(|| {
        let ids: Vec<&str> = lessons::LESSONS.iter().map(|l| l.id).collect();
        format!(
            "no lesson {:?}; the lessons are {}",
            run.lesson,
            ids.join(", ")
        )
    })?;
    let sliders = lessons::sliders_of(lesson.id);
    let mut sets = Vec::new();
    for (key, value) in &run.values {
        let Some(slider) = sliders.iter().find(|s| &s.key == key) else {
            return Err(format!("lesson {} has no slider {key}", lesson.id));
        };
        if !value.is_finite() {
            return Err(format!("{}: {value} is not a number", slider.label));
        }
        sets.push(lessons::setting(slider, *value));
    }
    lesson.scenario(&sets)
}

fn report(request: Request, runner: &Runner, path: &str) {
    let status = runner.status();
    let id = path["/report/".len()..].parse::<u64>().ok();
    if id != Some(status.id) || status.state != runner::State::Done {
        return error(request, 404, "no finished run with that number");
    }
    match std::fs::read_to_string(runner.dir(status.id).join("report.html")) {
        Ok(page) => reply(request, 200, "text/html; charset=utf-8", page),
        Err(e) => error(request, 500, &format!("the run's report.html: {e}")),
    }
}
