//! One simulated network as a [`Model`] for the engine: the shared core, a block relay
//! protocol, a payment relay, the miners and the attackers. This file only routes: a
//! message on the wire is traced, passed through the transport's fault filter, and
//! handed to the component that speaks it; timers go to their owners.

use super::attack::{self, Attacker, Race};
use super::core::Core;
use super::event::{Event, Msg};
use super::ids::{AttackerId, MinerId};
use super::light;
use super::mining::Miners;
use super::output::RunOutput;
use super::payments::PaymentFeed;
use super::relay::{self, BlockProtocol};
use super::txrelay::TxRelay;
use crate::net::NodeId;
/// How many expected lengths a run stopped by blocks alone may take.
pub const LENGTH_CAP: u64 = 10;

use crate::sim::engine::{self, Model};
use crate::sim::{EventQueue, SimTime};
use std::sync::atomic::AtomicBool;

pub struct Network {
    pub(super) core: Core,
    pub(super) q: EventQueue<Event>,
    pub(super) blocks: Box<dyn BlockProtocol>,
    pub(super) txs: Box<dyn TxRelay>,
    pub(super) miners: Miners,
    pub(super) attackers: Vec<Attacker>,
    /// A tie under a fixed γ (selfish mining), while it lasts.
    pub(super) race: Option<Race>,
    /// The workload's payments, made ahead on their own thread, and the delay to the
    /// first (`None` without a workload).
    pub(super) feed: Option<(SimTime, PaymentFeed)>,
    /// Nodes that join during the run, and their downloads.
    pub(super) joins: super::join::Joins,
    /// Routing nodes' address books and connections (`None` without `routing:`).
    pub(super) routing: Option<super::routing::Routing>,
    /// Each node's uplink backlog when the stop condition held, before the drain
    /// (`stop.in_flight: deliver`) sends more (`None` until then).
    pub(super) stop_backlogs: Option<Vec<SimTime>>,
}

impl Network {
    /// Records every event for `trace.csv` (memory grows with the run).
    pub fn with_trace(mut self) -> Self {
        self.core.rec.start_trace();
        self
    }

    /// The network before it runs: its peers and bandwidths (for diagnostics).
    pub fn transport(&self) -> &crate::net::Transport {
        &self.core.transport
    }

    /// Runs to the stop condition. `progress` is called now and then with (simulated
    /// seconds, best height); once `interrupt` is set (Ctrl-C) the run stops within
    /// 100,000 events and the output says `interrupted`.
    pub fn run(
        mut self,
        interrupt: Option<&AtomicBool>,
        mut progress: impl FnMut(f64, u32),
    ) -> RunOutput {
        self.start();
        let stop = self.core.plan.stop;
        // A run stopped by blocks alone also stops at ten times its expected length
        // (scenario::LENGTH_CAP): a network that cannot mine (every miner crashed, every
        // message lost) would otherwise run, and grow, forever. The scenario's budget
        // counts the workload up to this cap; the output says when it was reached.
        let time_cap = self
            .core
            .plan
            .block_interval
            .saturating_mul(u64::from(stop.blocks.unwrap_or(u32::MAX)))
            .saturating_mul(LENGTH_CAP);
        let stop_time = stop.time.unwrap_or(time_cap);
        let history = self.core.rec.history;
        let finish = engine::run(&mut self, (stop_time, stop.drain), interrupt, |p| {
            progress(p.now.secs(), p.height.saturating_sub(history))
        });
        let time_capped = stop.time.is_none()
            && self.core.tree.best_height() < self.stop_height().unwrap_or(0)
            && !attack::attacks_done(&self.attackers)
            && finish.end_time >= time_cap;
        self.into_output(finish, time_capped)
    }

    /// What is scheduled before the first event: faults, attacks (or their start),
    /// every honest miner's first block, the first payment.
    fn start(&mut self) {
        for (i, fault) in self.core.transport.faults.plans().iter().enumerate() {
            self.q.schedule(fault.start, Event::FaultStarts(i));
            if let Some(end) = fault.end {
                self.q.schedule(end, Event::FaultEnds(i));
            }
        }
        self.start_attacks();
        self.start_schedule();
        self.joins.start(&mut self.q);
        if let Some(r) = &mut self.routing {
            r.start(&mut self.q);
        }
        for m in 0..self.miners.len() as u32 {
            if self.miners.get(MinerId(m)).attacker.is_none() {
                self.schedule_mining(MinerId(m));
            }
        }
        if let Some((first, _)) = self.feed {
            self.q.schedule_in(first, Event::NewPayment);
        }
    }

