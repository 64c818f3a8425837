//! The run loop, apart from any model: events come out in (time, sequence) order and
//! go to the model, until the model says it is finished (or the stop time passes);
//! from then on events that start new work are dropped while messages already in
//! flight are still delivered, so that the last blocks' propagation is measured in
//! full. Progress is reported, and an interrupt honoured, every [`REPORT_EVERY`]
//! events.

use super::{EventQueue, SimTime};
use std::sync::atomic::{AtomicBool, Ordering};

/// A simulated system the engine drives.
pub trait Model {
    type Event;

    /// The model's own stop condition holds (a block count reached, every attack
    /// made): checked before each event.
    fn finished(&self) -> bool;

    /// Whether `event` starts new work (a block found, a payment made, a fault or an
    /// attack beginning): such events are dropped once the run has stopped.
    fn starts_work(event: &Self::Event) -> bool;

    /// The model's event queue: it schedules into it as it handles events.
    fn queue(&mut self) -> &mut EventQueue<Self::Event>;

    fn handle(&mut self, now: SimTime, event: Self::Event);

    /// Called before each event is handled, with the one after it still queued:
    /// the model may start loading what that one will read (`sim::prefetch`). A hint
    /// only, with no effect on results; nothing by default.
    fn prefetch_next(&self) {}

    /// The stop condition first held at `at` (before what is in flight is delivered):
    /// for what the model reads off at the stop itself. Nothing by default.
    fn stopped(&mut self, _at: SimTime) {}

    /// What a progress report shows besides the time (the best chain's height).
    fn height(&self) -> u32;
}

/// Events between progress reports and interrupt checks.
pub const REPORT_EVERY: u64 = 100_000;

pub struct Progress {
    pub now: SimTime,
    pub height: u32,
    pub events: u64,
}

/// How a run ended.
pub struct Finish {
    /// When the stop condition first held (at most the stop time), or when the last
    /// event ran if it never did.
    pub end_time: SimTime,
    pub events: u64,
    /// Stopped by the interrupt flag: the model is in mid-run.
    pub interrupted: bool,
}

/// Runs `model` until its queue is empty; see the module comment. Without `drain`,
/// the run ends at the stop instead: what is still in flight is dropped.
pub fn run<M: Model>(
    model: &mut M,
    (stop_time, drain): (SimTime, bool),
    interrupt: Option<&AtomicBool>,
    mut progress: impl FnMut(Progress),
) -> Finish {
    let mut last_report = 0;
    let mut stopped_at: Option<SimTime> = None;
    let mut interrupted = false;
    if !drain {
        model.queue().set_horizon(stop_time);
    }
    while let Some((now, event)) = model.queue().pop() {
        if stopped_at.is_none() && (now > stop_time || model.finished()) {
            stopped_at = Some(now.min(stop_time));
            model.stopped(now.min(stop_time));
            if !drain {
                break;
            }
        }
        if stopped_at.is_some() && M::starts_work(&event) {
            continue;
        }
        model.prefetch_next();
        model.handle(now, event);
        let processed = model.queue().processed();
        if processed - last_report >= REPORT_EVERY {
            last_report = processed;
            progress(Progress {
                now,
                height: model.height(),
                events: processed,
            });
            if interrupt.is_some_and(|f| f.load(Ordering::Relaxed)) {
                interrupted = true;
                break;
            }
        }
    }
    // The queue kept no event past the stop time: where one was scheduled, the run
    // ends as it did when that event came out of the queue (and counted as handled).
    let mut events = model.queue().processed();
    if stopped_at.is_none() && !interrupted && model.queue().beyond_horizon() > 0 {
        stopped_at = Some(stop_time);
        model.stopped(stop_time);
        events += 1;
    }
    let queue = model.queue();
    Finish {
        end_time: stopped_at.unwrap_or(queue.now()).min(stop_time),
        events,
        interrupted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts to a limit: each event schedules the next, and a message in flight.
    struct Counter {
        count: u32,
        limit: u32,
        delivered: u32,
        /// (when, messages delivered by then) for each call of `stopped`.
        stops: Vec<(SimTime, u32)>,
        queue: EventQueue<Ev>,
    }

    impl Counter {
        fn new(limit: u32) -> Self {
            let mut queue = EventQueue::new();
            queue.schedule(SimTime(0), Ev::Tick);
            Counter {
                count: 0,
                limit,
                delivered: 0,
                stops: Vec::new(),
                queue,
            }
        }
    }

    #[derive(Debug)]
    enum Ev {
        Tick,
        Message,
    }

    impl Model for Counter {
        type Event = Ev;
        fn finished(&self) -> bool {
            self.count >= self.limit
        }
        fn starts_work(event: &Ev) -> bool {
            matches!(event, Ev::Tick)
        }
        fn queue(&mut self) -> &mut EventQueue<Ev> {
            &mut self.queue
        }
        fn handle(&mut self, _: SimTime, event: Ev) {
            match event {
                Ev::Tick => {
                    self.count += 1;
                    self.queue.schedule_in(SimTime(10), Ev::Tick);
                    self.queue.schedule_in(SimTime(25), Ev::Message);
                }
                Ev::Message => self.delivered += 1,
            }
        }
        fn height(&self) -> u32 {
            self.count
        }
        fn stopped(&mut self, at: SimTime) {
            self.stops.push((at, self.delivered));
        }
    }

    #[test]
    fn after_the_stop_new_work_is_dropped_and_messages_still_arrive() {
        let mut model = Counter::new(3);
        let finish = run(&mut model, (SimTime::MAX, true), None, |_| {});
        assert_eq!(
            model.count, 3,
            "ticks at 0, 10, 20; the one at 30 is dropped"
        );
        assert_eq!(
            model.delivered, 3,
            "every message sent before the stop arrives"
        );
        assert_eq!(
            finish.end_time,
            SimTime(25),
            "the first event after the third tick"
        );
        assert!(!finish.interrupted);
    }

    #[test]
    fn the_stop_time_ends_the_run_where_it_lies() {
        let mut model = Counter::new(u32::MAX);
        let finish = run(&mut model, (SimTime(45), true), None, |_| {});
        assert_eq!(model.count, 5, "ticks at 0..=40");
        assert_eq!(finish.end_time, SimTime(45));
    }

    #[test]
    fn without_draining_what_is_in_flight_at_the_stop_is_dropped() {
        // Ticks at 0..=40 each send a message 25 later: those of the ticks at 30 and 40
        // (due at 55 and 65) are still travelling at the stop, 45.
        let mut drained = Counter::new(u32::MAX);
        run(&mut drained, (SimTime(45), true), None, |_| {});
        let mut cut = Counter::new(u32::MAX);
        let finish = run(&mut cut, (SimTime(45), false), None, |_| {});
        assert_eq!(drained.delivered, 5);
        assert_eq!(cut.delivered, 3, "messages due at 25, 35, 45");
        assert_eq!(finish.end_time, SimTime(45));
        // Five ticks and three messages handled, and the tick at 50 that ended the run
        // (counted as it was when the queue kept events past the stop).
        assert_eq!(finish.events, 9);
        // Either way the model hears of the stop once, at the stop time, before the
        // drain delivers the two messages still travelling.
        assert_eq!(drained.stops, vec![(SimTime(45), 3)]);
        assert_eq!(cut.stops, vec![(SimTime(45), 3)]);
    }
}
