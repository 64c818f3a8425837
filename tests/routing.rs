//! Routing nodes (issue #18): address books choose the links during the run. Under
//! churn and joining every node ends on the best tip with its outbound slots full
//! again, no node takes more inbound connections than allowed, and bad values are
//! refused.

mod common;

use chainlab::report::summarize;

const CHURNING: &str = "
name: routing
seed: 3
stop: { time: 5h }
network: { nodes: 80, outbound: 4 }
consensus: { block_interval: 2m, retarget_interval: 0 }
mining: { miners: 4, block_padding: 50kB }
workload: { tx_rate: 0.5/s, wallets: 40 }
joining: { nodes: 10, from: 10m, rate: 6/h }
churn: { nodes: 30, session: 40m, downtime: 20m, until: 4h }
routing: { max_inbound: 10, known: 30 }
";

#[test]
fn under_churn_the_books_refill_every_slot_and_every_node_converges() {
    let (sc, out) = common::simulate(CHURNING, &[]);
    let s = summarize(&sc, &out);
    let r = s.routing.clone();
    assert!(s.joins.churn_returns > 60, "{}", s.joins.churn_returns);
    assert_eq!(
        s.joins.synced_nodes, 10,
        "every joining node copied the chain"
    );
    // Departures closed links, and the nodes left behind replaced them: far more
    // connections opened than the 40 the joining nodes needed.
    assert!(r.routing_closed > 200, "{r:?}");
    assert!(r.routing_connections > r.routing_closed / 2, "{r:?}");
    // Books hold addresses of nodes that are away: some dials find nobody.
    assert!(r.routing_timed_out > 0, "{r:?}");
    assert!(
        r.routing_dns_queries >= 10,
        "each joining node asked the seed: {r:?}"
    );
    assert!(r.routing_addr_messages > 0 && r.routing_handshake_bytes > 0);
    // An hour after the churn stopped every node is back with all four slots filled
    // and at most ten inbound connections.
    assert_eq!(r.routing_outbound_mean_end, Some(4.0), "{r:?}");
    assert!(r.routing_inbound_max_end.is_some_and(|m| m <= 10), "{r:?}");
    let best = *out.tree.main_chain().last().unwrap();
    let behind: Vec<usize> = (0..80).filter(|&n| out.tips[n] != best).collect();
    assert!(behind.is_empty(), "nodes not on the best tip: {behind:?}");
}

#[test]
fn a_tight_inbound_limit_refuses_connections_and_is_never_exceeded() {
    let (sc, out) = common::simulate(CHURNING, &["routing.max_inbound=4", "stop.time=4h"]);
    let r = summarize(&sc, &out).routing;
    assert!(r.routing_refused > 0, "{r:?}");
    assert!(r.routing_inbound_max_end.is_some_and(|m| m <= 4), "{r:?}");
}

/// An attacker's extra connections and the links joining components are drawn past
/// the limit: they close at the start, so no node starts over it.
#[test]
fn links_added_past_the_drawing_respect_the_inbound_limit() {
    let (sc, out) = common::simulate(
        CHURNING,
        &[
            "attacks=[{ kind: selfish, hashrate: 0.3, connections: 79 }]",
            "routing.max_inbound=8",
            "joining=null",
            "churn=null",
            "stop.time=1s",
        ],
    );
    let r = summarize(&sc, &out).routing;
    assert!(r.routing_inbound_max_end.is_some_and(|m| m <= 8), "{r:?}");
}

/// Without routing the fields are there (a sweep may turn routing on and off, and
/// its tables need the same columns in every run), zero and empty.
#[test]
fn without_routing_the_figures_are_zero_and_empty() {
    let (sc, out) = common::simulate(CHURNING, &["routing=null", "stop.time=1h"]);
    let s = summarize(&sc, &out);
    assert_eq!(s.routing, Default::default());
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["routing_dials"], 0);
    assert!(json["routing_outbound_mean_end"].is_null());
}

#[test]
fn bad_routing_values_are_refused_with_the_key_and_the_range() {
    common::refuses(
        CHURNING,
        &[
            ("routing.max_inbound=3", "routing.max_inbound is 3; allowed: 4 to"),
            ("routing.seeds=0", "routing.seeds is 0; allowed: 1 to 20480"),
            ("routing.getaddr=30000", "routing.getaddr is 30000"),
            ("routing.known=-1", "routing.known"),
            ("routing.dns=3", "dns"),
            ("network.nodes=8000", "routing takes at most 7,071 nodes"),
            (
                "network.topology={ kind: regular }",
                "network.topology is { kind: regular }; routing needs { kind: random }",
            ),
            ("routing=[64, 5, 10, 0]", "routing is a list; it is a section of keys"),
            (
                "attacks=[{ kind: eclipse-double-spend, hashrate: 0.3, merchant: 70, confirmations: 2 }]",
                "eclipse-double-spend",
            ),
        ],
    );
}
