//! Seconds as the tables write them, `{:.6}` (microseconds), and as they read back —
//! without the float formatter wherever that is provably the same text: formatting
//! 1.4 million delays was 5% of the 10,000-node benchmark with its results
//! (`perf record`). Both shortcuts rest on one bound, [`EXACT_BELOW_S`].

use crate::sim::SimTime;
use std::fmt::Write;

/// Below 2^23 s a double's unit in the last place is at most 2^-30 s (0.93 ns), so a
/// correctly rounded quotient of two integers is off by under 0.47 ns.
const EXACT_BELOW_S: u64 = 1 << 23;

/// Seconds as every table writes them: six decimals (microseconds).
pub fn secs_cell(s: f64) -> String {
    let mut cell = String::new();
    write_secs(&mut cell, s);
    cell
}

/// Seconds exactly as a table cell written with [`secs_cell`] reads back. Tables built
/// after a run hold these, so what is drawn then is what `chainlab plot` redraws.
pub fn as_written(s: f64) -> f64 {
    secs_cell(s).parse().expect("a printed float parses")
}

/// [`as_written`] of a simulated time, without formatting where that is provably
/// the same: below [`EXACT_BELOW_S`] a nanosecond count that is not a
/// half-microsecond tie is at least 1 ns from a tie, more than the half ulp (under
/// 0.47 ns) by which the seconds can be off, so `{:.6}` rounds it to the nearest
/// microsecond, and the division of two exact integers below is correctly rounded
/// like the parse.
pub fn secs_as_written(t: SimTime) -> f64 {
    if t.0 % 1000 == 500 || t.0 >= EXACT_BELOW_S * 1_000_000_000 {
        return as_written(t.secs());
    }
    ((t.0 + 500) / 1000) as f64 / 1e6
}

/// Appends `s` as `write!(buf, "{s:.6}")` does. Fast where `s` is the double nearest a
/// whole number `k` of microseconds below [`EXACT_BELOW_S`] — what every time a run
/// writes is ([`secs_as_written`]): its exact value is then within half an ulp (under
/// 0.47 ns) of k µs, so rounding it to six decimals gives k µs, whose digits are
/// written as integers. Anything else (negative, NaN, infinite, large, or between
/// microseconds) goes to the formatter.
pub fn write_secs(buf: &mut String, s: f64) {
    // Not `-0.0`, which the formatter writes with its sign; NaN fails the comparison.
    if s.is_sign_positive() && s < EXACT_BELOW_S as f64 {
        // A candidate only: the check below proves it or sends `s` to the formatter.
        let micros = (s * 1e6 + 0.5) as u64;
        if micros as f64 / 1e6 == s {
            let (whole, frac) = (micros / 1_000_000, micros % 1_000_000);
            let mut digits = itoa::Buffer::new();
            buf.push_str(digits.format(whole));
            buf.push('.');
            let frac = digits.format(frac);
            for _ in frac.len()..6 {
                buf.push('0');
            }
            buf.push_str(frac);
            return;
        }
    }
    write!(buf, "{s:.6}").expect("writing to a String cannot fail");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formatted(s: f64) -> String {
        format!("{s:.6}")
    }

    fn fast(s: f64) -> String {
        let mut buf = String::from("kept ");
        write_secs(&mut buf, s);
        buf.split_off(5)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]

        /// Whole microseconds, the cells a run writes, across the fast range and past it.
        #[test]
        fn whole_microseconds_write_as_the_formatter_does(micros in 0u64..10_000_000_000_000) {
            let s = micros as f64 / 1e6;
            proptest::prop_assert_eq!(fast(s), formatted(s));
        }

        /// Any double at all, the neighbours of whole microseconds included.
        #[test]
        fn any_double_writes_as_the_formatter_does(s in proptest::num::f64::ANY) {
            proptest::prop_assert_eq!(fast(s), formatted(s));
            proptest::prop_assert_eq!(fast(f64::from_bits(s.to_bits().wrapping_add(1))),
                formatted(f64::from_bits(s.to_bits().wrapping_add(1))));
        }
    }

    #[test]
    fn edges_write_as_the_formatter_does() {
        let bound = EXACT_BELOW_S as f64;
        let below = f64::from_bits(bound.to_bits() - 1);
        for s in [
            0.0,
            -0.0,
            0.000_000_5,
            0.000_001,
            0.999_999_5,
            1.0,
            59.999_999,
            below,
            bound,
            8_388_607.999_999,
            1e300,
            -1.5,
            f64::NAN,
            f64::INFINITY,
            f64::MIN_POSITIVE,
            5e-324,
        ] {
            assert_eq!(fast(s), formatted(s), "{s:e}");
        }
        for micros in [
            0u64,
            1,
            9,
            10,
            99_999,
            100_000,
            999_999,
            1_000_000,
            8_388_607_999_999,
        ] {
            let s = micros as f64 / 1e6;
            assert_eq!(fast(s), formatted(s), "{micros} µs");
            for step in [-1i64, 1] {
                let near = f64::from_bits((s.to_bits() as i64 + step).max(0) as u64);
                assert_eq!(fast(near), formatted(near), "next to {micros} µs");
            }
        }
    }

    #[test]
    fn times_read_back_as_the_tables_hold_them() {
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        let mut samples: Vec<u64> = (0..200_000)
            .map(|_| {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                rng % (1u64 << (rng % 60))
            })
            .collect();
        samples.extend([
            0,
            499,
            500,
            501,
            999,
            1000,
            1_500,
            2_500,
            8_388_607_999_999_500,
        ]);
        for ns in samples {
            let t = SimTime(ns);
            assert_eq!(
                secs_as_written(t).to_bits(),
                formatted(t.secs()).parse::<f64>().unwrap().to_bits(),
                "{ns} ns"
            );
        }
    }
}
