//! A priority queue of events ordered by time, then by the order they were scheduled,
//! so that simultaneous events always run in the same order.

use super::SimTime;
use dary_heap::QuaternaryHeap;
use std::cmp::Ordering;

/// What the heap orders: 24 bytes, the event itself waits in `EventQueue::slots`, so
/// that sifting moves small entries (the heap was a fifth of a 10,000-node run).
struct Entry {
    time: SimTime,
    seq: u64,
    slot: u32,
}

impl Entry {
    /// Time in the high half, sequence number in the low: one comparison of these
    /// orders by time, then by scheduling order (cheaper than comparing a tuple).
    fn key(&self) -> u128 {
        (u128::from(self.time.0) << 64) | u128::from(self.seq)
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    // Reversed: the heap is a max-heap and the earliest event must come out first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

pub struct EventQueue<E> {
    heap: QuaternaryHeap<Entry>,
    /// Events waiting, where their entries say; `free` lists the slots to reuse.
    slots: Vec<Option<E>>,
    free: Vec<u32>,
    next_seq: u64,
    now: SimTime,
    /// Sequence number of the event last popped.
    current_seq: u64,
    popped: u64,
    /// Events due after this are never handled (see [`EventQueue::set_horizon`]).
    horizon: SimTime,
    /// Events scheduled past the horizon, and so not kept.
    beyond: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: QuaternaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            next_seq: 0,
            now: SimTime::ZERO,
            current_seq: 0,
            popped: 0,
            horizon: SimTime::MAX,
            beyond: 0,
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

    /// Events due after `horizon` will never be handled: a run that drops what is in
    /// flight at its stop time ends on the first of them. They are counted instead of
    /// kept, which changes no order (sequence numbers are taken as before) and spares
    /// the memory of a congested run, whose slow uplinks book transfers years past the
    /// stop (the 10 min / 4 MB validation point held most of its 11.6 GB so).
    pub fn set_horizon(&mut self, horizon: SimTime) {
        self.horizon = horizon;
    }

    /// Events scheduled past the horizon (and not kept) so far.
    pub fn beyond_horizon(&self) -> u64 {
        self.beyond
    }

    /// Schedules `event` at `time`; a time in the past is treated as now, since the
    /// engine never runs backwards.
    pub fn schedule(&mut self, time: SimTime, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.schedule_reserved(time, seq, event);
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
        let time = time.max(self.now);
        if time > self.horizon {
            self.beyond += 1;
            return;
        }
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(event);
                slot
            }
            None => {
                // 2^32 waiting events would hold over 200 GB: memory ends a run long
                // before this can fail.
                self.slots.push(Some(event));
                u32::try_from(self.slots.len() - 1).expect("under 2^32 events waiting")
            }
        };
        self.heap.push(Entry { time, seq, slot });
    }

    /// The (time, sequence) of the event being handled: anything that ordered before
    /// it has happened.
    pub fn position(&self) -> (SimTime, u64) {
        (self.now, self.current_seq)
    }

    pub fn schedule_in(&mut self, delay: SimTime, event: E) {
        self.schedule(self.now.saturating_add(delay), event);
    }

    /// The earliest event, left in the queue (to read ahead for it: `sim::prefetch`).
    pub fn peek(&self) -> Option<&E> {
        let entry = self.heap.peek()?;
        self.slots[entry.slot as usize].as_ref()
    }

    /// Removes the earliest event and advances the clock to it.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let entry = self.heap.pop()?;
        self.now = entry.time;
        self.current_seq = entry.seq;
        self.popped += 1;
        let event = self.slots[entry.slot as usize].take();
        self.free.push(entry.slot);
        Some((self.now, event.expect("an entry's slot holds its event")))
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
    fn events_past_the_horizon_are_counted_not_kept_and_order_the_rest_as_before() {
        let mut kept = EventQueue::new();
        kept.set_horizon(SimTime(10));
        let mut all = EventQueue::new();
        for (t, e) in [
            (5, 'a'),
            (11, 'x'),
            (10, 'b'),
            (3, 'c'),
            (20, 'y'),
            (5, 'd'),
        ] {
            kept.schedule(SimTime(t), e);
            all.schedule(SimTime(t), e);
        }
        assert_eq!((kept.len(), kept.beyond_horizon()), (4, 2));
        let out = |q: &mut EventQueue<char>| std::iter::from_fn(|| q.pop()).collect::<Vec<_>>();
        let mut expected = out(&mut all);
        expected.truncate(4);
        assert_eq!(
            out(&mut kept),
            expected,
            "the same events, in the same order"
        );
    }

    #[test]
    fn peek_shows_what_pop_takes_next_and_leaves_it() {
        let mut q = EventQueue::new();
        assert_eq!(q.peek(), None);
        for (t, e) in [(7, 'a'), (3, 'b'), (3, 'c'), (9, 'd')] {
            q.schedule(SimTime(t), e);
        }
        let mut order = Vec::new();
        loop {
            let before = (q.len(), q.processed(), q.now());
            let Some(&next) = q.peek() else { break };
            assert_eq!(
                (q.len(), q.processed(), q.now()),
                before,
                "peeking takes nothing"
            );
            assert_eq!(q.pop().map(|(_, e)| e), Some(next));
            order.push(next);
        }
        assert_eq!(order, vec!['b', 'c', 'a', 'd']);
        assert!(q.is_empty());
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
