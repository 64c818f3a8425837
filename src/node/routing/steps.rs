//! The routing protocol, one handler per step. A dial: the dialer picks an address
//! from its book and opens TCP (`Syn`, answered `SynAck`, or `Refused` when the other
//! side's inbound slots are full; nothing comes back from a node that is not there,
//! and the dialer gives up after `CONNECT_TIMEOUT`); it sends `version`, the other
//! side answers `version` and `verack`, and the link opens. The dialer then sends
//! `verack`, `getaddr` and an `addr` of its own address; the other side files the
//! address (and relays it to two peers when it is new to it) and answers `getaddr` with
//! an `addr` of 23% of its book, up to `routing.getaddr`. Handshake messages travel
//! before the link is open: their bytes are charged to the sender's uplink over the
//! connection's own delay, and the fault filter decides whether they arrive.

use super::{Opening, Routing, Target, REDIAL_MAX, REDIAL_MIN};
use crate::net::eclipse::{Ipv4, Owner};
use crate::net::{Link, NodeId, Traffic};
use crate::node::event::Event;
use crate::node::network::Network;
use crate::sim::SimTime;

/// bitcoind's connect timeout (0.9.3: `-timeout`, 5,000 ms).
pub(super) const CONNECT_TIMEOUT: SimTime = SimTime(5_000_000_000);
/// Wire sizes with the 24-byte message header: `version` (0.9.3's, with its user
/// agent), `verack` and `getaddr` (empty), and per address in `addr` (time, services,
/// address and port).
const VERSION_BYTES: usize = 24 + 102;
const EMPTY_BYTES: usize = 24;
const ADDR_ENTRY_BYTES: usize = 30;
/// Addresses in one addr message; a getaddr answer takes several.
const ADDR_PER_MESSAGE: usize = 1_000;
/// An addr message this small is gossip, relayed on (bitcoind's rule).
const RELAYED_ADDR_MAX: usize = 10;
/// Peers a new address is relayed to.
const ADDR_RELAY_PEERS: usize = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    Syn,
    SynAck,
    Refused,
    Version,
    VersionVerack,
    /// The dialer's verack, getaddr and own address, in one arrival.
    Verack,
    /// Addresses: gossip (relayed on when few and new) or an answer to getaddr
    /// (never relayed, as bitcoind marks a peer it asked).
    Addr(u32),
    AddrAnswer(u32),
    /// The dialer's timer for a connection that did not open.
    Timeout,
    /// The eclipse attack (`eclipse.rs`), each for its victim: the attacker's address
    /// (by its place) connects; the victim's dial to an attacker's address (as a
    /// number) was answered, or to trash timed out; the victim restarts.
    Attack(u32),
    Held(u32),
    Unroutable(u32),
    Restart,
}

impl StepKind {
    /// Its row in trace.csv.
    pub fn name(self) -> &'static str {
        match self {
            StepKind::Syn => "tcp-syn",
            StepKind::SynAck => "tcp-synack",
            StepKind::Refused => "refused",
            StepKind::Version => "version",
            StepKind::VersionVerack => "version-verack",
            StepKind::Verack => "verack-getaddr-addr",
            StepKind::Addr(_) | StepKind::AddrAnswer(_) => "addr",
            StepKind::Timeout => "timer",
            StepKind::Attack(_) => "eclipse-connect",
            StepKind::Held(_) => "eclipse-answer",
            StepKind::Unroutable(_) => "unroutable-timeout",
            StepKind::Restart => "restart",
        }
    }
}

/// A routing message (or timer) for `to` about `from`, of one connection attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub kind: StepKind,
    pub attempt: u32,
}

/// The bytes of addr messages carrying `count` addresses.
pub(super) fn addr_bytes(count: usize) -> usize {
    let messages = count.div_ceil(ADDR_PER_MESSAGE).max(1);
    messages * (EMPTY_BYTES + 3) + count * ADDR_ENTRY_BYTES
}

