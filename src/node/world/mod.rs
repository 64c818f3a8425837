//! One simulated network: nodes, miners, attackers and wallets over a topology, driven
//! by the event queue. Blocks live once in a shared [`BlockTree`] and are validated
//! once, when first mined; every node still pays the modelled validation delay.
//!
//! The world's behaviour is split by job: `relay` (blocks between nodes), `mining`
//! (templates and block discovery), `workload` (payments), `attack` (attacker
//! strategies), `faults` (partitions, crashes, loss), `network` (topology set-up).

mod attack;
mod compact;
mod faults;
mod gossip;
mod light;
mod mining;
mod network;
mod relay;
mod workload;

pub use attack::{AttackOutput, AttemptRecord, Outcome};
pub use faults::FaultOutput;
pub use light::LightProof;
pub use mining::{consensus_params, miner_of};

use crate::ledger::builder;
use crate::ledger::mempool::Mempool;
use crate::ledger::pow::Target;
use crate::ledger::{Amount, BlockId, BlockTree, OutPoint, Transaction, TxOut, Txid, Wallet, COIN};
use crate::net::{Topology, Uplinks};
use crate::scenario::{BlockRelay, Scenario, TxRelay};
use crate::sim::rng::{stream, SimRng};
use crate::sim::{EventQueue, SimTime};
use std::sync::Arc;

/// Unix time of the simulated genesis block: header times are this plus simulated time.
pub const GENESIS_TIME: u32 = 1_700_000_000;

enum Event {
    Mine {
        miner: u32,
        epoch: u32,
    },
    NewTx,
    TxAtMiner {
        miner: u32,
        tx: u32,
    },
    Inv {
        to: u32,
        from: u32,
        block: BlockId,
    },
    GetData {
        to: u32,
        from: u32,
        block: BlockId,
    },
    Block {
        to: u32,
        from: u32,
        block: BlockId,
    },
    Validated {
        node: u32,
        from: u32,
        block: BlockId,
    },
    /// A node that asked `peer` for `block` and got nothing back asks again.
    Retry {
        node: u32,
        peer: u32,
        block: BlockId,
    },
    FaultStarts {
        fault: u32,
    },
    FaultEnds {
        fault: u32,
    },
    AttackStarts {
        attacker: u32,
    },
    /// A Merkle branch for a light node's payment, arriving.
    MerkleBlock {
        to: u32,
        block: BlockId,
        position: u32,
    },
    /// The transactions a compact block lacked, arriving.
    BlockTxn {
        to: u32,
        from: u32,
        block: BlockId,
    },
    /// `workload.relay: gossip`: a node's announcement timer fires.
    TxAnnounce {
        node: u32,
    },
    /// Payment lists (`list` indexes the gossip's stored lists) in inv, getdata and tx
    /// messages.
    TxInv {
        to: u32,
        from: u32,
        list: u32,
    },
    TxGetData {
        to: u32,
        from: u32,
        list: u32,
    },
    TxData {
        to: u32,
        from: u32,
        list: u32,
    },
    /// A node that asked `peer` for payments and got nothing back asks again.
    TxRetry {
        node: u32,
        peer: u32,
        list: u32,
    },
}

/// An inv for `block` from the peer in `slot`, landing at (`time`, `seq`) in event
/// order; `wakes` when it has an event of its own (it may make the node ask).
#[derive(Clone, Copy)]
struct HeardInv {
    block: BlockId,
    slot: u32,
    time: SimTime,
    seq: u64,
    wakes: bool,
}

/// What a node knows of one block.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
enum Seen {
    Unknown,
    Requested,
    Received,
    /// Validated, but its parent is not yet connected at this node.
    Orphan,
    Connected,
}

struct Miner {
    node: u32,
    share: f64,
    epoch: u32,
    payout: Vec<u8>,
    mempool: Vec<u32>,
    rng: SimRng,
    /// Index into the world's attackers when this miner attacks.
    attacker: Option<u32>,
    /// `pow: grind`: the solved block this miner will announce when its time comes.
    pending: Option<(crate::ledger::Block, u32)>,
}

pub struct BlockRecord {
    pub miner: Option<u32>,
    pub mined_at: SimTime,
    /// Delay from mining to connection at each node that connected it. Ascending by
    /// construction: nodes connect as the event clock advances, which never runs back.
    pub arrivals: Vec<SimTime>,
}

pub struct TxRecord {
    pub txid: Txid,
    pub created: SimTime,
    pub origin: u32,
    pub fee: Amount,
    pub size: usize,
}

