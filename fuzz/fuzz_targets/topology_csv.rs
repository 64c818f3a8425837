//! Topology files (`a,b,latency[,bandwidth]`): any bytes give edges or a message.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let nodes = u32::from(data.first().copied().unwrap_or(0)).max(2);
    let _ = chainlab::scenario::topology_file::parse(data.get(1..).unwrap_or(&[]), "fuzz.csv", nodes);
});