    fn dispatch(&mut self, now: SimTime, event: Event) {
        match event {
            Event::Wire {
                from,
                to,
                msg,
                slot,
            } => self.wire(now, (from, to, slot), msg),
            Event::Downlink {
                from,
                to,
                msg,
                bytes,
            } => {
                if let Msg::Block(block) = msg {
                    self.core.rec.downloaded(block, to); // its first bit is here
                }
                let (at, slot) = (self.core.transport).downlink(now, from, to, bytes as usize);
                let wire = Event::Wire {
                    from,
                    to,
                    msg,
                    slot,
                };
                self.q.schedule(at, wire);
            }
            Event::Mine { miner, epoch } => {
                if self.miners.epoch(miner) == epoch {
                    self.mine_block(now, miner);
                }
            }
            Event::NewPayment => self.make_payment(now),
            Event::PaymentAtMiner { miner, tx } => self.core.pools[miner.index()].push(tx),
            Event::Validated { node, from, block } => {
                if self.core.transport.faults.is_down(node) {
                    // The crash lost the block with the rest of the node's memory.
                    let unknown = super::chain_view::Seen::Unknown;
                    self.core.views.set_seen(block, node, unknown);
                } else {
                    self.connect(now, node, from, block);
                }
            }
            Event::Retry { node, peer, block } => {
                relay::retry(&mut self.core, &mut self.q, now, node, peer, block)
            }
            Event::RequestTimeout { node, block } => {
                relay::timeout::expired(&mut self.core, &mut self.q, now, node, block)
            }
            Event::HeaderLanded { node, peer, parent } => {
                let (core, q) = (&mut self.core, &mut self.q);
                relay::parent_timers::header_landed(core, q, now, node, peer, parent)
            }
            Event::TxAnnounce { node } => self.txs.announce(&mut self.core, &mut self.q, now, node),
            Event::TxRetry { node, peer, list } => {
                self.txs
                    .retry(&mut self.core, &mut self.q, now, (node, peer), list)
            }
            Event::FaultStarts(fault) => self.fault_starts(fault),
            Event::FaultEnds(fault) => self.fault_ends(now, fault),
            Event::AttackStarts(a) => self.attack_starts(now, a),
            Event::HashrateStep(i) => self.hashrate_step(now, i),
            Event::Join(node) => self.node_joins(now, node),
            Event::SyncTick(node) => self.sync_tick(now, node),
            Event::Leave(node) => self.node_leaves(now, node),
            Event::Dial(node) => self.dial(now, node),
            Event::Routing { from, to, step } => self.routing_step(now, from, to, step),
        }
    }

    /// A message arrives: lost to a fault, or delivered to the component that speaks it.
    fn wire(&mut self, now: SimTime, (from, to, slot): (NodeId, NodeId, u32), msg: Msg) {
        let (core, q) = (&mut self.core, &mut self.q);
        if let Msg::MerkleBlock { block, position } = msg {
            return light::verify(core, now, to, block, position);
        }
        let delivered = !msg.lossy() || core.transport.delivered(from, to);
        match (msg, delivered) {
            (
                Msg::GetHeaders(_)
                | Msg::SyncHeaders { .. }
                | Msg::IbdGetData(_)
                | Msg::IbdBlock(_),
                delivered,
            ) => match delivered {
                true => self.sync_receive(now, (from, to), msg),
                false => self.sync_lost(now, (from, to), msg),
            },
            (Msg::TxInv(_) | Msg::TxGetData(_) | Msg::TxData(_), true) => {
                self.txs.receive(core, q, now, (from, to), msg)
            }
            (Msg::TxInv(_) | Msg::TxGetData(_) | Msg::TxData(_), false) => {
                self.txs.lost(core, q, now, (from, to), msg)
            }
            (_, true) => {
                let blocks = &mut *self.blocks;
                relay::receive(blocks, core, q, now, (from, to, slot), msg, &*self.txs)
            }
            (_, false) => relay::lost(core, q, now, (from, to), msg),
        }
    }