/// One line of `trace.csv`: what happened, where and when.
pub struct TraceRow {
    pub time: SimTime,
    pub node: Option<u32>,
    pub kind: &'static str,
    pub block: Option<BlockId>,
    pub detail: String,
}

pub struct RunOutput {
    /// The run was stopped early (`World::interrupt_on`): its figures are partial.
    pub interrupted: bool,
    /// Stopped by blocks alone, it reached a hundred times its expected length first.
    pub time_capped: bool,
    pub tree: BlockTree,
    /// Every event, when the run was asked to trace.
    pub trace: Option<Vec<TraceRow>>,
    pub blocks: Vec<BlockRecord>,
    pub txs: Vec<TxRecord>,
    /// Honest miners first, then one per attack, in scenario order.
    pub miner_nodes: Vec<u32>,
    pub shares: Vec<f64>,
    pub attacks: Vec<AttackOutput>,
    pub faults: Vec<FaultOutput>,
    /// Payments light nodes checked with Merkle branches.
    pub light_proofs: Vec<LightProof>,
    pub light_nodes: u32,
    /// How payments travelled (`workload.relay` resolved for this network).
    pub tx_relay: TxRelay,
    /// Gossip only, per payment: delays from its creation until 50%, 90% and 100% of
    /// the full nodes held it.
    pub tx_reach: Vec<[Option<SimTime>; 3]>,
    pub end_time: SimTime,
    pub events: u64,
    pub reorgs: u64,
    pub reorg_depth_max: u32,
}

