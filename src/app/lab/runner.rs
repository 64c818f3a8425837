//! The lab's runs: one at a time, each on its own thread through the same `app::run` as
//! `chainlab run`, into a directory of its own under a scratch directory the lab made
//! (and removes when it stops). Starting a run cancels the one before; a cancelled
//! run writes nothing.

use crate::app::{self, Error, Outputs};
use crate::scenario::Scenario;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Serialize, Clone, Copy, PartialEq, Debug)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Idle,
    Running,
    Done,
    Failed,
    Cancelled,
}

/// What the page is told about the latest run.
#[derive(Serialize, Clone, Debug)]
pub struct Status {
    pub id: u64,
    pub state: State,
    /// Of the run, 0 to 1, as far as the engine can say.
    pub fraction: f64,
    pub message: String,
}

pub struct Runner {
    scratch: tempfile::TempDir,
    status: Arc<Mutex<Status>>,
    cancel: Arc<AtomicBool>,
}

impl Runner {
    pub fn new() -> Result<Self, Error> {
        let scratch = tempfile::Builder::new()
            .prefix("chainlab-lab-")
            .tempdir()
            .map_err(|e| {
                Error::BadInput(format!(
                    "cannot make the lab's scratch directory in {} ({e}); set TMPDIR to a directory you can write to",
                    std::env::temp_dir().display()
                ))
            })?;
        Ok(Runner {
            scratch,
            status: Arc::new(Mutex::new(Status {
                id: 0,
                state: State::Idle,
                fraction: 0.0,
                message: "Pick a lesson, move the sliders, press Run.".into(),
            })),
            cancel: Arc::new(AtomicBool::new(false)),
        })
    }

    pub fn status(&self) -> Status {
        self.status.lock().expect("status lock").clone()
    }

    /// Where run `id` writes its results.
    pub fn dir(&self, id: u64) -> PathBuf {
        self.scratch.path().join(format!("run-{id}"))
    }

    /// Stops the run under way, if any (it writes nothing).
    pub fn cancel(&mut self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    /// Starts `sc`, cancelling the run under way; returns the new run's id.
    pub fn start(&mut self, sc: Scenario) -> u64 {
        self.cancel();
        let cancel = Arc::new(AtomicBool::new(false));
        self.cancel = Arc::clone(&cancel);
        let id = {
            let mut s = self.status.lock().expect("status lock");
            *s = Status {
                id: s.id + 1,
                state: State::Running,
                fraction: 0.0,
                message: format!("running {}", sc.name),
            };
            s.id
        };
        // Runs before the last are finished (a cancelled one writes nothing): their
        // directories go, so that a day of classes does not fill the disk.
        for old in 1..id.saturating_sub(1) {
            let _ = std::fs::remove_dir_all(self.dir(old));
        }
        let (status, dir) = (Arc::clone(&self.status), self.dir(id));
        std::thread::spawn(move || {
            let update = |f: &dyn Fn(&mut Status)| {
                let mut s = status.lock().expect("status lock");
                if s.id == id {
                    f(&mut s); // a newer run's status is not this one's to change
                }
            };
            let outcome = app::run(&sc, &dir, Outputs::default(), &cancel, |p| {
                update(&|s| s.fraction = p.fraction)
            });
            update(&|s| {
                (s.state, s.message) = match &outcome {
                    Ok(done) => (State::Done, summary_line(&done.summary)),
                    Err(Error::Interrupted) => (State::Cancelled, "cancelled".into()),
                    Err(e) => (State::Failed, e.to_string()),
                };
                s.fraction = 1.0;
            });
        });
        id
    }
}

fn summary_line(s: &crate::results::Summary) -> String {
    let mean = s
        .block_interval_s_mean
        .map_or("n/a".into(), |m| format!("{m:.0} s"));
    format!(
        "{} blocks on the main chain, {} stale; one block every {mean} on average",
        s.blocks_main, s.blocks_stale
    )
}