impl Network {
    fn routing(&mut self) -> &mut Routing {
        self.routing.as_mut().expect("routing is on")
    }

    /// `node` fills its free outbound slots, one dial each; looks again later (the
    /// wait doubling) when its book gave nothing.
    pub(in crate::node) fn dial(&mut self, now: SimTime, node: NodeId) {
        let Some(r) = self.routing.as_mut() else {
            return;
        };
        r.dial_due[node.index()] = false;
        if self.core.transport.faults.is_absent(node) {
            return;
        }
        r.refresh_connected(&self.core, now, node);
        let held = r.held(node) as u32;
        let used = r.outbound[node.index()].len() as u32 + r.opening_count[node.index()] + held;
        for _ in used..r.plan.outbound {
            let r = self.routing.as_mut().expect("routing is on");
            let Some(target) = r.pick(&self.core, now, node) else {
                let wait = r.redial[node.index()];
                r.redial[node.index()] = wait.saturating_mul(2).min(REDIAL_MAX);
                r.schedule_dial(&mut self.q, now.saturating_add(wait), node);
                return;
            };
            match target {
                Target::Node(peer) => self.open(now, node, peer),
                outside => self.open_outside(now, node, outside),
            }
        }
    }

    /// `node` starts opening a connection to `peer`.
    fn open(&mut self, now: SimTime, node: NodeId, peer: NodeId) {
        let r = self.routing.as_mut().expect("routing is on");
        let rng = &mut r.rngs[node.index()];
        let latency = self.core.transport.topology().draw_latency(node, peer, rng);
        r.attempts += 1;
        let attempt = r.attempts;
        r.opening.insert((node, peer), Opening { latency, attempt });
        r.opening_count[node.index()] += 1;
        r.figures.routing_dials += 1;
        let step = |kind| Step { kind, attempt };
        let (syn, timeout) = (step(StepKind::Syn), step(StepKind::Timeout));
        self.q.schedule(
            now + latency,
            Event::Routing {
                from: node,
                to: peer,
                step: syn,
            },
        );
        let timer = Event::Routing {
            from: peer,
            to: node,
            step: timeout,
        };
        self.q.schedule(now + CONNECT_TIMEOUT, timer);
    }

    /// The connection `dialer` → `target` being opened, if this is its attempt.
    fn opening(&self, dialer: NodeId, target: NodeId, attempt: u32) -> Option<Opening> {
        let r = self.routing.as_ref()?;
        r.opening
            .get(&(dialer, target))
            .copied()
            .filter(|o| o.attempt == attempt)
    }

    /// A routing message reaches `to` from `from` (or `to`'s timer about `from`).
    pub(in crate::node) fn routing_step(
        &mut self,
        now: SimTime,
        from: NodeId,
        to: NodeId,
        step: Step,
    ) {
        let attempt = step.attempt;
        match step.kind {
            StepKind::Timeout | StepKind::Refused => {
                if self.opening(to, from, attempt).is_some() {
                    self.opening_failed(now, to, from, step.kind == StepKind::Refused);
                }
            }
            StepKind::Addr(batch) => self.addr_arrived(now, from, to, batch, true),
            StepKind::AddrAnswer(batch) => self.addr_arrived(now, from, to, batch, false),
            StepKind::Verack => self.verack_arrived(now, from, to),
            StepKind::Attack(j) => self.attacker_connects(now, to, j, attempt),
            StepKind::Held(a) => self.attacker_holds(now, to, Ipv4(a), attempt),
            StepKind::Unroutable(a) => self.unroutable(now, to, Ipv4(a), attempt),
            StepKind::Restart => self.victim_restarts(now, to),
            kind => {
                // A handshake step: of the dialer's attempt, and not lost on the way.
                let (dialer, target) = match kind {
                    StepKind::Syn | StepKind::Version => (from, to),
                    _ => (to, from),
                };
                let Some(o) = self.opening(dialer, target, attempt) else {
                    return;
                };
                if self.core.transport.faults.lost(from, to) {
                    return; // the dialer's timer ends it
                }
                self.handshake(now, (dialer, target), kind, o);
            }
        }
    }