pub struct World {
    sc: Scenario,
    trace: Option<Vec<TraceRow>>,
    tree: BlockTree,
    queue: EventQueue<Event>,
    topo: Topology,
    uplinks: Uplinks,
    tips: Vec<BlockId>,
    /// `seen[block][node]`.
    seen: Vec<Vec<Seen>>,
    /// Per node, invs for blocks it has not connected yet: a peer that announced a
    /// block has it, so the node does not announce it back (as Bitcoin Core skips
    /// peers known to have a header). Peers past the 64th are not tracked and always
    /// get the announcement.
    heard: Vec<Vec<HeardInv>>,
    orphans: Vec<Vec<(BlockId, u32)>>,
    miners: Vec<Miner>,
    miner_of_node: Vec<Option<u32>>,
    /// `payment_delays[m][v]`: how long a payment takes from miner m's node to node v.
    payment_delays: Vec<Vec<SimTime>>,
    /// Compact relay: how old a payment must be for every node to hold it (the largest
    /// landmark distance, twice); `None` without payments to track.
    tx_horizon: Option<SimTime>,
    /// Per node, whether it is a light (headers-only) node.
    light: Vec<bool>,
    /// The light nodes, in id order.
    light_list: Vec<u32>,
    /// Payments to a light node's wallet, by the light node that watches them.
    watched: std::collections::HashMap<Txid, u32>,
    light_proofs: Vec<LightProof>,
    /// Position of each payment in `txs`, kept for compact relay and gossip (which
    /// find a block's payments, and a payment's parents, by txid).
    tx_index: std::collections::HashMap<Txid, u32>,
    /// Compact relay, per block: the payments in it young enough that some node may
    /// lack them when the block arrives (found once, when the block is mined).
    young_payments: Vec<Vec<u32>>,
    blocks: Vec<BlockRecord>,
    txs: Vec<TxRecord>,
    /// The payments themselves, parallel to `txs` (which is what the results keep).
    tx_bodies: Vec<Arc<Transaction>>,
    /// The workload's payments, made ahead on their own thread, and the delay to the
    /// first (`None` without a workload).
    payments: Option<(SimTime, crate::node::payments::PaymentFeed)>,
    network_hashrate: f64,
    reorgs: u64,
    reorg_depth_max: u32,
    attackers: Vec<attack::Attacker>,
    race: Option<attack::Race>,
    faults: faults::FaultState,
    /// Admission verdicts for every payment made, decided once at the node where it
    /// is made.
    mempool: Mempool,
    /// Per-message payment relay, when `workload.relay` resolves to gossip.
    gossip: Option<gossip::Gossip>,
    interrupt: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl World {
    pub fn new(sc: Scenario) -> World {
        let n = sc.network.nodes;
        let params = consensus_params(&sc);
        let (topo, uplinks) = network::build(&sc);

        // Wallets exist for the workload; deriving 5,000 keys is not free.
        let wallet_count = if sc.workload.tx_rate.0 > 0.0 {
            sc.workload.wallets
        } else {
            0
        };
        let mut wallets: Vec<Wallet> = (0..wallet_count)
            .map(|i| Wallet::from_seed(seed_for(sc.seed, i, b"wlt!")))
            .collect();
        let per_coin = 10 * COIN;
        let mut premine = Vec::new();
        for w in &wallets {
            for _ in 0..sc.workload.coins_per_wallet {
                premine.push(TxOut {
                    value: per_coin,
                    script_pubkey: w.receive_script(),
                });
            }
        }
        let mut attacker_wallets: Vec<(Wallet, Amount)> = sc
            .attacks
            .iter()
            .enumerate()
            .map(|(a, spec)| {
                let wallet = Wallet::from_seed(seed_for(sc.seed, a as u32, b"atk!"));
                (wallet, spec.funds_needed())
            })
            .collect();
        for (wallet, funds) in &attacker_wallets {
            if *funds > Amount::ZERO {
                premine.push(TxOut {
                    value: *funds,
                    script_pubkey: wallet.receive_script(),
                });
            }
        }
        let start_target = Target::from_expected_hashes(sc.consensus.hashes_per_block);
        let genesis = builder::genesis(
            GENESIS_TIME,
            start_target.to_compact(),
            premine,
            sc.name.as_bytes(),
        );
        let premine_txid = genesis.txdata[0].txid();
        let mut vout = 0;
        for w in wallets.iter_mut() {
            for _ in 0..sc.workload.coins_per_wallet {
                w.add_coin(OutPoint::new(premine_txid, vout), per_coin, 0);
                vout += 1;
            }
        }
        for (wallet, funds) in attacker_wallets.iter_mut() {
            if *funds > Amount::ZERO {
                wallet.add_coin(OutPoint::new(premine_txid, vout), *funds, 0);
                vout += 1;
            }
        }
        let start_work = genesis.header.bits.work().expect("valid bits").to_f64();
        let tree = BlockTree::new(genesis, params).expect("chainlab builds a valid genesis block");

        // Miners, honest then attackers, sit on distinct nodes spread over the id space.
        // Honest shares divide what the attackers leave.
        let attack_share: f64 = sc.attacks.iter().map(|a| a.hashrate()).sum();
        let shares: Vec<f64> = sc
            .miner_shares()
            .iter()
            .map(|s| s * (1.0 - attack_share))
            .chain(sc.attacks.iter().map(|a| a.hashrate()))
            .collect();
        let honest = sc.mining.miners as usize;
        let mut miner_of_node = vec![None; n as usize];
        let miners: Vec<Miner> = shares
            .iter()
            .enumerate()
            .map(|(i, &share)| {
                let node = miner_node(i, shares.len(), n);
                miner_of_node[node as usize] = Some(i as u32);
                Miner {
                    node,
                    share,
                    epoch: 0,
                    payout: Wallet::from_seed(seed_for(sc.seed, i as u32, b"mnr!"))
                        .receive_script(),
                    mempool: Vec::new(),
                    rng: stream(sc.seed, "mining", i as u64),
                    attacker: i.checked_sub(honest).map(|a| a as u32),
                    pending: None,
                }
            })
            .collect();
        let attackers = attacker_wallets
            .into_iter()
            .enumerate()
            .map(|(a, (wallet, _))| {
                let node = miners[honest + a].node;
                attack::Attacker::new(&sc, a, (honest + a) as u32, node, wallet, &miner_of_node)
            })
            .collect();
        let has_payments =
            sc.workload.tx_rate.0 > 0.0 || sc.attacks.iter().any(|a| a.kind() == "double-spend");
        let gossiping = sc.workload.relay.resolve(n) == TxRelay::Gossip;
        let needs_tx_paths = has_payments && !gossiping;
        // A transaction's delay from a miner to a node: the fastest path's latency plus
        // the trickle delay for each hop of the fewest-hop path (a close bound).
        let trickle = sc.workload.tx_trickle.0;
        let payment_delays: Vec<Vec<SimTime>> = if needs_tx_paths {
            miners
                .iter()
                .map(|m| {
                    let d = topo.distances_from(m.node);
                    if trickle == 0 {
                        return d;
                    }
                    let hops = topo.hops_from(m.node);
                    d.iter()
                        .zip(&hops)
                        .map(|(&d, &h)| d.saturating_add(u64::from(h).saturating_mul(trickle)))
                        .collect()
                })
                .collect()
        } else {
            Vec::new()
        };
        let light = light_nodes(&sc, &miner_of_node);
        let full_nodes = light.iter().filter(|&&l| !l).count() as u32;
        World {
            mempool: Mempool::new(),
            gossip: (has_payments && gossiping)
                .then(|| gossip::Gossip::new(sc.seed, n, full_nodes)),
            trace: None,
            interrupt: None,
            uplinks,
            tips: vec![0; n as usize],
            seen: vec![vec![Seen::Connected; n as usize]],
            heard: vec![Vec::new(); n as usize],
            orphans: vec![Vec::new(); n as usize],
            blocks: vec![BlockRecord {
                miner: None,
                mined_at: 0,
                arrivals: Vec::new(),
            }],
            txs: Vec::new(),
            tx_bodies: Vec::new(),
            network_hashrate: start_work / sc.consensus.block_interval.secs(),
            queue: EventQueue::new(),
            reorgs: 0,
            reorg_depth_max: 0,
            faults: faults::FaultState::new(&sc),
            attackers,
            race: None,
            tx_horizon: (sc.network.relay == BlockRelay::Compact && !payment_delays.is_empty())
                .then(|| {
                    2 * payment_delays
                        .iter()
                        .flatten()
                        .copied()
                        .filter(|&d| d != SimTime::MAX)
                        .max()
                        .unwrap_or(0)
                }),
            tx_index: std::collections::HashMap::new(),
            young_payments: vec![Vec::new()],
            light_list: (0..n).filter(|&i| light[i as usize]).collect(),
            light,
            watched: std::collections::HashMap::new(),
            light_proofs: Vec::new(),
            payment_delays,
            miner_of_node,
            miners,
            payments: (wallet_count > 0).then(|| {
                crate::node::payments::PaymentFeed::start(
                    crate::node::payments::Workload {
                        wallets,
                        rng: stream(sc.seed, "workload", 0),
                        tx_rate: sc.workload.tx_rate.0,
                        fee_rate: sc.workload.fee_rate,
                        nodes: n,
                        verify_ahead: gossiping,
                    },
                    tree.shared_sigcache(),
                )
            }),
            topo,
            tree,
            sc,
        }
    }

    /// Records every event for `trace.csv` (memory grows with the run).
    pub fn with_trace(mut self) -> Self {
        self.trace = Some(Vec::new());
        self
    }

    /// Stops the run early once `flag` is set (Ctrl-C): it is read every 100,000
    /// events, and the output then says `interrupted`.
    pub fn interrupt_on(mut self, flag: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Self {
        self.interrupt = Some(flag);
        self
    }

    /// Whether every message must be an event. Without faults (which lose messages
    /// and make nodes forget) and without a trace (which shows every message), a
    /// message its receiver would ignore on arrival changes nothing and need not be
    /// simulated; its bytes are still charged to the sender's uplink.
    fn simulates_every_message(&self) -> bool {
        !self.sc.faults.is_empty() || self.trace.is_some()
    }

    fn trace(
        &mut self,
        time: SimTime,
        node: Option<u32>,
        kind: &'static str,
        block: Option<BlockId>,
        detail: impl FnOnce() -> String,
    ) {
        if let Some(rows) = &mut self.trace {
            rows.push(TraceRow {
                time,
                node,
                kind,
                block,
                detail: detail(),
            });
        }
    }

    /// Runs to the stop condition. `progress` is called now and then with
    /// (simulated seconds, best height).
    pub fn run(mut self, mut progress: impl FnMut(f64, u32)) -> RunOutput {
        self.schedule_faults();
        self.start_attacks(0);
        for m in 0..self.miners.len() as u32 {
            if self.miners[m as usize].attacker.is_none() {
                self.schedule_mining(m);
            }
        }
        if let Some((first, _)) = self.payments {
            self.queue.schedule_in(first, Event::NewTx);
        }
        // A run stopped by blocks alone also stops at a hundred times its expected
        // length: a network that cannot mine (every miner crashed, every message lost)
        // would otherwise run, and grow, forever. The output says when this happened.
        let time_cap = u64::from(self.sc.stop.blocks.unwrap_or(u32::MAX))
            .saturating_mul(self.sc.consensus.block_interval.0)
            .saturating_mul(100);
        let stop_time = self.sc.stop.time.map_or(time_cap, |d| d.0);
        let stop_blocks = self.sc.stop.blocks.unwrap_or(u32::MAX);
        let mut last_report = 0;
        // Once the stop condition holds, nothing new is mined or paid, but blocks already
        // found keep propagating, so the last blocks' propagation is measured in full.
        let mut stopped_at = None;
        let mut interrupted = false;
        while let Some((now, event)) = self.queue.pop() {
            if stopped_at.is_none()
                && (now > stop_time
                    || self.tree.best_height() >= stop_blocks
                    || self.attacks_done())
            {
                stopped_at = Some(now.min(stop_time));
            }
            if stopped_at.is_some()
                && matches!(
                    event,
                    Event::Mine { .. }
                        | Event::NewTx
                        | Event::FaultStarts { .. }
                        | Event::FaultEnds { .. }
                        | Event::AttackStarts { .. }
                )
            {
                continue;
            }
            self.handle(now, event);
            if self.queue.processed() - last_report >= 100_000 {
                last_report = self.queue.processed();
                progress(crate::sim::to_secs(now), self.tree.best_height());
                if self
                    .interrupt
                    .as_ref()
                    .is_some_and(|f| f.load(std::sync::atomic::Ordering::Relaxed))
                {
                    interrupted = true;
                    break;
                }
            }
        }
        let end_time = stopped_at.unwrap_or(self.queue.now()).min(stop_time);
        let time_capped = self.sc.stop.time.is_none()
            && self.tree.best_height() < self.sc.stop.blocks.unwrap_or(0)
            && !self.attacks_done()
            && end_time >= time_cap;
        let attacks = self.finish_attacks();
        RunOutput {
            interrupted,
            time_capped,
            events: self.queue.processed(),
            miner_nodes: self.miners.iter().map(|m| m.node).collect(),
            shares: self.miners.iter().map(|m| m.share).collect(),
            faults: self.faults.output(&self.sc),
            light_nodes: self.light.iter().filter(|&&l| l).count() as u32,
            light_proofs: self.light_proofs,
            tx_relay: self.sc.workload.relay.resolve(self.sc.network.nodes),
            tx_reach: self.gossip.map(|g| g.reach).unwrap_or_default(),
            attacks,
            tree: self.tree,
            trace: self.trace,
            blocks: self.blocks,
            txs: self.txs,
            end_time,
            reorgs: self.reorgs,
            reorg_depth_max: self.reorg_depth_max,
        }
    }

    fn handle(&mut self, now: SimTime, event: Event) {
        if self.trace.is_some() {
            self.trace_event(now, &event);
        }
        match event {
            Event::Mine { miner, epoch } => {
                if self.miners[miner as usize].epoch == epoch {
                    self.mine_block(now, miner);
                }
            }
            Event::NewTx => self.make_payment(now),
            Event::TxAtMiner { miner, tx } => self.miners[miner as usize].mempool.push(tx),
            Event::Inv { to, from, block } => {
                if !self.lost(from, to) {
                    self.on_inv(now, to, from, block);
                }
            }
            Event::GetData { to, from, block } => {
                if self.lost(from, to) {
                    self.retry_later(now, from, to, block);
                } else {
                    self.send_block(now, to, from, block);
                }
            }
            Event::Block { to, from, block } => {
                if self.lost(from, to) {
                    self.retry_later(now, to, from, block);
                } else if self.sc.network.relay == BlockRelay::Compact {
                    self.on_compact_block(now, to, from, block);
                } else {
                    self.on_block(now, to, from, block);
                }
            }
            Event::MerkleBlock {
                to,
                block,
                position,
            } => self.light_verifies(now, to, block, position),
            Event::BlockTxn { to, from, block } => {
                if self.lost(from, to) {
                    self.retry_later(now, to, from, block);
                } else {
                    self.on_block(now, to, from, block);
                }
            }
            Event::Validated { node, from, block } => {
                if self.faults.is_down(node) {
                    // The crash lost the block with the rest of the node's memory.
                    self.seen[block as usize][node as usize] = Seen::Unknown;
                } else {
                    self.connect(now, node, from, block);
                }
            }
            Event::Retry { node, peer, block } => self.on_retry(now, node, peer, block),
            Event::FaultStarts { fault } => self.fault_starts(fault),
            Event::FaultEnds { fault } => self.fault_ends(now, fault),
            Event::AttackStarts { attacker } => self.attack_starts(now, attacker),
            Event::TxAnnounce { node } => self.on_tx_announce(now, node),
            Event::TxInv { to, from, list } => {
                if self.lost(from, to) {
                    self.gossip_drop(list);
                } else {
                    self.on_tx_inv(now, to, from, list);
                }
            }
            Event::TxGetData { to, from, list } => {
                if self.lost(from, to) {
                    self.tx_retry_later(now, from, to, list);
                } else {
                    self.on_tx_getdata(now, to, from, list);
                }
            }
            Event::TxData { to, from, list } => {
                if self.lost(from, to) {
                    self.tx_retry_later(now, to, from, list);
                } else {
                    self.on_tx_data(now, to, from, list);
                }
            }
            Event::TxRetry { node, peer, list } => self.on_tx_retry(now, node, peer, list),
        }
    }

    fn trace_event(&mut self, now: SimTime, event: &Event) {
        match *event {
            Event::Inv { to, from, block } => self.trace(now, Some(to), "inv", Some(block), || {
                format!("from node {from}")
            }),
            Event::GetData { to, from, block } => {
                self.trace(now, Some(to), "getdata", Some(block), || {
                    format!("from node {from}")
                })
            }
            Event::Block { to, from, block } => {
                self.trace(now, Some(to), "block", Some(block), || {
                    format!("from node {from}")
                })
            }
            Event::Validated { node, block, .. } => {
                self.trace(now, Some(node), "validated", Some(block), String::new)
            }
            Event::TxAtMiner { miner, tx } => {
                let node = self.miners[miner as usize].node;
                let txid = self.txs[tx as usize].txid;
                self.trace(now, Some(node), "tx-arrives", None, || format!("{txid}"))
            }
            Event::Retry { node, peer, block } => {
                self.trace(now, Some(node), "retry", Some(block), || {
                    format!("asks node {peer} again")
                })
            }
            Event::FaultStarts { fault } | Event::FaultEnds { fault } => {
                let starts = matches!(event, Event::FaultStarts { .. });
                let kind = self.sc.faults[fault as usize].kind();
                self.trace(
                    now,
                    None,
                    if starts { "fault-starts" } else { "fault-ends" },
                    None,
                    || format!("faults[{fault}]: {kind}"),
                )
            }
            Event::BlockTxn { to, from, block } => {
                self.trace(now, Some(to), "blocktxn", Some(block), || {
                    format!("from node {from}")
                })
            }
            Event::TxInv { to, from, list }
            | Event::TxGetData { to, from, list }
            | Event::TxData { to, from, list } => {
                let kind = match event {
                    Event::TxInv { .. } => "tx-inv",
                    Event::TxGetData { .. } => "tx-getdata",
                    _ => "tx",
                };
                let count = self.gossip.as_ref().map_or(0, |g| g.list_len(list));
                self.trace(now, Some(to), kind, None, || {
                    format!("{count} payment(s) from node {from}")
                })
            }
            Event::TxRetry { node, peer, .. } => {
                self.trace(now, Some(node), "tx-retry", None, || {
                    format!("asks node {peer} again")
                })
            }
            Event::Mine { .. }
            | Event::NewTx
            | Event::AttackStarts { .. }
            | Event::MerkleBlock { .. }
            | Event::TxAnnounce { .. } => {}
        }
    }
}

/// A `network.light_nodes` fraction of the nodes that do not mine, picked from the seed.
fn light_nodes(sc: &Scenario, miner_of_node: &[Option<u32>]) -> Vec<bool> {
    let n = sc.network.nodes as usize;
    let mut light = vec![false; n];
    let candidates: Vec<usize> = (0..n).filter(|&i| miner_of_node[i].is_none()).collect();
    let count = ((sc.network.light_nodes * n as f64).round() as usize).min(candidates.len());
    if count > 0 {
        let mut rng = stream(sc.seed, "light-nodes", 0);
        for i in rand::seq::index::sample(&mut rng, candidates.len(), count) {
            light[candidates[i]] = true;
        }
    }
    light
}

/// The node of the `index`-th of `miners` miners (honest first, then attackers):
/// spread evenly over the id space.
fn miner_node(index: usize, miners: usize, nodes: u32) -> u32 {
    (index as u64 * u64::from(nodes) / miners as u64) as u32
}

/// Key material for the `index`-th wallet of a kind (`tag`), from the scenario seed.
fn seed_for(seed: u64, index: u32, tag: &[u8; 4]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..8].copy_from_slice(&seed.to_le_bytes());
    out[8..12].copy_from_slice(&index.to_le_bytes());
    out[12..16].copy_from_slice(tag);
    out
}
