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

/// Heilman et al.'s eclipse attack inside the run (`routing.eclipse`): 40 victims of a
/// 200-address botnet in a 120-node network, restarting after 3 hours of attack.
const ECLIPSE: &str = "
name: routing-eclipse
seed: 5
stop: { time: 5h }
network: { nodes: 120 }
consensus: { block_interval: 2m, retarget_interval: 0 }
mining: { miners: 4, block_padding: 20kB }
workload: { tx_rate: 0.2/s, wallets: 40 }
routing:
  known: 60
  eclipse:
    victims: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
      21, 22, 23, 24, 25, 26, 27, 28, 29, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41]
    groups: 200
    start: 30m
    attack: 3h
    trash: 4000
";

/// An eclipsed victim has every outbound slot held by the attacker and falls behind:
/// its tip stops where it restarted while the network mines on. Every victim that got
/// away and every other node ends on the best tip.
#[test]
fn eclipsed_victims_lose_the_network_and_the_others_do_not() {
    let (sc, out) = common::simulate(ECLIPSE, &[]);
    let r = summarize(&sc, &out).routing;
    let rows = &r.routing_eclipse_rows;
    assert_eq!((r.routing_eclipse_victims, rows.len()), (40, 40));
    let eclipsed: Vec<_> = rows.iter().filter(|v| v.eclipsed).collect();
    assert_eq!(eclipsed.len() as u32, r.routing_eclipse_eclipsed);
    assert!(!eclipsed.is_empty() && eclipsed.len() < 40, "{r:?}");
    let best = *out.tree.main_chain().last().unwrap();
    let best_height = out.tree.best_height();
    for v in rows {
        // 200 addresses spread over each 27-minute round for 3 hours: 6 rounds and the
        // first 134 of the seventh (j/200 × 27 minutes before the 18 left), each filed
        // in tried.
        assert_eq!(v.attacker_connections, 200 * 6 + 134, "{v:?}");
        assert_eq!(v.tried_attacker, 200, "{v:?}");
        assert!(v.new_trash > 3_000, "{v:?}");
        assert_eq!(
            v.outbound,
            Some(8),
            "every slot filled after the restart: {v:?}"
        );
        if v.eclipsed {
            assert_eq!((v.outbound_attacker, v.outbound_attacker_end), (Some(8), 8));
            assert_eq!(v.honest_links_end, 0, "{v:?}");
            // Restarted at 3.5 h: an hour and a half of 2-minute blocks missed.
            assert!(
                v.behind_end > 20 && v.behind_end <= best_height - v.height_end.min(best_height),
                "{v:?}"
            );
        } else {
            assert!(
                v.outbound_attacker < Some(8) && v.honest_links_end > 0,
                "{v:?}"
            );
            assert_eq!(out.tips[v.victim as usize], best, "{v:?}");
            assert_eq!(v.behind_end, 0, "{v:?}");
        }
    }
    let victims: Vec<u32> = rows.iter().map(|v| v.victim).collect();
    let stray: Vec<u32> = (0..120u32)
        .filter(|n| !victims.contains(n) && out.tips[*n as usize] != best)
        .collect();
    assert!(stray.is_empty(), "nodes off the best tip: {stray:?}");
}

/// No attack time: the attacker never connects, its addresses are in no book, and no
/// victim is eclipsed; every node ends on the best tip.
#[test]
fn without_attack_time_no_victim_is_eclipsed() {
    let (sc, out) = common::simulate(ECLIPSE, &["routing.eclipse.attack=0s", "stop.time=2h"]);
    let r = summarize(&sc, &out).routing;
    assert_eq!(r.routing_eclipse_eclipsed, 0, "{r:?}");
    assert!((r.routing_eclipse_rows.iter())
        .all(|v| v.tried_attacker == 0 && v.outbound_attacker == Some(0)));
    let best = *out.tree.main_chain().last().unwrap();
    assert!(out.tips.iter().all(|&t| t == best));
}

/// A run that stops (by its blocks) before the restart takes none of the attack's
/// steps after the stop: no victim restarted, and their rows say so.
#[test]
fn a_run_that_stops_first_restarts_nobody() {
    let (sc, out) = common::simulate(ECLIPSE, &["stop.time=null", "stop.blocks=30"]);
    let r = summarize(&sc, &out).routing;
    assert!(out.end_time.secs() < 12_600.0, "{}", out.end_time.secs());
    assert!((r.routing_eclipse_rows.iter()).all(|v| v.restart_s.is_none() && v.outbound.is_none()));
    assert_eq!(
        (r.routing_eclipse_eclipsed, r.routing_eclipse_p_theory_mean),
        (0, None)
    );
}

/// bitcoind makes one outbound connection per /16 group: an attacker with 4 groups of
/// 50 addresses fills tried as well as 200 bots do, but holds at most 4 of a victim's
/// 8 slots, and eclipses nobody.
#[test]
fn fewer_groups_than_slots_eclipse_nobody() {
    let (sc, out) = common::simulate(
        ECLIPSE,
        &[
            "routing.eclipse.groups=4",
            "routing.eclipse.per_group=50",
            "stop.time=4h",
        ],
    );
    let r = summarize(&sc, &out).routing;
    assert_eq!(r.routing_eclipse_eclipsed, 0, "{r:?}");
    assert!((r.routing_eclipse_rows.iter())
        .all(|v| v.outbound_attacker <= Some(4) && v.tried_attacker > 0));
    assert!(
        (r.routing_eclipse_rows.iter()).any(|v| v.outbound_attacker == Some(4)),
        "{r:?}"
    );
    let best = *out.tree.main_chain().last().unwrap();
    assert!(out.tips.iter().all(|&t| t == best));
}

#[test]
fn bad_eclipse_values_are_refused_with_the_key_and_the_range() {
    common::refuses(
        ECLIPSE,
        &[
            ("routing.eclipse.victims=[1, 1]", "routing.eclipse.victims names node 1 twice"),
            ("routing.eclipse.victims=[120]", "routing.eclipse.victims[0] is 120; allowed: 0 to 119"),
            ("routing.eclipse.victims=[]", "routing.eclipse.victims lists 0 nodes"),
            ("routing.eclipse.groups=0", "routing.eclipse.groups is 0; allowed: 1 to 50000"),
            ("routing.eclipse.per_group=1000", "at most 100000 attacker addresses"),
            ("routing.eclipse.round=0s", "routing.eclipse.round"),
            ("routing.eclipse.attack=5h", "not before stop.time"),
            ("routing.eclipse.bots=3", "bots"),
            ("routing.eclipse=[1]", "routing.eclipse is a list; it is a section of keys"),
            (
                "routing.eclipse={ victims: [1, 2, 3], groups: 50000, per_group: 2, attack: 4h, round: 10s }",
                "attacker connections and trash",
            ),
            ("joining={ nodes: 77 }", "less routing.eclipse's victims"),
            ("routing.eclipse.victims=[-1]", "a node id: a whole number from 0 to network.nodes"),
            ("routing.max_inbound=8", "cannot take the network's 960 outbound connections"),
        ],
    );
}
