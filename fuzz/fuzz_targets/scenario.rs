//! The scenario parser with `--set` overrides: the input is scenario text, then lines
//! of overrides after a NUL byte. Never a panic; a scenario that parses prints as YAML
//! that parses back to the same scenario (what scenario.resolved.yaml relies on).
#![no_main]
use chainlab::scenario::Scenario;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (yaml, sets) = text.split_once('\0').unwrap_or((text, ""));
    let overrides: Vec<String> = sets.lines().map(str::to_string).collect();
    if let Ok(sc) = Scenario::parse(yaml, "fuzz.yaml", &overrides) {
        let again = Scenario::parse(&sc.to_yaml(), "resolved", &[])
            .expect("a resolved scenario reads back");
        assert_eq!(again, sc);
    }
});
