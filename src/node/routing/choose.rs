//! Choosing from the book: the address a node dials next (bitcoind 0.9.3's rules,
//! with the eclipse attacker's and trash addresses a victim's book may hold), the DNS
//! seed's answer when the book gives nothing, and the refresh of connected peers'
//! times.

use super::{eclipse, Routing, Target, DNS_GROUP};
use crate::net::eclipse::Owner;
use crate::net::NodeId;
use crate::sim::SimTime;
use rand::Rng;

/// Draws from the book per slot to fill before giving up for now (0.9.3 tried up to
/// 100 addresses per pass of ThreadOpenConnections).
const TRIES: u32 = 100;
/// How often bitcoind refreshes a connected peer's time at most (0.9.3: 20 minutes).
const REFRESH_S: f64 = 1_200.0;

impl Routing {
    /// An address `node` may dial: from its book (up to `TRIES` draws), not itself,
    /// not a peer or a connection being opened, not in the /16 group of one of its
    /// outbound peers (bitcoind's rule). Asks the DNS seed once a session when the
    /// book gives none.
    pub(super) fn pick(
        &mut self,
        core: &crate::node::core::Core,
        now: SimTime,
        node: NodeId,
    ) -> Option<Target> {
        for round in 0..2 {
            for _ in 0..TRIES {
                let h = self.outbound[node.index()].len() + self.held(node);
                let (book, rng) = (&self.books[node.index()], &mut self.rngs[node.index()]);
                let Some(id) = book.select(rng, h as u32, now.secs()) else {
                    break;
                };
                let (addr, owner) = (
                    book.entries[id as usize].addr,
                    book.entries[id as usize].owner,
                );
                let same_group = (self.outbound[node.index()].iter())
                    .any(|p| self.addrs[p.index()].group() == addr.group())
                    || (self.eclipse.as_ref()).is_some_and(|e| e.held_group(node, addr));
                let outside = |e: &Option<eclipse::EclipseRun>| {
                    (e.as_ref()).is_some_and(|e| e.may_dial(node, addr)) && !same_group
                };
                match owner {
                    Owner::Attacker if outside(&self.eclipse) => {
                        return Some(Target::Attacker(addr))
                    }
                    Owner::Trash if outside(&self.eclipse) => {
                        return Some(Target::Unroutable(addr))
                    }
                    Owner::Attacker | Owner::Trash => continue,
                    Owner::Legit { .. } => {}
                }
                let peer = self.by_addr[&addr];
                let busy = self.opening.contains_key(&(node, peer))
                    || self.opening.contains_key(&(peer, node))
                    || core.transport.topology().link_open(node, peer);
                if peer != node && !same_group && !busy {
                    return Some(Target::Node(peer));
                }
            }
            if round == 0 && !self.ask_dns(core, node) {
                break;
            }
        }
        None
    }

    /// bitcoind 0.9.3 moves a connected peer's time forward whenever it talks, at most
    /// every 20 minutes: before `node` chooses from its book, its peers' entries are
    /// made that fresh (up to 20 minutes old, drawn).
    pub(super) fn refresh_connected(
        &mut self,
        core: &crate::node::core::Core,
        now: SimTime,
        node: NodeId,
    ) {
        let (book, rng) = (&mut self.books[node.index()], &mut self.rngs[node.index()]);
        for l in core.transport.topology().open_peers(node) {
            let seen = now.secs() - rng.random_range(0.0..REFRESH_S);
            book.connected(self.addrs[l.peer.index()], seen);
        }
    }

    /// The DNS seed's answer: `routing.seeds` nodes there now, at random, filed in
    /// `node`'s book. Once per session; false when already asked.
    fn ask_dns(&mut self, core: &crate::node::core::Core, node: NodeId) -> bool {
        if self.asked_dns[node.index()] {
            return false;
        }
        self.asked_dns[node.index()] = true;
        self.figures.routing_dns_queries += 1;
        let there: Vec<NodeId> = (0..self.addrs.len() as u32)
            .map(NodeId)
            .filter(|&v| v != node && !core.transport.faults.is_absent(v))
            .collect();
        let rng = &mut self.rngs[node.index()];
        let count = (self.plan.seeds as usize).min(there.len());
        let answer = rand::seq::index::sample(rng, there.len(), count)
            .into_iter()
            .map(|i| there[i]);
        for v in answer {
            let a = self.addrs[v.index()];
            let online = Owner::Legit { online: true };
            self.books[node.index()].add(rng, a, DNS_GROUP, 0.0, online);
        }
        true
    }
}
