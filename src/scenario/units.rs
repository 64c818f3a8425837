//! Human units in scenario files: durations (`600ms`, `10m`, `1d`), sizes (`1MB`,
//! `250B`), rates (`7/s`) and bandwidths (`25Mbps`).

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// 2^63: every unit value must be below it (a duration in nanoseconds, a size in
/// bytes), far above any bound a key sets, so the check is on representability only.
const TOO_LARGE: f64 = (1u64 << 63) as f64;

fn split_number(text: &str) -> Option<(f64, &str)> {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(text.len());
    let number: f64 = text[..end].replace('_', "").parse().ok()?;
    Some((number, text[end..].trim()))
}

macro_rules! unit_type {
    ($name:ident, $inner:ty, $what:literal, $allowed:literal, $parse:expr, $show:expr) => {
        #[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
        pub struct $name(pub $inner);

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let parse: fn(f64, &str) -> Option<f64> = $parse;
                let value = split_number(s)
                    .and_then(|(n, unit)| parse(n, unit))
                    .ok_or_else(|| {
                        format!(concat!("{:?} is not a ", $what, "; use ", $allowed), s)
                    })?;
                // Refused rather than saturated: 2^64 ns or bytes would silently become
                // the largest number there is.
                if !(value.is_finite() && value < TOO_LARGE) {
                    return Err(format!(concat!("{:?} is too large for a ", $what), s));
                }
                Ok($name(value as $inner))
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
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" | "min" => 60e9,
            "h" => 3600e9,
            "d" => 86_400e9,
            _ => return None,
        };
        Some((n * scale).round())
    },
    |ns| {
        for (unit, scale) in [
            ("d", 86_400e9),
            ("h", 3600e9),
            ("m", 60e9),
            ("s", 1e9),
            ("ms", 1e6),
            ("us", 1e3),
        ] {
            let v = ns as f64 / scale;
            if v >= 1.0 && (v * 1000.0).fract() == 0.0 {
                return format!("{v}{unit}");
            }
        }
        format!("{ns}ns")
    }
);

unit_type!(
    Size,
    u64,
    "size",
    "a number with B, kB, MB or GB (250B, 1MB; decimal units)",
    |n, unit| {
        let scale = match unit {
            "B" | "" => 1.0,
            "kB" | "KB" => 1e3,
            "MB" => 1e6,
            "GB" => 1e9,
            _ => return None,
        };
        Some((n * scale).round())
    },
    |b| {
        for (unit, scale) in [("GB", 1e9), ("MB", 1e6), ("kB", 1e3)] {
            let v = b as f64 / scale;
            if v >= 1.0 && (v * 1000.0).fract() == 0.0 {
                return format!("{v}{unit}");
            }
        }
        format!("{b}B")
    }
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
        Some(n / per)
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
        Some(n * scale)
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
    fn bad_units_say_what_is_allowed() {
        let err = "10 parsecs".parse::<Duration>().unwrap_err();
        assert!(err.contains("ms") && err.contains("parsecs"), "{err}");
        assert!("-5/s".parse::<Rate>().is_err());
        assert!("MB".parse::<Size>().is_err());
    }
}
