//! Routing nodes (issue #18, the article's "routing nodes manage connections"): each
//! node keeps an address book (bitcoind 0.9.3's tried and new tables,
//! `net::eclipse::addrman`), fills its outbound slots from it, accepts inbound
//! connections up to a limit, replaces peers that leave, and speaks `version`/`verack`,
//! `getaddr` and `addr` over the transport. The run's links are the topology's at the
//! start; from then on the books choose them (`net::topology_live`).
//!
//! This file keeps the state and draws the start; `steps.rs` is the protocol, one
//! handler per message. What is kept and what is simplified is in docs/lifecycle.md.

mod choose;
mod eclipse;
mod steps;

use super::core::Core;
use super::event::Event;
use crate::net::eclipse::addrman::{AddrMan, Place};
use crate::net::eclipse::{Group, Ipv4, Owner};
use crate::net::NodeId;
use crate::sim::rng::{stream, SimRng};
use crate::sim::{EventQueue, SimTime};
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

pub use eclipse::{EclipsePlan, VictimRow};
pub use steps::{Step, StepKind};

/// `routing:` as the run reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct RoutingPlan {
    pub outbound: u32,
    pub max_inbound: u32,
    pub seeds: u32,
    pub getaddr: u32,
    pub known: u32,
    /// An eclipse attack on some nodes' books (`eclipse.rs`).
    pub eclipse: Option<EclipsePlan>,
}

/// What a node dials: another node, an address of the eclipse attacker's, or trash.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Target {
    Node(NodeId),
    Attacker(Ipv4),
    Unroutable(Ipv4),
}

/// The group DNS seeds' answers are filed under (bitcoind files them under the seed's
/// own address; one seed here).
const DNS_GROUP: Group = Group(0);
/// The least and the most a node waits before dialing again when its book gave
/// nothing or a dial failed: bitcoind's connection thread waits half a second a pass;
/// the wait doubles while nothing opens (a bound of ours: a network whose slots cannot
/// all be filled would otherwise redial every half second for the whole run).
const REDIAL_MIN: SimTime = SimTime(500_000_000);
const REDIAL_MAX: SimTime = SimTime(64_000_000_000);

/// A connection being opened: by whom to whom, its delay, and its attempt number (so
/// that a late timer of an earlier attempt between the same two is ignored).
#[derive(Clone, Copy)]
struct Opening {
    latency: SimTime,
    attempt: u32,
}

/// What routing did in a run, flattened into summary.json (docs/results.md): zero and
/// empty without `routing:`, so that every run has the same fields (a sweep may turn
/// routing on and off).
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(default)]
pub struct RoutingFigures {
    /// Connections a node tried to open, those that opened, those the other side
    /// refused (its inbound slots full) and those that timed out (nobody there).
    pub routing_dials: u64,
    pub routing_connections: u64,
    pub routing_refused: u64,
    pub routing_timed_out: u64,
    /// Connections closed because a node left.
    pub routing_closed: u64,
    /// DNS seed queries, addr messages and their bytes, version/verack/getaddr bytes.
    pub routing_dns_queries: u64,
    pub routing_addr_messages: u64,
    pub routing_addr_bytes: u64,
    pub routing_handshake_bytes: u64,
    /// At the end, over the nodes there: mean outbound peers, most inbound peers, mean
    /// addresses in the book and in its tried table.
    pub routing_outbound_mean_end: Option<f64>,
    pub routing_inbound_max_end: Option<u32>,
    pub routing_book_mean_end: Option<f64>,
    pub routing_tried_mean_end: Option<f64>,
    /// With `routing.eclipse`: victims, those eclipsed, and over the victims the
    /// attacker's mean share of tried at the restart, eq. 3's chance of an eclipse at
    /// it, outbound slots the attacker held when they were first full, and blocks
    /// behind the best chain at the end; the attacker's bytes (its connections and
    /// trash).
    pub routing_eclipse_victims: u32,
    pub routing_eclipse_eclipsed: u32,
    pub routing_eclipse_attacker_share_mean: Option<f64>,
    pub routing_eclipse_p_theory_mean: Option<f64>,
    pub routing_eclipse_outbound_attacker_mean: Option<f64>,
    pub routing_eclipse_behind_mean_end: Option<f64>,
    pub routing_eclipse_bytes: u64,
    /// One row per victim, in routing_eclipse.csv.
    #[serde(skip)]
    pub routing_eclipse_rows: Vec<VictimRow>,
}

