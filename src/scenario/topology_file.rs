//! Topology files: a CSV edge list `a,b,latency[,bandwidth]` with a header row, in the
//! scenario's human units (`50ms`, `100Mbps`). Read once when the scenario loads, so a
//! bad file is bad input with its line named, before anything runs.

use super::{Bandwidth, Duration};
use crate::net::EdgeSpec;
use std::collections::HashSet;
use std::path::Path;

/// An edge list of the largest topology chainlab simulates is well under this.
pub const MAX_TOPOLOGY_BYTES: u64 = 1 << 30;

pub fn read(path: &Path, nodes: u32) -> Result<Vec<EdgeSpec>, String> {
    let bytes =
        crate::files::read_limited(path, MAX_TOPOLOGY_BYTES, "topology file").map_err(|e| e.0)?;
    parse(&bytes, &path.display().to_string(), nodes)
}

/// The edges of a topology file's contents; `place` names it in messages.
pub fn parse(bytes: &[u8], place: &str, nodes: u32) -> Result<Vec<EdgeSpec>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{place}: {}", crate::files::csv_error(&e)))?
        .iter()
        .map(str::to_string)
        .collect();
    let known = header == ["a", "b", "latency"] || header == ["a", "b", "latency", "bandwidth"];
    if !known {
        return Err(format!(
            "{place}: line 1 is {header:?}; the header must be a,b,latency or a,b,latency,bandwidth"
        ));
    }
    let mut edges = Vec::new();
    let mut seen = HashSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{place}: {}", crate::files::csv_error(&e)))?;
        // The file's own line: the reader skips blank lines without counting them, so
        // count the line breaks before where the record starts.
        // (the position it gives may lie before those blank lines).
        let mut start = record
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(bytes.len());
        while bytes.get(start).is_some_and(|b| matches!(b, b'\n' | b'\r')) {
            start += 1;
        }
        let line = 1 + bytes[..start].iter().filter(|&&b| b == b'\n').count();
        if record.len() > header.len() {
            return Err(format!(
                "{place}: line {line} has {} fields; the header names {}",
                record.len(),
                header.len()
            ));
        }
        if edges.len() as u64 >= super::limits::MAX_LINKS {
            return Err(format!(
                "{place}: line {line}: more than {} links; at most that many can be simulated",
                super::limits::MAX_LINKS
            ));
        }
        let edge =
            edge(&record, &header, nodes).map_err(|e| format!("{place}: line {line}: {e}"))?;
        let (a, b) = (edge.a.0, edge.b.0);
        if !seen.insert((a.min(b), a.max(b))) {
            return Err(format!(
                "{place}: line {line}: nodes {a} and {b} are already linked"
            ));
        }
        edges.push(edge);
    }
    let topo = crate::net::Topology::from_edges(nodes, &edges);
    if !topo.is_connected() {
        let unreachable = topo
            .distances_from(crate::net::NodeId(0))
            .iter()
            .position(|&d| d == crate::sim::SimTime::MAX)
            .unwrap_or(0);
        return Err(format!(
            "{place}: node {unreachable} cannot be reached from node 0; blocks must be able to reach every node"
        ));
    }
    Ok(edges)
}

/// One line's link, checked: known distinct nodes, latency and bandwidth in the same
/// ranges as network.latency and network.bandwidth.
fn edge(record: &csv::StringRecord, header: &[String], nodes: u32) -> Result<EdgeSpec, String> {
    let field = |k: usize| record.get(k).unwrap_or("");
    let node = |k: usize| -> Result<u32, String> {
        let text = field(k);
        match text.parse::<u32>() {
            Ok(id) if id < nodes => Ok(id),
            Ok(id) => Err(format!(
                "node {id} is unknown; network.nodes is {nodes}, so ids run from 0 to {}",
                nodes - 1
            )),
            Err(_) => Err(format!(
                "{:?} in column {} is not a node id (a whole number from 0 to {})",
                text,
                header.get(k).map_or("?", String::as_str),
                nodes - 1
            )),
        }
    };
    let (a, b) = (node(0)?, node(1)?);
    if a == b {
        return Err(format!("node {a} linked to itself"));
    }
    let latency: Duration = field(2).parse().map_err(|e| format!("latency: {e}"))?;
    super::limits::duration("latency", latency.0, 0, super::limits::MAX_LATENCY)?;
    let bandwidth_bps = match field(3) {
        "" => f64::INFINITY,
        text => {
            let bw: Bandwidth = text.parse().map_err(|e| format!("bandwidth: {e}"))?;
            let (min, max) = (super::limits::MIN_BANDWIDTH, super::limits::MAX_BANDWIDTH);
            if !(min..=max).contains(&bw.0) {
                return Err(format!("bandwidth is {bw}; allowed: 1kbps to 1000Gbps"));
            }
            bw.0
        }
    };
    Ok(EdgeSpec {
        a: crate::net::NodeId(a),
        b: crate::net::NodeId(b),
        latency: crate::sim::SimTime(latency.0),
        bandwidth_bps,
    })
}
