//! Human units in scenario files: durations (`600ms`, `10m`, `1d`), sizes (`1MB`,
//! `250B`), rates (`7/s`) and bandwidths (`25Mbps`).

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Every duration (in nanoseconds) and size (in bytes) is below 2^63: far above any
/// bound a key sets, so this refuses only what cannot be represented at all.
const TOO_LARGE: u128 = 1 << 63;

/// The number at the start of `text` (digits, `_` separators, one `.`) and the unit
/// after it.
fn split_number(text: &str) -> Option<(&str, &str)> {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(text.len());
    (end > 0).then(|| (&text[..end], text[end..].trim()))
}

/// Why a number in units was refused (beyond not being a number at all).
enum Refusal {
    /// More than 2^63 units (nanoseconds, bytes): nothing could represent it.
    TooLarge,
    /// Not a whole number of the smallest unit (half a byte, a tenth of a nanosecond).
    Fraction,
    /// Written as more than zero, but smaller than any value a float can hold.
    TooSmall,
}

/// `number` × `scale`, exactly: decimal digits times an integer scale, which must come
/// to a whole unit. `None` when it is not a number.
fn exact(number: &str, scale: u64) -> Option<Result<u64, Refusal>> {
    let digits = number.replace('_', "");
    let (whole, fraction) = digits.split_once('.').unwrap_or((&digits, ""));
    if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
        return None;
    }
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(whole) && all_digits(fraction)) {
        return None;
    }
    // Trailing zeros change nothing; more than 18 significant decimals are below the
    // smallest unit of any scale we use, and so a fraction.
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > 18 {
        return Some(Err(Refusal::Fraction));
    }
    let parse = |t: &str| {
        if t.is_empty() {
            Some(0u128)
        } else {
            t.parse::<u128>().ok()
        }
    };
    let denominator = 10u128.pow(fraction.len() as u32);
    let scaled = parse(whole)
        .zip(parse(fraction))
        .and_then(|(w, f)| w.checked_mul(denominator)?.checked_add(f))
        .and_then(|n| n.checked_mul(u128::from(scale)));
    Some(match scaled {
        Some(v) if v % denominator != 0 => Err(Refusal::Fraction),
        Some(v) if v / denominator < TOO_LARGE => Ok((v / denominator) as u64),
        _ => Err(Refusal::TooLarge), // all digits, but more than fits
    })
}

/// `value` in the largest of `units` that shows it with at most three decimals (an
/// exact integer rendering, so that it reads back as the same value).
fn show_exact(value: u64, units: &[(&str, u64)], base: &str) -> String {
    for &(unit, scale) in units {
        let thousandth = scale / 1000;
        if value >= scale && value % thousandth == 0 {
            let (whole, millis) = (value / scale, value % scale / thousandth);
            if millis == 0 {
                return format!("{whole}{unit}");
            }
            let fraction = format!("{millis:03}");
            return format!("{whole}.{}{unit}", fraction.trim_end_matches('0'));
        }
    }
    format!("{value}{base}")
}

/// A rate or bandwidth `value`: finite, and above zero whenever it was written so (a
/// rate written with 330 zeros is not silently zero).
fn positive(written_positive: bool, value: f64) -> Result<f64, Refusal> {
    if !value.is_finite() {
        Err(Refusal::TooLarge)
    } else if written_positive && !value.is_normal() {
        Err(Refusal::TooSmall)
    } else {
        Ok(value)
    }
}

/// Whether the number as written is above zero (it has a non-zero digit): the float
/// it parses to may have underflowed to zero.
fn written_positive(number: &str) -> bool {
    number.bytes().any(|b| (b'1'..=b'9').contains(&b))
}

/// The f64 number at the start of `text` (rates and bandwidths).
fn float(number: &str) -> Option<f64> {
    number.replace('_', "").parse().ok()
}

