//! A priority queue of events ordered by time, then by the order they were scheduled,
//! so that simultaneous events always run in the same order.

use super::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

struct Entry<E> {
    time: SimTime,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    // Reversed: BinaryHeap is a max-heap and the earliest event must come out first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
    now: SimTime,
    /// Sequence number of the event last popped.
    current_seq: u64,
    popped: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_seq: 0,
            now: SimTime::ZERO,
            current_seq: 0,
            popped: 0,
        }
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Events handled so far.
    pub fn processed(&self) -> u64 {
        self.popped
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Schedules `event` at `time`; a time in the past is treated as now, since the
    /// engine never runs backwards.
    pub fn schedule(&mut self, time: SimTime, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Entry {
            time: time.max(self.now),
            seq,
            event,
        });
    }

    /// Takes the sequence number an event scheduled now would get, without scheduling
    /// one: for a message whose arrival is accounted for elsewhere, so that it orders
    /// against events exactly as if it had been queued.
    pub fn reserve_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Schedules `event` with a sequence number taken by [`EventQueue::reserve_seq`].
    pub fn schedule_reserved(&mut self, time: SimTime, seq: u64, event: E) {
        debug_assert!(seq < self.next_seq, "a reserved number");
        self.heap.push(Entry {
            time: time.max(self.now),
            seq,
            event,
        });
    }

    /// The (time, sequence) of the event being handled: anything that ordered before
    /// it has happened.
    pub fn position(&self) -> (SimTime, u64) {
        (self.now, self.current_seq)
    }

    pub fn schedule_in(&mut self, delay: SimTime, event: E) {
        self.schedule(self.now.saturating_add(delay), event);
    }

    /// Removes the earliest event and advances the clock to it.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let entry = self.heap.pop()?;
        self.now = entry.time;
        self.current_seq = entry.seq;
        self.popped += 1;
        Some((entry.time, entry.event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_come_out_by_time_then_by_scheduling_order() {
        let mut q = EventQueue::new();
        q.schedule(SimTime(5), "b");
        q.schedule(SimTime(1), "a");
        q.schedule(SimTime(5), "c");
        q.schedule(SimTime(3), "x");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).map(|(_, e)| e).collect();
        assert_eq!(order, vec!["a", "x", "b", "c"]);
        assert_eq!(q.now(), SimTime(5));
    }

    proptest::proptest! {
        /// Interleaved schedules and pops come out exactly as a sort by (time, order
        /// of scheduling) says: the heap is a faithful priority queue.
        #[test]
        fn pops_follow_time_then_scheduling_order(
            ops in proptest::collection::vec((0u64..50, proptest::bool::ANY), 1..400)
        ) {
            let mut q = EventQueue::new();
            let mut pending: Vec<(SimTime, u64)> = Vec::new();
            let mut n = 0u64;
            for (delay, pop) in ops {
                if pop {
                    pending.sort();
                    let expected = (!pending.is_empty()).then(|| pending.remove(0));
                    proptest::prop_assert_eq!(q.pop(), expected);
                } else {
                    let at = q.now().saturating_add(SimTime(delay));
                    q.schedule(at, n);
                    pending.push((at, n));
                    n += 1;
                }
            }
        }
    }

    #[test]
    fn the_past_is_clamped_to_now() {
        let mut q = EventQueue::new();
        q.schedule(SimTime(10), 1);
        q.pop();
        q.schedule(SimTime(3), 2);
        assert_eq!(q.pop(), Some((SimTime(10), 2)));
    }
}