pub struct Routing {
    plan: RoutingPlan,
    books: Vec<AddrMan>,
    addrs: Vec<Ipv4>,
    by_addr: HashMap<Ipv4, NodeId>,
    /// Per node, the peers it opened connections to (its outbound slots in use).
    outbound: Vec<Vec<NodeId>>,
    inbound: Vec<u32>,
    /// Connections being opened, (dialer, target) → its delay and attempt.
    opening: BTreeMap<(NodeId, NodeId), Opening>,
    opening_count: Vec<u32>,
    attempts: u32,
    /// Per node: a dial already on the queue, the wait before the next when the book
    /// gives nothing, and whether it asked the DNS seed this session.
    dial_due: Vec<bool>,
    redial: Vec<SimTime>,
    asked_dns: Vec<bool>,
    /// Each node's own draws (its book's choices, its links' delays).
    rngs: Vec<SimRng>,
    /// The addresses of addr messages on the wire, by the message's number.
    batches: Vec<Vec<NodeId>>,
    free_batches: Vec<u32>,
    figures: RoutingFigures,
    eclipse: Option<eclipse::EclipseRun>,
}

impl Routing {
    /// Addresses for every node, the start's links as connections (each drawn link
    /// is its drawer's outbound one), and books for the nodes there at the start:
    /// their peers (tried) and `known` others (new). Nodes absent at the start (they
    /// join later) lose the links the topology drew for them and start with an empty
    /// book; the nodes that had drawn them dial others at once (see `start`).
    pub fn new(core: &mut Core, plan: RoutingPlan) -> Self {
        let n = core.views.nodes() as usize;
        let seed = core.plan.seed;
        let addrs = draw_addresses(n, seed);
        let by_addr = addrs
            .iter()
            .enumerate()
            .map(|(i, &a)| (a, NodeId(i as u32)))
            .collect();
        let mut rngs: Vec<SimRng> = (0..n).map(|i| stream(seed, "routing", i as u64)).collect();
        let books = (0..n)
            .map(|i| {
                let mut key = [0u8; 32];
                rngs[i].fill(&mut key);
                AddrMan::new(key)
            })
            .collect();
        let topology = core.transport.topology_mut();
        topology.make_live();
        let eclipse = (plan.eclipse.clone()).map(|e| eclipse::EclipseRun::new(e, n, seed));
        let mut r = Routing {
            eclipse,
            plan,
            books,
            addrs,
            by_addr,
            outbound: vec![Vec::new(); n],
            inbound: vec![0; n],
            opening: BTreeMap::new(),
            opening_count: vec![0; n],
            attempts: 0,
            dial_due: vec![false; n],
            redial: vec![REDIAL_MIN; n],
            asked_dns: vec![false; n],
            rngs,
            batches: Vec::new(),
            free_batches: Vec::new(),
            figures: RoutingFigures::default(),
        };
        for (a, b) in topology.drawn_links() {
            r.outbound[a.index()].push(b);
            r.inbound[b.index()] += 1;
        }
        let absent: Vec<NodeId> = (0..n as u32)
            .map(NodeId)
            .filter(|&v| core.transport.faults.is_absent(v))
            .collect();
        for &v in &absent {
            r.drop_links(core, v);
        }
        r.cap_inbound(core);
        r.fill_books(core);
        r
    }

    /// Links the topology added past the drawing (those joining components, an
    /// attacker's extra connections) can give a node more than `max_inbound`: its
    /// latest inbound links close, and their dialers dial others at the start.
    fn cap_inbound(&mut self, core: &mut Core) {
        for v in 0..self.inbound.len() {
            let node = NodeId(v as u32);
            while self.inbound[v] > self.plan.max_inbound {
                let topology = core.transport.topology();
                let Some(p) = (topology.open_peers(node).map(|l| l.peer))
                    .filter(|p| self.outbound[p.index()].contains(&node))
                    .last()
                else {
                    break;
                };
                core.transport.topology_mut().close_link(node, p);
                let out = &mut self.outbound[p.index()];
                out.retain(|&x| x != node);
                self.inbound[v] -= 1;
            }
        }
    }

