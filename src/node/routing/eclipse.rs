//! Heilman et al.'s eclipse attack inside the run (`routing.eclipse`), on the routing
//! nodes' own books. The attacker is outside the simulated network: a set of machines
//! owning `groups` × `per_group` addresses. From `start`, each of its addresses
//! connects to every victim once a round (bitcoind 0.9.3 files an unsolicited
//! incoming peer in tried); in its first round each also sends its share of `trash`
//! (unroutable addresses, filed in new). At `start + attack` every victim restarts: its
//! connections close, the attacker takes its incoming slots (the paper's assumption),
//! and the victim fills its outbound slots from the book it has. A dial to an attacker
//! address is answered after two round trips and the attacker holds that slot, passing
//! nothing and taking whatever the victim sends; a dial to trash times out. A victim
//! whose slots, when first all filled after the restart, all went to the attacker is
//! eclipsed: it has no link left to the network and falls behind.
//!
//! The attacker's addresses stay in its victims' books: a victim's getaddr answers
//! carry only honest addresses (documented in docs/lifecycle.md).

use super::{Routing, Target, REDIAL_MAX, REDIAL_MIN};
use crate::net::eclipse::{theory, Ipv4, Owner};
use crate::net::NodeId;
use crate::node::event::Event;
use crate::node::network::Network;
use crate::node::routing::{Step, StepKind};
use crate::sim::rng::{stream, SimRng};
use crate::sim::{EventQueue, SimTime};
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// `routing.eclipse` as the run reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct EclipsePlan {
    pub victims: Vec<NodeId>,
    pub groups: u32,
    pub per_group: u32,
    pub start: SimTime,
    pub attack: SimTime,
    pub round: SimTime,
    pub trash: u32,
    pub latency: SimTime,
}

/// bitcoind files an address from an `addr` message two hours older than stated.
const ADDR_PENALTY_S: f64 = 7_200.0;
/// An attacker connection: version and verack each way (the 24-byte header included).
const CONNECTION_BYTES: u64 = 2 * (126 + 24);

/// One victim's row of routing_eclipse.csv (docs/results.md).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct VictimRow {
    pub victim: u32,
    pub eclipsed: bool,
    /// When it restarted (none if the run ended first).
    pub restart_s: Option<f64>,
    /// From the restart until every outbound slot was filled; how many were then, how
    /// many the attacker held (none if they never all filled), and the dials the
    /// victim made meanwhile.
    pub full_after_s: Option<f64>,
    pub outbound: Option<u32>,
    pub outbound_attacker: Option<u32>,
    pub dials: u32,
    /// The book at the restart: tried entries, the attacker's, their share (f), the
    /// share of the victim's connected peers (f′), new entries and trash among them.
    pub tried: u32,
    pub tried_attacker: u32,
    pub attacker_share: f64,
    pub connected_share: f64,
    pub new: u32,
    pub new_trash: u32,
    /// Heilman et al.'s eq. 3 at this f and f′, raised to the outbound slots.
    pub p_theory: f64,
    /// The attacker's connections the victim filed, and those its full inbound refused.
    pub attacker_connections: u64,
    pub attacker_refused: u64,
    /// At the end: outbound slots the attacker held, the victim's open links to honest
    /// nodes, its tip's height, the best chain's, and the best chain's blocks the
    /// victim lacks (from the best tip down to where the victim's chain leaves it: an
    /// eclipsed miner's own branch counts for nothing).
    pub outbound_attacker_end: u32,
    pub honest_links_end: u32,
    pub height_end: u32,
    pub best_height_end: u32,
    pub behind_end: u32,
}

/// What the rows need of the run at its end, per node.
pub(super) struct EndOf<'a> {
    pub height: &'a dyn Fn(NodeId) -> u32,
    pub behind: &'a dyn Fn(NodeId) -> u32,
    pub links: &'a dyn Fn(NodeId) -> u32,
    pub best: u32,
}

struct Victim {
    node: NodeId,
    /// Trash addresses and draws of its own.
    rng: SimRng,
    /// Outbound slots the attacker holds, and dials to its or trash addresses under way.
    held: Vec<Ipv4>,
    pending: Vec<Ipv4>,
    /// Bumped at the restart: what an earlier session dialed is forgotten.
    session: u32,
    restarted: Option<SimTime>,
    row: VictimRow,
}

pub(super) struct EclipseRun {
    plan: EclipsePlan,
    addrs: Vec<Ipv4>,
    victims: Vec<Victim>,
    /// Per node, its place among the victims (u32::MAX for none).
    place: Vec<u32>,
    pub(super) bytes: u64,
}

