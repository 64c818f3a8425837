//! Human units (`600ms`, `1MB`, `7/s`, `25Mbps`, fee rates): any text parses or is
//! refused; what parses prints as text that parses back to the same value.
#![no_main]
use chainlab::scenario::{Bandwidth, Duration, FeeRate, Rate, Size};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(d) = text.parse::<Duration>() {
        assert_eq!(d.to_string().parse::<Duration>(), Ok(d));
    }
    if let Ok(s) = text.parse::<Size>() {
        assert_eq!(s.to_string().parse::<Size>(), Ok(s));
    }
    if let Ok(f) = text.parse::<FeeRate>() {
        assert_eq!(f.to_string().parse::<FeeRate>(), Ok(f));
    }
    let _ = text.parse::<Rate>();
    let _ = text.parse::<Bandwidth>();
});