    /// Every node there at the start hears of its peers (and has talked to them) and
    /// of `known` other nodes there, each from one of its peers.
    fn fill_books(&mut self, core: &Core) {
        let present: Vec<NodeId> = (0..self.addrs.len() as u32)
            .map(NodeId)
            .filter(|&v| !core.transport.faults.is_absent(v))
            .collect();
        let mut draws = stream(core.plan.seed, "routing-books", 0);
        for &v in &present {
            let peers: Vec<NodeId> = core
                .transport
                .topology()
                .open_peers(v)
                .map(|l| l.peer)
                .collect();
            let (book, rng) = (&mut self.books[v.index()], &mut self.rngs[v.index()]);
            for &p in &peers {
                let a = self.addrs[p.index()];
                book.add(rng, a, a.group(), 0.0, Owner::Legit { online: true });
                book.good(rng, a, 0.0);
            }
            let want = (self.plan.known as usize).min(present.len() - 1);
            let chosen = rand::seq::index::sample(&mut draws, present.len(), want);
            for i in chosen {
                let other = present[i];
                if other == v {
                    continue;
                }
                let source = match peers.len() {
                    0 => DNS_GROUP,
                    k => self.addrs[peers[draws.random_range(0..k)].index()].group(),
                };
                let a = self.addrs[other.index()];
                book.add(rng, a, source, 0.0, Owner::Legit { online: true });
            }
        }
    }

    /// Dials for the nodes that lost a link to a node absent at the start; the eclipse
    /// attack's first connections and restarts.
    pub fn start(&mut self, q: &mut EventQueue<Event>) {
        if let Some(e) = &self.eclipse {
            e.start(q);
        }
        for v in 0..self.outbound.len() {
            if (self.outbound[v].len() as u32) < self.plan.outbound && !self.dial_due[v] {
                self.dial_due[v] = true;
                q.schedule(SimTime::ZERO, Event::Dial(NodeId(v as u32)));
            }
        }
    }

    /// Closes every link `node` has (it leaves, or is absent at the start): its
    /// inbound peers lose an outbound slot and dial another at once. Its own dials
    /// under way are forgotten. Returns the peers that lost an outbound slot.
    fn drop_links(&mut self, core: &mut Core, node: NodeId) -> Vec<NodeId> {
        let peers: Vec<NodeId> = (core.transport.topology().open_peers(node))
            .map(|l| l.peer)
            .collect();
        let mut lost = Vec::new();
        for p in peers {
            core.transport.topology_mut().close_link(node, p);
            if let Some(i) = self.outbound[p.index()].iter().position(|&x| x == node) {
                self.outbound[p.index()].swap_remove(i);
                lost.push(p);
            } else {
                self.inbound[p.index()] = self.inbound[p.index()].saturating_sub(1);
            }
        }
        self.outbound[node.index()].clear();
        self.inbound[node.index()] = 0;
        let mine: Vec<(NodeId, NodeId)> = (self.opening.keys())
            .filter(|(a, _)| *a == node)
            .copied()
            .collect();
        for key in mine {
            self.opening.remove(&key);
        }
        self.opening_count[node.index()] = 0;
        lost
    }

    /// `node` leaves: its links close; each peer that had it as an outbound
    /// connection learns of it one link delay later and dials another.
    pub fn node_leaves(
        &mut self,
        core: &mut Core,
        q: &mut EventQueue<Event>,
        now: SimTime,
        node: NodeId,
    ) {
        let open = core.transport.topology().open_peers(node).count();
        self.figures.routing_closed += open as u64;
        for p in self.drop_links(core, node) {
            let delay = core
                .transport
                .topology()
                .link(p, node)
                .map_or(SimTime::ZERO, |l| l.latency);
            self.schedule_dial(q, now.saturating_add(delay), p);
        }
    }

    /// `node` joins or comes back: it dials (asking the DNS seed if its book is empty).
    pub fn node_joins(&mut self, q: &mut EventQueue<Event>, now: SimTime, node: NodeId) {
        self.asked_dns[node.index()] = false;
        self.redial[node.index()] = REDIAL_MIN;
        self.schedule_dial(q, now, node);
    }

    fn schedule_dial(&mut self, q: &mut EventQueue<Event>, at: SimTime, node: NodeId) {
        if !self.dial_due[node.index()] {
            self.dial_due[node.index()] = true;
            q.schedule(at, Event::Dial(node));
        }
    }

    /// The run's figures, with the state at the end.
    pub fn figures(&self, core: &Core) -> RoutingFigures {
        let there: Vec<usize> = (0..self.addrs.len())
            .filter(|&v| !core.transport.faults.is_absent(NodeId(v as u32)))
            .collect();
        let mean = |f: &dyn Fn(usize) -> f64| {
            there.iter().map(|&v| f(v)).sum::<f64>() / there.len().max(1) as f64
        };
        let book = |v: usize| {
            let b = &self.books[v];
            (b.tried_count + b.new_count) as f64
        };
        RoutingFigures {
            routing_outbound_mean_end: Some(mean(&|v| self.outbound[v].len() as f64)),
            routing_inbound_max_end: Some(
                there.iter().map(|&v| self.inbound[v]).max().unwrap_or(0),
            ),
            routing_book_mean_end: Some(mean(&book)),
            routing_tried_mean_end: Some(mean(&|v| self.books[v].tried_count as f64)),
            ..self.eclipse_figures(core)
        }
    }

