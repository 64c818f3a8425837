//! Seconds as the tables write them, `{:.6}` (microseconds), without the float
//! formatter where that is provably the same text: formatting 1.4 million delays
//! was 5% of the 10,000-node benchmark with its results (`perf record`).

use std::fmt::Write;

/// Below 2^23 s a double's unit in the last place is at most 2^-30 s (0.93 ns).
const FAST_BELOW_S: f64 = 8_388_608.0;

/// Appends `s` as `write!(buf, "{s:.6}")` does. Fast where `s` is the double nearest a
/// whole number `k` of microseconds below 2^23 s — what every time a run writes is
/// (`tables::secs_as_written`): its exact value is then within half a unit in the
/// last place (under 0.47 ns) of k µs, so rounding it to six decimals gives k µs,
/// whose digits are written as integers. Anything else (negative, NaN, infinite,
/// large, or between microseconds) goes to the formatter.
pub fn write_secs(buf: &mut String, s: f64) {
    // Not `-0.0`, which the formatter writes with its sign; NaN fails the comparison.
    if s.is_sign_positive() && s < FAST_BELOW_S {
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
        let below = f64::from_bits(FAST_BELOW_S.to_bits() - 1);
        for s in [
            0.0,
            -0.0,
            0.000_000_5,
            0.000_001,
            0.999_999_5,
            1.0,
            59.999_999,
            below,
            FAST_BELOW_S,
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
}