    /// One row of `trace.csv` per event that shows something (the rows of chainlab's
    /// first engine, kept as they were).
    fn trace_event(&mut self, now: SimTime, event: &Event) {
        let rec = &mut self.core.rec;
        match *event {
            Event::Wire { from, to, msg, .. } => {
                let Some((kind, block, list)) = msg.trace_row() else {
                    return;
                };
                match list {
                    Some(list) => {
                        let count = self.txs.list_len(list);
                        rec.trace(now, Some(to), kind, None, || {
                            format!("{count} payment(s) from node {from}")
                        })
                    }
                    None => rec.trace(now, Some(to), kind, block, || format!("from node {from}")),
                }
            }
            Event::Validated { node, block, .. } => {
                rec.trace(now, Some(node), "validated", Some(block), String::new)
            }
            Event::PaymentAtMiner { miner, tx } => {
                let node = self.miners.get(miner).node;
                let txid = self.core.pays.record(tx).txid;
                rec.trace(now, Some(node), "tx-arrives", None, || format!("{txid}"))
            }
            Event::Retry { node, peer, block } => {
                rec.trace(now, Some(node), "retry", Some(block), || {
                    format!("asks node {peer} again")
                })
            }
            Event::FaultStarts(fault) | Event::FaultEnds(fault) => {
                let starts = matches!(event, Event::FaultStarts(_));
                let kind = self.core.transport.faults.plans()[fault].name();
                let row = if starts { "fault-starts" } else { "fault-ends" };
                rec.trace(now, None, row, None, || format!("faults[{fault}]: {kind}"))
            }
            Event::TxRetry { node, peer, .. } => {
                rec.trace(now, Some(node), "tx-retry", None, || {
                    format!("asks node {peer} again")
                })
            }
            // A dial's timer shows only when it ends a dial (`opening_failed`); an
            // eclipse victim's restart and the attacker's answers show as they act.
            Event::Routing { step, .. }
                if matches!(
                    step.kind,
                    super::routing::StepKind::Timeout
                        | super::routing::StepKind::Attack(_)
                        | super::routing::StepKind::Held(_)
                        | super::routing::StepKind::Restart
                ) => {}
            Event::Routing { from, to, step } => {
                rec.trace(now, Some(to), step.kind.name(), None, || {
                    format!("node {from}")
                })
            }
            Event::Mine { .. }
            | Event::Dial(_)
            | Event::NewPayment
            | Event::AttackStarts(_)
            | Event::HashrateStep(_)
            | Event::Join(_)
            | Event::SyncTick(_)
            | Event::Leave(_)
            | Event::RequestTimeout { .. }
            | Event::HeaderLanded { .. }
            | Event::Downlink { .. }
            | Event::TxAnnounce { .. } => {}
        }
    }

    /// The height `stop.blocks` stops at: that many blocks above the history.
    fn stop_height(&self) -> Option<u32> {
        let history = self.core.rec.history;
        (self.core.plan.stop.blocks).map(|b| b.saturating_add(history))
    }

    pub(super) fn attacker(&self, a: AttackerId) -> &Attacker {
        &self.attackers[a.index()]
    }
}

impl Model for Network {
    type Event = Event;

    fn finished(&self) -> bool {
        let height = self.stop_height().unwrap_or(u32::MAX);
        self.core.tree.best_height() >= height || attack::attacks_done(&self.attackers)
    }

    fn starts_work(event: &Event) -> bool {
        event.starts_work()
    }

    fn queue(&mut self) -> &mut EventQueue<Event> {
        &mut self.q
    }

    fn handle(&mut self, now: SimTime, event: Event) {
        if self.core.rec.tracing() {
            self.trace_event(now, &event);
        }
        self.dispatch(now, event);
    }

    /// Where the next event will read first at the node it concerns: the link it came
    /// over and the node's ends for a message, the node's first link, ends, record
    /// and announcement list for a validated block (`sim::prefetch`; at 100,000 nodes
    /// these loads missed every cache).
    fn prefetch_next(&self) {
        let core = &self.core;
        match self.q.peek() {
            Some(Event::Wire { to, slot, msg, .. }) => {
                core.transport.prefetch(*to, *slot);
                if let (Msg::Block(_), Some(seen)) = (msg, core.rec.nodes.get(to.index())) {
                    crate::sim::prefetch::line(seen);
                }
            }
            Some(Event::Downlink { to, .. }) => core.transport.prefetch(*to, u32::MAX),
            Some(Event::Validated { node, .. }) => {
                core.transport.prefetch(*node, 0);
                core.heard.prefetch(*node);
                if let Some(seen) = core.rec.nodes.get(node.index()) {
                    crate::sim::prefetch::line(seen);
                }
            }
            _ => {}
        }
    }

    fn height(&self) -> u32 {
        self.core.tree.best_height()
    }

    fn stopped(&mut self, at: SimTime) {
        self.stop_backlogs = Some(self.core.transport.uplink_backlogs(at));
    }
}