    /// The run's counts with the eclipse attack's figures and rows; the means are over
    /// the victims that restarted before the run ended.
    fn eclipse_figures(&self, core: &Core) -> RoutingFigures {
        let Some(e) = &self.eclipse else {
            return self.figures.clone();
        };
        let tree = &core.tree;
        let height = |v: NodeId| tree.entry(core.views.tip(v)).height;
        let behind = |v: NodeId| {
            let mut b = core.views.tip(v);
            while !tree.is_on_main_chain(b) {
                b = tree.entry(b).parent.expect("genesis is on the main chain");
            }
            tree.best_height() - tree.entry(b).height
        };
        let topology = core.transport.topology();
        let links = |v: NodeId| topology.open_peers(v).count() as u32;
        let end = eclipse::EndOf {
            height: &height,
            behind: &behind,
            links: &links,
            best: tree.best_height(),
        };
        let rows = e.rows(&end);
        let restarted: Vec<&VictimRow> = rows.iter().filter(|r| r.restart_s.is_some()).collect();
        let n = restarted.len() as f64;
        let mean = |f: &dyn Fn(&VictimRow) -> f64| {
            (n > 0.0).then(|| restarted.iter().map(|r| f(r)).sum::<f64>() / n)
        };
        let filled: Vec<u32> = rows.iter().filter_map(|r| r.outbound_attacker).collect();
        RoutingFigures {
            routing_eclipse_victims: rows.len() as u32,
            routing_eclipse_eclipsed: rows.iter().filter(|r| r.eclipsed).count() as u32,
            routing_eclipse_attacker_share_mean: mean(&|r| r.attacker_share),
            routing_eclipse_p_theory_mean: mean(&|r| r.p_theory),
            routing_eclipse_outbound_attacker_mean: (!filled.is_empty())
                .then(|| filled.iter().map(|&o| f64::from(o)).sum::<f64>() / filled.len() as f64),
            routing_eclipse_behind_mean_end: mean(&|r| f64::from(r.behind_end)),
            routing_eclipse_bytes: e.bytes,
            routing_eclipse_rows: rows,
            ..self.figures.clone()
        }
    }

    /// Up to `count` addresses `node`'s book holds, drawn at random (a getaddr answer).
    fn sample_book(&mut self, node: NodeId, count: usize) -> Vec<NodeId> {
        let book = &self.books[node.index()];
        // Only honest addresses: an eclipse attacker's stay in its victims' books.
        let held: Vec<Ipv4> = (book.entries.iter())
            .filter(|e| e.place != Place::Gone && matches!(e.owner, Owner::Legit { .. }))
            .map(|e| e.addr)
            .collect();
        let count = count.min(held.len());
        let rng = &mut self.rngs[node.index()];
        (rand::seq::index::sample(rng, held.len(), count).into_iter())
            .map(|i| self.by_addr[&held[i]])
            .collect()
    }

    fn batch(&mut self, nodes: Vec<NodeId>) -> u32 {
        match self.free_batches.pop() {
            Some(i) => {
                self.batches[i as usize] = nodes;
                i
            }
            None => {
                self.batches.push(nodes);
                self.batches.len() as u32 - 1
            }
        }
    }

    fn take_batch(&mut self, i: u32) -> Vec<NodeId> {
        self.free_batches.push(i);
        std::mem::take(&mut self.batches[i as usize])
    }
}

/// A distinct IPv4 address per node, at random (so nearly every node has a /16 group
/// of its own; real nodes cluster in hosting networks more than this).
fn draw_addresses(n: usize, seed: u64) -> Vec<Ipv4> {
    let mut rng = stream(seed, "routing-addresses", 0);
    let mut taken = HashSet::with_capacity(n);
    let mut addrs = Vec::with_capacity(n);
    while addrs.len() < n {
        // Above 1.0.0.0, and not DNS_GROUP.
        let a = Ipv4(rng.random_range(0x0100_0000..=u32::MAX));
        if taken.insert(a) {
            addrs.push(a);
        }
    }
    addrs
}