impl EclipseRun {
    pub(super) fn new(plan: EclipsePlan, nodes: usize, seed: u64) -> Self {
        let mut place = vec![u32::MAX; nodes];
        let victims = (plan.victims.iter().enumerate())
            .map(|(i, &v)| {
                place[v.index()] = i as u32;
                Victim {
                    node: v,
                    rng: stream(seed, "routing-eclipse", 1 + u64::from(v.0)),
                    held: Vec::new(),
                    pending: Vec::new(),
                    session: 0,
                    restarted: None,
                    row: VictimRow {
                        victim: v.0,
                        ..VictimRow::default()
                    },
                }
            })
            .collect();
        let addrs = attacker_addrs(&plan, &mut stream(seed, "routing-eclipse", 0));
        EclipseRun {
            plan,
            addrs,
            victims,
            place,
            bytes: 0,
        }
    }

    fn victim(&self, node: NodeId) -> Option<&Victim> {
        self.victims.get(*self.place.get(node.index())? as usize)
    }

    fn victim_mut(&mut self, node: NodeId) -> Option<&mut Victim> {
        let i = *self.place.get(node.index())? as usize;
        self.victims.get_mut(i)
    }

    /// The first attacker connection and the restart of every victim.
    pub(super) fn start(&self, q: &mut EventQueue<Event>) {
        for v in &self.victims {
            let at = self.plan.start + self.plan.latency;
            q.schedule(at, step(v.node, StepKind::Attack(0), 0));
            let restart = self.plan.start + self.plan.attack;
            q.schedule(restart, step(v.node, StepKind::Restart, 0));
        }
    }

    /// Outbound slots the attacker holds for `node`.
    pub(super) fn held(&self, node: NodeId) -> usize {
        self.victim(node).map_or(0, |v| v.held.len())
    }

    /// Whether `addr` shares a /16 group with a slot the attacker holds for `node` or
    /// a dial to one of its addresses under way (the victim dials several slots at
    /// once; bitcoind dialed one at a time, so never into a group it was dialing).
    pub(super) fn held_group(&self, node: NodeId, addr: Ipv4) -> bool {
        (self.victim(node))
            .is_some_and(|v| (v.held.iter().chain(&v.pending)).any(|h| h.group() == addr.group()))
    }

    /// Whether `node` may dial the attacker's or trash address `addr` now.
    pub(super) fn may_dial(&self, node: NodeId, addr: Ipv4) -> bool {
        (self.victim(node)).is_some_and(|v| !v.held.contains(&addr) && !v.pending.contains(&addr))
    }

    /// A victim picked a non-honest address: counts the dial while it fills its slots
    /// after the restart.
    pub(super) fn count_dial(&mut self, node: NodeId) {
        if let Some(v) = self.victim_mut(node) {
            if v.restarted.is_some() && v.row.full_after_s.is_none() {
                v.row.dials += 1;
            }
        }
    }

    /// Rows for routing_eclipse.csv: `height(node)` is a node's tip height, `best` the
    /// best chain's.
    pub(super) fn rows(&self, end: &EndOf) -> Vec<VictimRow> {
        (self.victims.iter())
            .map(|v| VictimRow {
                outbound_attacker_end: v.held.len() as u32,
                honest_links_end: (end.links)(v.node),
                height_end: (end.height)(v.node),
                best_height_end: end.best,
                behind_end: (end.behind)(v.node),
                ..v.row.clone()
            })
            .collect()
    }
}

fn step(node: NodeId, kind: StepKind, attempt: u32) -> Event {
    Event::Routing {
        from: node,
        to: node,
        step: Step { kind, attempt },
    }
}

/// `groups` distinct /16 groups (not the trash range) with `per_group` distinct
/// addresses in each.
fn attacker_addrs(plan: &EclipsePlan, rng: &mut SimRng) -> Vec<Ipv4> {
    let mut groups = HashSet::new();
    let mut out = Vec::new();
    while groups.len() < plan.groups as usize {
        let g = (rng.random_range(0x0100_0000u32..0xE000_0000) >> 16) as u16;
        if !groups.insert(g) {
            continue;
        }
        let mut low = HashSet::new();
        while low.len() < plan.per_group as usize {
            let l: u16 = rng.random();
            if low.insert(l) {
                out.push(Ipv4(u32::from(g) << 16 | u32::from(l)));
            }
        }
    }
    out
}

