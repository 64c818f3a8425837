//! Churn: nodes that leave and come back. A leaving node drops out as a joining node
//! is out before it joins (every message to or from it goes nowhere; what it was
//! validating is lost); it keeps its chain, and on its return catches up as a joining
//! node does, asking for headers after its own tip. Sessions and absences are drawn
//! from the exponential law with the scenario's means, from each node's own stream;
//! after `churn.until` no node leaves and every absent one is back.

use super::super::event::Event;
use super::super::network::Network;
use super::JoinRecord;
use crate::ledger::BlockId;
use crate::net::NodeId;
use crate::sim::rng::exponential;
use crate::sim::SimTime;

impl Network {
    /// `node` leaves now; its return is drawn.
    pub(in crate::node) fn node_leaves(&mut self, now: SimTime, node: NodeId) {
        self.core.transport.faults.set_absent(node);
        if let Some(r) = &mut self.routing {
            r.node_leaves(&mut self.core, &mut self.q, now, node);
        }
        let churn = self.joins.churn.expect("a churning node");
        let s = self.joins.sync_mut(node).expect("a churning node");
        let rng = s.churn_rng.as_mut().expect("a churning node");
        let away = SimTime::from_secs_f64(exponential(rng, churn.downtime.secs()));
        let back = (now.saturating_add(away)).min(churn.until.unwrap_or(SimTime(u64::MAX)));
        let fresh = JoinRecord {
            node,
            joined: None,
            synced: None,
            blocks_in: 0,
            bytes_in: 0,
            rejoin: true,
        };
        let done = std::mem::replace(&mut s.record, fresh);
        s.reset();
        self.joins.past.push(done);
        self.q.schedule(back.max(now), Event::Join(node));
        self.core.rec.trace(now, Some(node), "left", None, || {
            "leaves the network".into()
        });
    }

    /// A churning node is back: its header chain starts from its own tip (it holds
    /// the chain below), and its next departure is drawn.
    pub(super) fn churn_returns(&mut self, now: SimTime, node: NodeId) {
        let Some(churn) = self.joins.churn else {
            return;
        };
        let tip = self.core.views.tip(node);
        let s = self.joins.sync_mut(node).expect("a churning node");
        s.restart_headers(tip);
        let rng = s.churn_rng.as_mut().expect("a churning node");
        let stay = SimTime::from_secs_f64(exponential(rng, churn.session.secs()));
        let leave = now.saturating_add(stay);
        if churn.until.is_none_or(|u| leave < u) {
            self.q.schedule(leave, Event::Leave(node));
        }
    }
}

impl super::Sync {
    /// Forgets a download under way (the node left).
    fn reset(&mut self) {
        self.restart_headers(BlockId::GENESIS);
        self.headers_asked = false;
        self.again.clear();
        self.in_flight.clear();
        self.tick = super::sync::TICK;
    }
}
