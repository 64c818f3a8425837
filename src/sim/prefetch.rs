//! A hint to the processor that a value will be read soon: its cache line is loaded
//! while other work goes on. It changes no result (nothing is read or written), only
//! when a later read finds the line; on targets without the instruction it is nothing.
//!
//! Why: a large run handles each event at a node the graph picks, so the event's
//! first reads of that node's records (its links, transfer ends, announcement list)
//! miss every cache. Known one event ahead (the queue's next), those lines load while
//! the current event is handled.

/// Loads the cache line holding `value` into every level of the cache.
#[inline(always)]
pub fn line<T>(value: &T) {
    address(value as *const T);
}

/// The same for the line at `ptr`, which need not point at anything: a prefetch of an
/// address that is not mapped does nothing (the end of a full vector, say).
#[inline(always)]
#[allow(unsafe_code)]
pub fn address<T>(ptr: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch reads and writes nothing and cannot fault, whatever the
        // address (Intel's and AMD's manuals); SSE, which it needs, is part of every
        // x86-64 processor. `unsafe` only because the intrinsic is declared with
        // `#[target_feature(enable = "sse")]` (a stable safe prefetch,
        // `std::hint::prefetch_read`, is nightly-only in Rust 1.95).
        unsafe { _mm_prefetch::<_MM_HINT_T0>(ptr.cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = ptr;
}