impl Routing {
    /// Outbound slots the eclipse attacker holds for `node` (none without one).
    pub(super) fn held(&self, node: NodeId) -> usize {
        self.eclipse.as_ref().map_or(0, |e| e.held(node))
    }

    fn eclipse_mut(&mut self) -> &mut EclipseRun {
        self.eclipse.as_mut().expect("routing.eclipse is on")
    }

    /// The book's view of `node` when it restarts, for its row.
    fn book_at_restart(&mut self, core: &crate::node::core::Core, node: NodeId) {
        let book = &self.books[node.index()];
        let (attacker, tried) = book.tried_by_attacker();
        let connected = (core.transport.topology().open_peers(node))
            .filter(|l| {
                let a = self.addrs[l.peer.index()];
                (book.find(a)).is_some_and(|id| {
                    matches!(
                        book.entries[id as usize].place,
                        crate::net::eclipse::addrman::Place::Tried(_)
                    )
                })
            })
            .count();
        let trash = (book.new.iter().flatten())
            .filter(|&&id| book.entries[id as usize].owner == Owner::Trash)
            .count();
        let (new, outbound) = (book.new_count as u32, self.plan.outbound as i32);
        let e = self.eclipse.as_ref().expect("routing.eclipse is on");
        let (round_s, attack_s) = (e.plan.round.secs(), e.plan.attack.secs());
        let f = attacker as f64 / tried.max(1) as f64;
        let f1 = connected as f64 / tried.max(1) as f64;
        let row = &mut self.eclipse_mut().victim_mut(node).expect("a victim").row;
        (row.tried, row.tried_attacker, row.new, row.new_trash) =
            (tried as u32, attacker as u32, new, trash as u32);
        (row.attacker_share, row.connected_share) = (f, f1);
        row.p_theory = theory::q(f, f1, round_s, attack_s).powi(outbound);
    }

    /// Every slot of `node` is filled: if it is a victim filling them for the first
    /// time since its restart, its row says how many the attacker holds.
    pub(super) fn check_full(&mut self, now: SimTime, node: NodeId) {
        let honest = self.outbound[node.index()].len();
        let want = self.plan.outbound as usize;
        let Some(v) = self.eclipse.as_mut().and_then(|e| e.victim_mut(node)) else {
            return;
        };
        let Some(restart) = v.restarted else { return };
        if v.row.full_after_s.is_some() || honest + v.held.len() < want {
            return;
        }
        v.row.full_after_s = Some((now - restart).secs());
        v.row.outbound = Some((honest + v.held.len()) as u32);
        v.row.outbound_attacker = Some(v.held.len() as u32);
        v.row.eclipsed = honest == 0;
    }
}

impl Network {
    /// A victim's dial to an attacker's address (answered after two round trips) or to
    /// trash (nobody answers: the dial times out).
    pub(super) fn open_outside(&mut self, now: SimTime, node: NodeId, target: Target) {
        let r = self.routing.as_mut().expect("routing is on");
        r.opening_count[node.index()] += 1;
        r.figures.routing_dials += 1;
        let e = r.eclipse_mut();
        let latency = e.plan.latency;
        e.count_dial(node);
        let v = e
            .victim_mut(node)
            .expect("only a victim holds such addresses");
        let (at, kind) = match target {
            Target::Attacker(a) => (now.saturating_add(latency.saturating_mul(4)), {
                v.pending.push(a);
                StepKind::Held(a.0)
            }),
            Target::Unroutable(a) => (now + super::steps::CONNECT_TIMEOUT, {
                v.pending.push(a);
                StepKind::Unroutable(a.0)
            }),
            Target::Node(_) => unreachable!("an honest node is dialed on the transport"),
        };
        let session = v.session;
        self.q.schedule(at, step(node, kind, session));
    }