macro_rules! unit_type {
    ($name:ident, $inner:ty, $what:literal, $allowed:literal, $parse:expr, $show:expr) => {
        #[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
        pub struct $name(pub $inner);

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let parse: fn(&str, &str) -> Option<Result<$inner, Refusal>> = $parse;
                // Refused rather than rounded or saturated: 2^64 ns would silently
                // become the largest number there is, half a byte a whole one.
                match split_number(s).and_then(|(n, unit)| parse(n, unit)) {
                    Some(Ok(value)) => Ok($name(value)),
                    Some(Err(Refusal::TooLarge)) => Err(format!(
                        concat!(
                            "{:?} is too large for a ",
                            $what,
                            " (2^63 of its smallest unit at most)"
                        ),
                        s
                    )),
                    Some(Err(Refusal::Fraction)) => Err(format!(
                        concat!(
                            "{:?} is not a whole number of the ",
                            $what,
                            "'s smallest unit (nanoseconds, bytes)"
                        ),
                        s
                    )),
                    Some(Err(Refusal::TooSmall)) => Err(format!(
                        concat!("{:?} is too small for a ", $what, " above zero"),
                        s
                    )),
                    None => Err(format!(
                        concat!("{:?} is not a ", $what, "; use ", $allowed),
                        s
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let show: fn($inner) -> String = $show;
                f.write_str(&show(self.0))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a ", $what, " such as ", $allowed))
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        v.parse().map_err(E::custom)
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$name, E> {
                        v.to_string().parse().map_err(E::custom)
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$name, E> {
                        Err(E::custom(format!(
                            concat!("{} is not a ", $what, "; use ", $allowed),
                            v
                        )))
                    }
                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<$name, E> {
                        v.to_string().parse().map_err(E::custom)
                    }
                }
                d.deserialize_any(V)
            }
        }
    };
}

/// A payment's fee rate in satoshis per byte: one value (`2`) or a range drawn
/// uniformly per payment (`"1..50"`), so that fee-rate ordering has something to order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeeRate {
    pub min: u64,
    pub max: u64,
}

impl FeeRate {
    pub const fn fixed(rate: u64) -> FeeRate {
        FeeRate {
            min: rate,
            max: rate,
        }
    }
}

impl std::str::FromStr for FeeRate {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not a fee rate; use sat/byte as 2, or a range as \"1..50\"");
        let whole = |t: &str| t.trim().parse::<u64>().map_err(|_| bad());
        match s.split_once("..") {
            None => whole(s).map(FeeRate::fixed),
            Some((lo, hi)) => {
                let (min, max) = (whole(lo)?, whole(hi)?);
                if min > max {
                    return Err(format!("{s:?}: the range's low end is above its high end"));
                }
                Ok(FeeRate { min, max })
            }
        }
    }
}

impl fmt::Display for FeeRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min == self.max {
            write!(f, "{}", self.min)
        } else {
            write!(f, "{}..{}", self.min, self.max)
        }
    }
}

impl Serialize for FeeRate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.min == self.max {
            s.serialize_u64(self.min)
        } else {
            s.collect_str(self)
        }
    }
}

impl<'de> Deserialize<'de> for FeeRate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = FeeRate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a fee rate in sat/byte such as 2, or a range such as \"1..50\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FeeRate, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FeeRate, E> {
                Ok(FeeRate::fixed(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FeeRate, E> {
                Err(E::custom(format!(
                    "{v} is not a fee rate; use sat/byte ≥ 0"
                )))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<FeeRate, E> {
                Err(E::custom(format!(
                    "{v} is not a fee rate; use whole sat/byte"
                )))
            }
        }
        d.deserialize_any(V)
    }
}

unit_type!(
    Duration,
    u64,
    "duration",
    "a number with ns, us, ms, s, m, h or d (600ms, 10m, 1d)",
    |n, unit| {
        let scale = match unit {
            "ns" => 1,
            "us" | "µs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" | "min" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "d" => 86_400_000_000_000,
            _ => return None,
        };
        exact(n, scale)
    },
    |ns| show_exact(
        ns,
        &[
            ("d", 86_400_000_000_000),
            ("h", 3_600_000_000_000),
            ("m", 60_000_000_000),
            ("s", 1_000_000_000),
            ("ms", 1_000_000),
            ("us", 1_000),
        ],
        "ns"
    )
);

unit_type!(
    Size,
    u64,
    "size",
    "a number with B, kB, MB or GB (250B, 1MB; decimal units)",
    |n, unit| {
        let scale = match unit {
            "B" | "" => 1,
            "kB" | "KB" => 1_000,
            "MB" => 1_000_000,
            "GB" => 1_000_000_000,
            _ => return None,
        };
        exact(n, scale)
    },
    |b| show_exact(
        b,
        &[("GB", 1_000_000_000), ("MB", 1_000_000), ("kB", 1_000)],
        "B"
    )
);

unit_type!(
    Rate,
    f64,
    "rate",
    "events per unit of time, such as 7/s, 30/m or 100/h",
    |n, unit| {
        let per = match unit {
            "/s" => 1.0,
            "/m" | "/min" => 60.0,
            "/h" => 3600.0,
            "/d" => 86_400.0,
            _ => return None,
        };
        float(n).map(|v| positive(written_positive(n), v / per))
    },
    |r| format!("{r}/s")
);