    fn opening_failed(&mut self, now: SimTime, dialer: NodeId, target: NodeId, refused: bool) {
        let r = self.routing.as_mut().expect("routing is on");
        r.opening.remove(&(dialer, target));
        r.opening_count[dialer.index()] -= 1;
        match refused {
            true => r.figures.routing_refused += 1,
            false => r.figures.routing_timed_out += 1,
        }
        let wait = r.redial[dialer.index()];
        r.redial[dialer.index()] = wait.saturating_mul(2).min(REDIAL_MAX);
        r.schedule_dial(&mut self.q, now.saturating_add(wait), dialer);
        let what = if refused {
            "refused"
        } else {
            "connect-timeout"
        };
        self.core.rec.trace(now, Some(dialer), what, None, || {
            format!("no connection to node {target}")
        });
    }

    /// One step of the handshake between `dialer` and `target` arrived.
    fn handshake(
        &mut self,
        now: SimTime,
        (dialer, target): (NodeId, NodeId),
        kind: StepKind,
        o: Opening,
    ) {
        let step = |kind| Step {
            kind,
            attempt: o.attempt,
        };
        let full = {
            let r = self.routing();
            r.inbound[target.index()] >= r.plan.max_inbound
        };
        let (next, from, to, bytes) = match kind {
            StepKind::Syn if full => (StepKind::Refused, target, dialer, 0),
            StepKind::Syn => (StepKind::SynAck, target, dialer, 0),
            StepKind::SynAck => (StepKind::Version, dialer, target, VERSION_BYTES),
            StepKind::Version if full => (StepKind::Refused, target, dialer, 0),
            StepKind::Version => (
                StepKind::VersionVerack,
                target,
                dialer,
                VERSION_BYTES + EMPTY_BYTES,
            ),
            StepKind::VersionVerack if full => {
                return self.opening_failed(now, dialer, target, true)
            }
            StepKind::VersionVerack => return self.connected(now, dialer, target, o),
            _ => unreachable!("not a handshake step"),
        };
        let link = Link::new(to, crate::node::event::UNTRACKED, o.latency, f64::INFINITY);
        let at = match bytes {
            0 => now + o.latency,
            b => {
                self.routing().figures.routing_handshake_bytes += b as u64;
                (self.core.transport).send_over(now, from, link, b, Traffic::Control)
            }
        };
        self.q.schedule(
            at,
            Event::Routing {
                from,
                to,
                step: step(next),
            },
        );
    }

    /// The handshake is done: the link opens, the dialer files the target as tried and
    /// sends verack, getaddr and its own address; both may now sync from each other.
    fn connected(&mut self, now: SimTime, dialer: NodeId, target: NodeId, o: Opening) {
        let r = self.routing.as_mut().expect("routing is on");
        r.opening.remove(&(dialer, target));
        r.opening_count[dialer.index()] -= 1;
        r.outbound[dialer.index()].push(target);
        r.redial[dialer.index()] = REDIAL_MIN;
        r.inbound[target.index()] += 1;
        r.figures.routing_connections += 1;
        let a = r.addrs[target.index()];
        r.books[dialer.index()].good(&mut r.rngs[dialer.index()], a, now.secs());
        (self.core.transport).open_link(dialer, target, o.latency);
        let bytes = 2 * EMPTY_BYTES + addr_bytes(1);
        self.routing().figures.routing_handshake_bytes += 2 * EMPTY_BYTES as u64;
        self.routing().figures.routing_addr_bytes += addr_bytes(1) as u64;
        let at = (self.core.transport).send(now, dialer, target, bytes, Traffic::Control);
        let step = Step {
            kind: StepKind::Verack,
            attempt: o.attempt,
        };
        self.q.schedule(
            at,
            Event::Routing {
                from: dialer,
                to: target,
                step,
            },
        );
        self.core
            .rec
            .trace(now, Some(dialer), "connected", None, || {
                format!("opens a connection to node {target}")
            });
        self.routing().check_full(now, dialer);
        self.sync_work(now, dialer);
        self.sync_work(now, target);
    }