    /// The attacker's address `j` connects to victim `node` in round `round`; the next
    /// one follows, evenly spread over the round, until the restart.
    pub(super) fn attacker_connects(&mut self, now: SimTime, node: NodeId, j: u32, round: u32) {
        let r = self.routing.as_mut().expect("routing is on");
        let e = r.eclipse.as_mut().expect("routing.eclipse is on");
        let (plan, n) = (&e.plan, e.addrs.len() as u64);
        let v = &mut e.victims[e.place[node.index()] as usize];
        if v.restarted.is_some() {
            return;
        }
        let addr = e.addrs[j as usize];
        let full = r.inbound[node.index()] >= r.plan.max_inbound;
        let refused = full || self.core.transport.faults.is_down(node);
        self.core
            .rec
            .trace(now, Some(node), "eclipse-connect", None, || {
                let what = if refused { "refused" } else { "filed in tried" };
                format!("the attacker's {addr:?}: {what}")
            });
        if refused {
            v.row.attacker_refused += 1;
        } else {
            v.row.attacker_connections += 1;
            e.bytes += CONNECTION_BYTES;
            let (book, rng) = (&mut r.books[node.index()], &mut r.rngs[node.index()]);
            book.add(rng, addr, addr.group(), now.secs(), Owner::Attacker);
            book.good(rng, addr, now.secs());
            if round == 0 {
                let share =
                    u64::from(plan.trash) / n + u64::from(u64::from(j) < u64::from(plan.trash) % n);
                for _ in 0..share {
                    let trash = Ipv4(0xFC00_0000 | v.rng.random_range(0..0x0100_0000));
                    let seen = now.secs() - ADDR_PENALTY_S;
                    book.add(rng, trash, addr.group(), seen, Owner::Trash);
                }
                e.bytes += super::steps::addr_bytes(share as usize) as u64;
            }
        }
        let (next_j, next_round) = match u64::from(j) + 1 {
            k if k == n => (0, round + 1),
            k => (k as u32, round),
        };
        let offset =
            plan.round.nanos() as f64 * (f64::from(next_round) + f64::from(next_j) / n as f64);
        let sent = plan.start.saturating_add(SimTime(offset as u64));
        if sent < plan.start + plan.attack {
            let at = sent + plan.latency;
            self.q
                .schedule(at, step(node, StepKind::Attack(next_j), next_round));
        }
    }

    /// A victim's dial to the attacker was answered: the attacker holds the slot.
    pub(super) fn attacker_holds(&mut self, now: SimTime, node: NodeId, addr: Ipv4, session: u32) {
        let r = self.routing.as_mut().expect("routing is on");
        let v = r.eclipse_mut().victim_mut(node).expect("a victim");
        if v.session != session {
            return;
        }
        v.pending.retain(|&a| a != addr);
        v.held.push(addr);
        r.eclipse_mut().bytes += CONNECTION_BYTES;
        r.opening_count[node.index()] -= 1;
        r.redial[node.index()] = REDIAL_MIN;
        r.figures.routing_connections += 1;
        r.books[node.index()].good(&mut r.rngs[node.index()], addr, now.secs());
        r.check_full(now, node);
        self.core
            .rec
            .trace(now, Some(node), "eclipse-held", None, || {
                format!("the attacker holds a connection to {addr:?}")
            });
    }

    /// A victim's dial to trash timed out.
    pub(super) fn unroutable(&mut self, now: SimTime, node: NodeId, addr: Ipv4, session: u32) {
        let r = self.routing.as_mut().expect("routing is on");
        let v = r.eclipse_mut().victim_mut(node).expect("a victim");
        if v.session != session {
            return;
        }
        v.pending.retain(|&a| a != addr);
        r.opening_count[node.index()] -= 1;
        r.figures.routing_timed_out += 1;
        let wait = r.redial[node.index()];
        r.redial[node.index()] = wait.saturating_mul(2).min(REDIAL_MAX);
        r.schedule_dial(&mut self.q, now.saturating_add(wait), node);
    }

    /// The victim restarts: its book is read for its row, every connection closes (its
    /// peers that had it as an outbound one dial others), the attacker takes its
    /// incoming slots, and it dials from its book.
    pub(super) fn victim_restarts(&mut self, now: SimTime, node: NodeId) {
        let r = self.routing.as_mut().expect("routing is on");
        r.refresh_connected(&self.core, now, node);
        r.book_at_restart(&self.core, node);
        let open = self.core.transport.topology().open_peers(node).count();
        r.figures.routing_closed += open as u64;
        for p in r.drop_links(&mut self.core, node) {
            let delay =
                (self.core.transport.topology().link(p, node)).map_or(SimTime::ZERO, |l| l.latency);
            r.schedule_dial(&mut self.q, now.saturating_add(delay), p);
        }
        let max_inbound = r.plan.max_inbound;
        r.inbound[node.index()] = max_inbound;
        let v = r.eclipse_mut().victim_mut(node).expect("a victim");
        v.held.clear();
        v.pending.clear();
        v.session += 1;
        v.restarted = Some(now);
        v.row.restart_s = Some(now.secs());
        r.node_joins(&mut self.q, now, node);
        self.core
            .rec
            .trace(now, Some(node), "eclipse-restart", None, || {
                "restarts; the attacker holds its incoming slots".to_string()
            });
    }
}
