//! Which nodes are sent blocks more than once: per node, block messages received
//! beyond the blocks received (`block_downloads_per_block` in summary.json is their
//! sum over the receipts' sum), how those extra copies spread over the nodes, and
//! what the nodes with the most are (peers, bandwidths) beside all nodes' spread.
//!
//!     cargo run --release --example node_copies -- SCENARIO.yaml [KEY=VALUE ...]
//!
//! The overrides are `--set`'s. docs/validation.md uses it on Gervais et al.'s 4 MB
//! point, where a few nodes that fell behind carry most of the extra copies.

use chainlab::net::{NodeId, Transport};
use chainlab::node::{Network, RunOutput};
use chainlab::report::summary::quantile;
use chainlab::scenario::sweep::not_a_sweep;
use chainlab::scenario::{compile, Scenario};
use std::path::Path;

fn main() {
    match run() {
        Ok((out, profiles)) => report(&out, &profiles),
        Err(e) => {
            // Bad input, as chainlab's own commands: one message, exit 2.
            eprintln!("node_copies: {e}");
            std::process::exit(2);
        }
    }
}

fn run() -> Result<(RunOutput, Vec<Profile>), String> {
    let mut args = std::env::args().skip(1);
    let path = (args.next()).ok_or("usage: node_copies SCENARIO.yaml [KEY=VALUE ...]")?;
    let overrides: Vec<String> = args.collect();
    // As `chainlab run` reads it: bounded, a regular file, one message on any fault.
    let sc = Scenario::load(Path::new(&path), &overrides).map_err(|e| e.to_string())?;
    not_a_sweep(&sc, &path).map_err(|e| e.to_string())?;
    let network = Network::new(compile::compile(&sc)?);
    let profiles = NodeId::all(sc.network.nodes)
        .map(|n| profile(network.transport(), n))
        .collect();
    Ok((network.run(None, |_, _| {}), profiles))
}

/// What a node is: its peers, its upload and download (Mbit/s), and its peers'
/// median upload.
struct Profile {
    peers: usize,
    up: f64,
    down: f64,
    peers_up: f64,
}

fn profile(transport: &Transport, node: NodeId) -> Profile {
    let mbps = |n| {
        let (up, down) = transport.bandwidths(n);
        (up / 1e6, down / 1e6)
    };
    let mut ups: Vec<f64> = (transport.peers(node).iter())
        .map(|l| mbps(l.peer).0)
        .collect();
    ups.sort_by(f64::total_cmp);
    let (up, down) = mbps(node);
    Profile {
        peers: ups.len(),
        up,
        down,
        peers_up: ups.get(ups.len() / 2).copied().unwrap_or(f64::NAN),
    }
}

/// The 10th, 50th and 90th percentiles of `f` over `profiles` (nearest rank, as the
/// summary's), as text.
fn spread(profiles: &[Profile], f: impl Fn(&Profile) -> f64) -> String {
    let mut v: Vec<f64> = profiles.iter().map(f).collect();
    v.sort_by(f64::total_cmp);
    let at = |q: f64| quantile(&v, q).unwrap_or(f64::NAN);
    format!("{:.3} / {:.3} / {:.3}", at(0.1), at(0.5), at(0.9))
}

/// Per node: (extra copies, block messages, blocks received, node).
fn extra_copies(out: &RunOutput) -> Vec<(u64, u32, u32, usize)> {
    let mut nodes: Vec<_> = (out.node_seen.iter().enumerate())
        .map(|(i, n)| {
            let extra = u64::from(n.downloads.saturating_sub(n.received));
            (extra, n.downloads, n.received, i)
        })
        .collect();
    nodes.sort_by(|a, b| b.0.cmp(&a.0).then(a.3.cmp(&b.3)));
    nodes
}

fn report(out: &RunOutput, profiles: &[Profile]) {
    let nodes = extra_copies(out);
    let total: u64 = nodes.iter().map(|n| n.0).sum();
    let received: u64 = nodes.iter().map(|n| u64::from(n.2)).sum();
    println!("extra copies: {total} over {received} blocks received");
    // Gervais et al.'s "t mean": each node's mean delay to receive a block, averaged.
    let means: Vec<f64> = (out.node_seen.iter().filter(|n| n.received > 0))
        .map(|n| n.received_delay_sum.secs() / f64::from(n.received))
        .collect();
    let mean = means.iter().sum::<f64>() / means.len().max(1) as f64;
    println!("mean over nodes of each node's mean delay to receive a block: {mean:.1} s");
    for share in [0.001, 0.01, 0.05, 0.1] {
        let k = ((nodes.len() as f64 * share).ceil() as usize).min(nodes.len());
        let carried: u64 = nodes[..k].iter().map(|n| n.0).sum();
        let part = carried as f64 / total.max(1) as f64;
        println!(
            "the {k} nodes with the most ({}% of nodes) carry {:.1}% of them",
            share * 100.0,
            100.0 * part
        );
    }
    println!("all nodes, 10th / 50th / 90th percentiles:");
    println!("  peers {}", spread(profiles, |p| p.peers as f64));
    println!("  upload Mbit/s {}", spread(profiles, |p| p.up));
    println!("  download Mbit/s {}", spread(profiles, |p| p.down));
    println!(
        "  peers' median upload Mbit/s {}",
        spread(profiles, |p| p.peers_up)
    );
    println!("node  block messages  blocks received  uplink backlog at the stop (s)  peers  up  down  peers' median up (Mbit/s)");
    for &(_, downloads, got, node) in nodes.iter().take(12) {
        let backlog = out.uplink_backlogs[node].secs();
        let p = &profiles[node];
        println!(
            "{node:>5}  {downloads:>14}  {got:>15}  {backlog:>30.0}  {:>5}  {:.3}  {:.3}  {:.3}",
            p.peers, p.up, p.down, p.peers_up
        );
    }
}