    /// The dialer's verack, getaddr and address reach the target: it files the address
    /// (relaying it when new) and answers with addresses from its book.
    fn verack_arrived(&mut self, now: SimTime, dialer: NodeId, target: NodeId) {
        if !self.core.transport.delivered(dialer, target) {
            return;
        }
        self.file_addresses(now, (dialer, target), vec![dialer], true);
        let r = self.routing();
        // 0.9.3 files an incoming peer whose version names its own address in tried:
        // the rule the eclipse attack exploits, honest peers' connections included.
        let a = r.addrs[dialer.index()];
        r.books[target.index()].good(&mut r.rngs[target.index()], a, now.secs());
        let held = r.books[target.index()].tried_count + r.books[target.index()].new_count;
        let count = (held * 23 / 100).min(r.plan.getaddr as usize);
        let answer = r.sample_book(target, count);
        self.send_addr(now, target, dialer, answer, StepKind::AddrAnswer);
    }

    fn addr_arrived(&mut self, now: SimTime, from: NodeId, to: NodeId, batch: u32, relay: bool) {
        let addrs = self.routing().take_batch(batch);
        if self.core.transport.delivered(from, to) {
            self.file_addresses(now, (from, to), addrs, relay);
        }
    }

    /// `node` hears of `addrs` from `from`: each is filed (source: `from`'s group);
    /// when the message is gossip of at most 10 addresses, those new to the book go on
    /// to two random peers.
    fn file_addresses(
        &mut self,
        now: SimTime,
        (from, node): (NodeId, NodeId),
        addrs: Vec<NodeId>,
        relay: bool,
    ) {
        let r = self.routing();
        let gossip = relay && addrs.len() <= RELAYED_ADDR_MAX;
        let source = r.addrs[from.index()].group();
        let mut fresh = Vec::new();
        for v in addrs {
            let a = r.addrs[v.index()];
            let (book, rng) = (&mut r.books[node.index()], &mut r.rngs[node.index()]);
            let new = book.find(a).is_none();
            if v != node {
                book.add(rng, a, source, now.secs(), Owner::Legit { online: true });
            }
            if new && v != node {
                fresh.push(v);
            }
        }
        if !gossip || fresh.is_empty() {
            return;
        }
        let peers: Vec<NodeId> = (self.core.transport.topology().open_peers(node))
            .map(|l| l.peer)
            .filter(|&p| p != from)
            .collect();
        let rng = &mut self.routing().rngs[node.index()];
        let chosen = rand::seq::index::sample(rng, peers.len(), ADDR_RELAY_PEERS.min(peers.len()));
        for i in chosen {
            self.send_addr(now, node, peers[i], fresh.clone(), StepKind::Addr);
        }
    }

    /// `from` sends its peer `to` an addr message of `addrs`.
    fn send_addr(
        &mut self,
        now: SimTime,
        from: NodeId,
        to: NodeId,
        addrs: Vec<NodeId>,
        kind: fn(u32) -> StepKind,
    ) {
        if addrs.is_empty() {
            return;
        }
        let bytes = addr_bytes(addrs.len());
        let r = self.routing();
        r.figures.routing_addr_messages += addrs.len().div_ceil(ADDR_PER_MESSAGE) as u64;
        r.figures.routing_addr_bytes += bytes as u64;
        let batch = r.batch(addrs);
        let at = (self.core.transport).send(now, from, to, bytes, Traffic::Control);
        let step = Step {
            kind: kind(batch),
            attempt: 0,
        };
        self.q.schedule(at, Event::Routing { from, to, step });
    }
}