unit_type!(
    Bandwidth,
    f64,
    "bandwidth",
    "bits per second with bps, kbps, Mbps or Gbps (25Mbps)",
    |n, unit| {
        let scale = match unit {
            "bps" => 1.0,
            "kbps" | "Kbps" => 1e3,
            "Mbps" => 1e6,
            "Gbps" => 1e9,
            _ => return None,
        };
        float(n).map(|v| positive(written_positive(n), v * scale))
    },
    |bps| format!("{}Mbps", bps / 1e6)
);

impl Duration {
    pub fn secs(&self) -> f64 {
        self.0 as f64 / 1e9
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fee_rates_are_one_value_or_an_ordered_range() {
        assert_eq!("2".parse::<FeeRate>(), Ok(FeeRate::fixed(2)));
        assert_eq!("1..50".parse::<FeeRate>(), Ok(FeeRate { min: 1, max: 50 }));
        assert!("50..1".parse::<FeeRate>().unwrap_err().contains("low end"));
        assert!("cheap".parse::<FeeRate>().unwrap_err().contains("1..50"));
        assert_eq!(FeeRate { min: 1, max: 50 }.to_string(), "1..50");
    }

    use super::*;

    #[test]
    fn units_parse_and_print_back() {
        assert_eq!("600ms".parse::<Duration>().unwrap().0, 600_000_000);
        assert_eq!("10m".parse::<Duration>().unwrap().to_string(), "10m");
        assert_eq!("1d".parse::<Duration>().unwrap().0, 86_400_000_000_000);
        assert_eq!("1MB".parse::<Size>().unwrap().0, 1_000_000);
        assert_eq!("535kB".parse::<Size>().unwrap().to_string(), "535kB");
        assert_eq!("7/s".parse::<Rate>().unwrap().0, 7.0);
        assert_eq!("60/m".parse::<Rate>().unwrap().0, 1.0);
        assert_eq!("25Mbps".parse::<Bandwidth>().unwrap().0, 25e6);
    }

    #[test]
    fn durations_and_sizes_are_exact_and_read_back_as_printed() {
        // 70770699 minutes is not a float multiple: found by the units fuzz target.
        let d: Duration = "70770699m".parse().unwrap();
        assert_eq!(d.0, 70_770_699 * 60_000_000_000);
        assert_eq!(d.to_string().parse::<Duration>(), Ok(d));
        assert_eq!("1.5s".parse::<Duration>().unwrap().to_string(), "1.5s");
        assert_eq!("0.0005ms".parse::<Duration>().unwrap().0, 500);
        assert_eq!("1_000ms".parse::<Duration>().unwrap().to_string(), "1s");
        assert_eq!(Duration(1_234_567).to_string(), "1234.567us");
        assert_eq!(Duration(1_234_567_891).to_string(), "1234567.891us");
        assert_eq!(Duration(999).to_string(), "999ns");
        assert_eq!(Size(535_000).to_string(), "535kB");
        assert!("9223372036854775808B"
            .parse::<Size>()
            .unwrap_err()
            .contains("too large"));
        assert_eq!(
            "9223372036854775807B".parse::<Size>().unwrap().0,
            (1 << 63) - 1
        );
        assert!(".".parse::<Size>().is_err() && "1.2.3s".parse::<Duration>().is_err());
        // Found by the input sweep: fractions of a byte or nanosecond were rounded.
        assert!("999.5B"
            .parse::<Size>()
            .unwrap_err()
            .contains("whole number"));
        assert!("0.5ns"
            .parse::<Duration>()
            .unwrap_err()
            .contains("whole number"));
        assert_eq!("1.500s".parse::<Duration>().unwrap().0, 1_500_000_000);
        let tiny = format!("0.{}1/s", "0".repeat(330));
        assert!(tiny.parse::<Rate>().unwrap_err().contains("too small"));
        // Found by the fuzz target: 38 digits overflowed the 128-bit product.
        let long = "49297777799999999999999999999999977.___041___777907d";
        assert!(long.parse::<Duration>().unwrap_err().contains("too large"));
    }

    #[test]
    fn bad_units_say_what_is_allowed() {
        let err = "10 parsecs".parse::<Duration>().unwrap_err();
        assert!(err.contains("ms") && err.contains("parsecs"), "{err}");
        assert!("-5/s".parse::<Rate>().is_err());
        assert!("MB".parse::<Size>().is_err());
    }
}
