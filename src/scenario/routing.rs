//! The `routing:` section: routing nodes (issue #18). Each node keeps an address book
//! (bitcoind 0.9.3's tried and new tables, `net::eclipse::addrman`), fills its
//! `network.outbound` slots from it during the run, accepts inbound connections up to
//! `max_inbound`, replaces peers that leave, and speaks `version`/`verack`, `getaddr`
//! and `addr` over the transport (`node::routing`).

use super::limits::within;
use super::Scenario;
use serde::{Deserialize, Serialize};

/// Bitcoin Core's default: 125 connections in all (0.9.3: `-maxconnections`).
const CORE_MAX_INBOUND: u32 = 125;
/// Addresses a DNS seed answers with: one UDP answer holds about 25 A records.
const DNS_ANSWER: u32 = 25;
/// bitcoind 0.9.3's getaddr answer: 23% of the book, at most 2,500 addresses.
const GETADDR_MAX: u32 = 2_500;
/// Addresses a node present at the start has heard of, besides its peers.
const KNOWN_AT_START: u32 = 1_000;
/// A book holds at most its tables' entries (64 × 64 tried, 256 × 64 new: 20,480).
const BOOK_MAX: u32 = {
    use crate::net::eclipse::addrman::{BUCKET_SIZE, NEW_BUCKETS, TRIED_BUCKETS};
    ((TRIED_BUCKETS + NEW_BUCKETS) * BUCKET_SIZE) as u32
};
/// Address-book entries the run may come to hold in all, about 85 bytes each
/// (docs/lifecycle.md): 5 × 10^7 is about 4 GB.
const MAX_ENTRIES: u64 = 50_000_000;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Routing {
    /// Inbound connections a node accepts; more are refused.
    #[serde(default = "core_max_inbound")]
    pub max_inbound: u32,
    /// Addresses a DNS seed gives a node whose book has none to try.
    #[serde(default = "dns_answer")]
    pub seeds: u32,
    /// Most addresses one getaddr answer carries (23% of the book up to this).
    #[serde(default = "getaddr_max")]
    pub getaddr: u32,
    /// Addresses each node there at the start has heard of besides its peers (drawn
    /// among the nodes there at the start).
    #[serde(default = "known_at_start")]
    pub known: u32,
    /// An eclipse attack on some nodes' books during the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eclipse: Option<super::routing_eclipse::RoutingEclipse>,
}

fn core_max_inbound() -> u32 {
    CORE_MAX_INBOUND
}
fn dns_answer() -> u32 {
    DNS_ANSWER
}
fn getaddr_max() -> u32 {
    GETADDR_MAX
}
fn known_at_start() -> u32 {
    KNOWN_AT_START
}

/// Checks `routing:` against the rest of the scenario.
pub(crate) fn check(sc: &Scenario) -> Result<(), String> {
    let Some(r) = &sc.routing else { return Ok(()) };
    let (nodes, outbound) = (sc.network.nodes, sc.network.outbound);
    if !matches!(sc.network.topology, super::TopologySpec::Random) {
        let kind = serde_json::to_value(&sc.network.topology).ok();
        let kind = kind
            .as_ref()
            .and_then(|v| v.get("kind"))
            .and_then(|k| k.as_str());
        return Err(format!("routing: network.topology is {{ kind: {} }}; routing needs {{ kind: random }} (the starting links are drawn at random, then the address books take over)", kind.unwrap_or("?")));
    }
    if sc.network.model != super::NetworkModel::Simple {
        return Err("routing: network.model is gervais-2016; routing needs the simple model (gervais-2016 draws its own connection counts and hub links)".into());
    }
    if sc
        .attacks
        .iter()
        .any(|a| a.kind() == "eclipse-double-spend")
    {
        return Err("routing: cannot be combined with an eclipse-double-spend attack (the attacker holds its victims' links for itself; with routing they would replace them)".into());
    }
    within("routing.max_inbound", r.max_inbound, outbound, MAX_INBOUND)
        .map_err(|e| format!("{e} (at least network.outbound: the links must fit)"))?;
    within("routing.seeds", r.seeds, 1, BOOK_MAX)?;
    within("routing.getaddr", r.getaddr, 1, BOOK_MAX)?;
    within("routing.known", r.known, 0, BOOK_MAX)?;
    let mut extra = 0;
    if let Some(e) = &r.eclipse {
        e.check(nodes, sc.stop.time.map(|t| t.0))?;
        // The attacker holds the victims' inbound slots after the restart: the other
        // nodes' must hold every node's outbound connections, or nodes redial for the
        // rest of the run.
        let others = u64::from(nodes - e.victims.len() as u32);
        let (room, need) = (
            others * u64::from(r.max_inbound),
            u64::from(nodes) * u64::from(outbound),
        );
        if room < need {
            return Err(format!("routing.eclipse: after the restart the attacker holds the {} victims' inbound slots; the other {others} nodes' {room} inbound slots (routing.max_inbound = {}) cannot take the network's {need} outbound connections (network.outbound = {outbound}): fewer victims or a higher max_inbound", e.victims.len(), r.max_inbound));
        }
        extra = e.entries();
    }
    // Gossip fills every book up to the nodes there are (at most BOOK_MAX each): bound
    // the worst case, not the start.
    let entries = u64::from(nodes) * u64::from((nodes - 1).min(BOOK_MAX));
    if entries + extra > MAX_ENTRIES && extra > 0 {
        return Err(format!("routing: the address books can hold {entries} honest addresses and routing.eclipse adds {extra} (victims × (attacker addresses + trash)); at most {MAX_ENTRIES:.0e} in all (about 85 bytes each): fewer victims, addresses or trash"));
    }
    if entries > MAX_ENTRIES {
        return Err(format!("routing: with network.nodes = {nodes} the address books can hold {entries} addresses in all (each node's book up to every other node, at most {BOOK_MAX}); at most {MAX_ENTRIES:.0e} (about 85 bytes each), so routing takes at most 7,071 nodes"));
    }
    Ok(())
}

const MAX_INBOUND: u32 = 100_000;

pub(crate) fn allowed(key: &str) -> Option<String> {
    let whole = |min: &str, max: u32| Some(format!("a whole number from {min} to {max}"));
    match key {
        "routing.max_inbound" => whole("network.outbound", MAX_INBOUND),
        "routing.seeds" | "routing.getaddr" => whole("1", BOOK_MAX),
        "routing.known" => whole("0", BOOK_MAX),
        _ => super::routing_eclipse::allowed(key),
    }
}

/// What the run is given: `routing:` as plain numbers (`node::routing`).
pub fn plan(sc: &Scenario) -> Option<crate::node::routing::RoutingPlan> {
    sc.routing
        .as_ref()
        .map(|r| crate::node::routing::RoutingPlan {
            outbound: sc.network.outbound,
            max_inbound: r.max_inbound,
            seeds: r.seeds,
            getaddr: r.getaddr,
            known: r.known,
            eclipse: r.eclipse.as_ref().map(|e| e.plan()),
        })
}
