//! One simulated network: nodes, miners and wallets over a topology, driven by the
//! event queue. Blocks live once in a shared [`BlockTree`] and are validated once, when
//! first mined; every node still pays the modelled validation delay.

use crate::ledger::builder;
use crate::ledger::pow::{RetargetRule, Target};
use crate::ledger::{
    Amount, BlockId, BlockTree, ConsensusParams, OutPoint, Transaction, TxOut, Txid, Wallet, COIN,
};
use crate::net::{Topology, Uplinks};
use crate::scenario::{BlockRelay, Scenario};
use crate::sim::rng::{exponential, stream, SimRng};
use crate::sim::{EventQueue, SimTime, NS_PER_S};
use rand::Rng;
use std::collections::HashSet;
use std::sync::Arc;

/// Unix time of the simulated genesis block: header times are this plus simulated time.
pub const GENESIS_TIME: u32 = 1_700_000_000;
/// Size of inv and getdata messages (one inventory entry plus headers), in bytes.
const INV_BYTES: usize = 61;

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
    pub tree: BlockTree,
    /// Every event, when the run was asked to trace.
    pub trace: Option<Vec<TraceRow>>,
    pub blocks: Vec<BlockRecord>,
    pub txs: Vec<TxRecord>,
    pub miner_nodes: Vec<u32>,
    pub shares: Vec<f64>,
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
    orphans: Vec<Vec<(BlockId, u32)>>,
    miners: Vec<Miner>,
    miner_of_node: Vec<Option<u32>>,
    miner_distances: Vec<Vec<SimTime>>,
    blocks: Vec<BlockRecord>,
    txs: Vec<TxRecord>,
    /// The payments themselves, parallel to `txs` (which is what the results keep).
    tx_bodies: Vec<Arc<Transaction>>,
    wallets: Vec<Wallet>,
    workload_rng: SimRng,
    network_hashrate: f64,
    reorgs: u64,
    reorg_depth_max: u32,
}

/// The miner that found a (non-genesis) block: miners put their id, then an extra
/// nonce, in the push that follows the BIP 34 height in their coinbase.
pub fn miner_of(block: &crate::ledger::Block) -> Option<u32> {
    let script = &block.txdata.first()?.inputs.first()?.script_sig;
    let pushes = crate::ledger::script::parse_pushes(script)?;
    miner_from_tag(pushes.get(1)?)
}

fn miner_from_tag(tag: &[u8]) -> Option<u32> {
    Some(u32::from_le_bytes(tag.get(..4)?.try_into().ok()?))
}

pub fn consensus_params(sc: &Scenario) -> ConsensusParams {
    let c = &sc.consensus;
    ConsensusParams {
        max_block_bytes: c.max_block_bytes.0 as usize,
        coinbase_maturity: c.coinbase_maturity,
        initial_reward: (c.reward * COIN as f64).round() as Amount,
        halving_interval: c.halving_interval,
        retarget: RetargetRule {
            interval: c.retarget_interval,
            timespan_s: (c.block_interval.secs() * f64::from(c.retarget_interval)).round() as u64,
            clamp_factor: c.retarget_clamp,
            // Room for the difficulty to fall 64-fold below the starting point.
            pow_limit: Target::from_expected_hashes((c.hashes_per_block / 64).max(1)),
        },
        median_time_span: 11,
        max_future_block_time_s: 7200,
    }
}

impl World {
    pub fn new(sc: Scenario) -> World {
        let n = sc.network.nodes;
        let params = consensus_params(&sc);
        let (topo, uplinks) = build_network(&sc);

        let mut wallets: Vec<Wallet> = (0..sc.workload.wallets)
            .map(|i| {
                let mut seed = [0u8; 32];
                seed[..8].copy_from_slice(&sc.seed.to_le_bytes());
                seed[8..12].copy_from_slice(&i.to_le_bytes());
                seed[12..16].copy_from_slice(b"wlt!");
                Wallet::from_seed(seed)
            })
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
        let start_work = genesis.header.bits.work().expect("valid bits").to_f64();
        let tree = BlockTree::new(genesis, params);

        // Miners sit on distinct nodes spread evenly over the id space.
        let shares = sc.miner_shares();
        let mut miner_of_node = vec![None; n as usize];
        let miners: Vec<Miner> = shares
            .iter()
            .enumerate()
            .map(|(i, &share)| {
                let node = (i as u64 * u64::from(n) / shares.len() as u64) as u32;
                miner_of_node[node as usize] = Some(i as u32);
                let mut seed = [0u8; 32];
                seed[..8].copy_from_slice(&sc.seed.to_le_bytes());
                seed[8..12].copy_from_slice(&(i as u32).to_le_bytes());
                seed[12..16].copy_from_slice(b"mnr!");
                Miner {
                    node,
                    share,
                    epoch: 0,
                    payout: Wallet::from_seed(seed).receive_script(),
                    mempool: Vec::new(),
                    rng: stream(sc.seed, "mining", i as u64),
                }
            })
            .collect();
        let miner_distances = if sc.workload.tx_rate.0 > 0.0 {
            miners.iter().map(|m| topo.distances_from(m.node)).collect()
        } else {
            Vec::new()
        };
        World {
            trace: None,
            uplinks,
            tips: vec![0; n as usize],
            seen: vec![vec![Seen::Connected; n as usize]],
            orphans: vec![Vec::new(); n as usize],
            blocks: vec![BlockRecord {
                miner: None,
                mined_at: 0,
                arrivals: Vec::new(),
            }],
            txs: Vec::new(),
            tx_bodies: Vec::new(),
            workload_rng: stream(sc.seed, "workload", 0),
            network_hashrate: start_work / sc.consensus.block_interval.secs(),
            queue: EventQueue::new(),
            reorgs: 0,
            reorg_depth_max: 0,
            miner_distances,
            miner_of_node,
            miners,
            wallets,
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
        for m in 0..self.miners.len() as u32 {
            self.schedule_mining(m);
        }
        if self.sc.workload.tx_rate.0 > 0.0 {
            self.schedule_next_tx();
        }
        let stop_time = self.sc.stop.time.map(|d| d.0).unwrap_or(SimTime::MAX);
        let stop_blocks = self.sc.stop.blocks.unwrap_or(u32::MAX);
        let mut last_report = 0;
        // Once the stop condition holds, nothing new is mined or paid, but blocks already
        // found keep propagating, so the last blocks' propagation is measured in full.
        let mut stopped_at = None;
        while let Some((now, event)) = self.queue.pop() {
            if stopped_at.is_none() && (now > stop_time || self.tree.best_height() >= stop_blocks) {
                stopped_at = Some(now.min(stop_time));
            }
            if stopped_at.is_some() && matches!(event, Event::Mine { .. } | Event::NewTx) {
                continue;
            }
            self.handle(now, event);
            if self.queue.processed() - last_report >= 100_000 {
                last_report = self.queue.processed();
                progress(crate::sim::to_secs(now), self.tree.best_height());
            }
        }
        let end_time = stopped_at.unwrap_or(self.queue.now()).min(stop_time);
        RunOutput {
            events: self.queue.processed(),
            miner_nodes: self.miners.iter().map(|m| m.node).collect(),
            shares: self.miners.iter().map(|m| m.share).collect(),
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
            Event::NewTx => {
                self.create_tx(now);
                self.schedule_next_tx();
            }
            Event::TxAtMiner { miner, tx } => self.miners[miner as usize].mempool.push(tx),
            Event::Inv { to, from, block } => {
                if self.seen[block as usize][to as usize] == Seen::Unknown {
                    self.seen[block as usize][to as usize] = Seen::Requested;
                    let latency = self.topo.latency(to, from).expect("peers");
                    let sent = self.uplinks.send(to, from, now, INV_BYTES);
                    self.queue.schedule(
                        sent + latency,
                        Event::GetData {
                            to: from,
                            from: to,
                            block,
                        },
                    );
                }
            }
            Event::GetData { to, from, block } => self.send_block(now, to, from, block),
            Event::Block { to, from, block } => {
                if self.seen[block as usize][to as usize] < Seen::Received {
                    self.seen[block as usize][to as usize] = Seen::Received;
                    let n_tx = self.tree.entry(block).txids.len() as u64;
                    let delay = self.sc.network.validation_base.0
                        + n_tx * self.sc.network.validation_per_tx.0;
                    self.queue.schedule(
                        now + delay,
                        Event::Validated {
                            node: to,
                            from,
                            block,
                        },
                    );
                }
            }
            Event::Validated { node, from, block } => self.connect(now, node, from, block),
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
            Event::Mine { .. } | Event::NewTx => {}
        }
    }

    fn send_block(&mut self, now: SimTime, sender: u32, receiver: u32, block: BlockId) {
        let latency = self.topo.latency(sender, receiver).expect("peers");
        let sent = self
            .uplinks
            .send(sender, receiver, now, self.tree.entry(block).size);
        self.queue.schedule(
            sent + latency,
            Event::Block {
                to: receiver,
                from: sender,
                block,
            },
        );
    }

    /// A node has validated `block`: connect it (and any orphans waiting on it), switch
    /// tip by most work, and relay.
    fn connect(&mut self, now: SimTime, node: u32, from: u32, block: BlockId) {
        let parent = self.tree.entry(block).parent.expect("not genesis");
        if self.seen[parent as usize][node as usize] != Seen::Connected {
            self.seen[block as usize][node as usize] = Seen::Orphan;
            self.orphans[node as usize].push((block, from));
            return;
        }
        let mut ready = vec![(block, from)];
        while let Some((b, f)) = ready.pop() {
            self.seen[b as usize][node as usize] = Seen::Connected;
            let record = &mut self.blocks[b as usize];
            record.arrivals.push(now - record.mined_at);
            self.consider_tip(now, node, b);
            self.relay(now, node, f, b);
            let waiting = &mut self.orphans[node as usize];
            let (children, rest): (Vec<_>, Vec<_>) = waiting
                .drain(..)
                .partition(|(c, _)| self.tree.entry(*c).parent == Some(b));
            *waiting = rest;
            ready.extend(children);
        }
    }

    fn consider_tip(&mut self, now: SimTime, node: u32, block: BlockId) {
        let tip = self.tips[node as usize];
        if self.tree.entry(block).chain_work <= self.tree.entry(tip).chain_work {
            return;
        }
        if !self.tree.is_ancestor(tip, block) {
            let fork = self.tree.fork_point(tip, block);
            let depth = self.tree.entry(tip).height - self.tree.entry(fork).height;
            self.reorgs += 1;
            self.reorg_depth_max = self.reorg_depth_max.max(depth);
            self.trace(now, Some(node), "reorg", Some(block), || {
                format!("{depth} block(s) abandoned from block {tip}")
            });
        }
        self.tips[node as usize] = block;
        let height = self.tree.entry(block).height;
        self.trace(now, Some(node), "tip", Some(block), || {
            format!("height {height}")
        });
        if let Some(m) = self.miner_of_node[node as usize] {
            self.schedule_mining(m);
        }
    }

    fn relay(&mut self, now: SimTime, node: u32, from: u32, block: BlockId) {
        for i in 0..self.topo.peers(node).len() {
            let link = self.topo.peers(node)[i];
            if link.peer == from {
                continue;
            }
            match self.sc.network.relay {
                BlockRelay::InvGetdata => {
                    let sent = self.uplinks.send(node, link.peer, now, INV_BYTES);
                    self.queue.schedule(
                        sent + link.latency,
                        Event::Inv {
                            to: link.peer,
                            from: node,
                            block,
                        },
                    );
                }
                BlockRelay::Push => self.send_block(now, node, link.peer, block),
            }
        }
    }

    /// Draws the miner's time to its next block on its current tip. Block discovery is
    /// memoryless, so redrawing whenever the tip changes is exact, not an approximation.
    fn schedule_mining(&mut self, m: u32) {
        let tip = self.tips[self.miners[m as usize].node as usize];
        let bits = self.tree.child_context(tip, u32::MAX).expected_bits;
        let work = bits.work().expect("valid bits").to_f64();
        let miner = &mut self.miners[m as usize];
        miner.epoch += 1;
        let mean_s = work / (self.network_hashrate * miner.share);
        let delay = (exponential(&mut miner.rng, mean_s) * NS_PER_S as f64) as SimTime;
        let epoch = miner.epoch;
        self.queue
            .schedule_in(delay.max(1), Event::Mine { miner: m, epoch });
    }

    fn mine_block(&mut self, now: SimTime, m: u32) {
        let node = self.miners[m as usize].node;
        let tip = self.tips[node as usize];
        let time = GENESIS_TIME + (now / NS_PER_S) as u32;
        let ctx = self.tree.child_context(tip, time);
        let (txs, fees) = self.build_template(m, tip);
        let value = self.tree.params().block_subsidy(ctx.height) + fees;
        let miner = &mut self.miners[m as usize];
        let extra_nonce: u64 = miner.rng.random();
        let tag = [&m.to_le_bytes()[..], &extra_nonce.to_le_bytes()].concat();
        debug_assert_eq!(miner_from_tag(&tag), Some(m));
        let coinbase = builder::coinbase(ctx.height, miner.payout.clone(), value, &tag);
        let mut block = builder::assemble(self.tree.entry(tip).hash, &ctx, time, coinbase, txs);
        builder::solve(&mut block);
        let id = match self.tree.add_block(block, time) {
            Ok(accepted) => accepted.id(),
            Err(e) => panic!("a miner built an invalid block; this is a chainlab bug: {e}"),
        };
        self.seen.push(vec![Seen::Unknown; self.tips.len()]);
        self.blocks.push(BlockRecord {
            miner: Some(m),
            mined_at: now,
            arrivals: Vec::new(),
        });
        let (height, n_tx) = (self.tree.entry(id).height, self.tree.entry(id).txids.len());
        self.trace(now, Some(node), "mined", Some(id), || {
            format!("miner {m}, height {height}, {n_tx} transactions")
        });
        self.connect(now, node, node, id);
    }

    /// Highest fee rate first (ties by arrival), each transaction only if its inputs are
    /// unspent at `tip` or created earlier in the template. Transactions already in
    /// the chain of `tip` leave the mempool.
    fn build_template(&mut self, m: u32, tip: BlockId) -> (Vec<Transaction>, Amount) {
        let budget = self.tree.params().max_block_bytes.saturating_sub(1_000);
        let mut pool = std::mem::take(&mut self.miners[m as usize].mempool);
        pool.retain(|&t| match self.tree.locate_tx(&self.txs[t as usize].txid) {
            Some((block, _)) => !self.tree.is_ancestor(block, tip),
            None => true,
        });
        pool.sort_by_key(|&t| {
            let r = &self.txs[t as usize];
            (std::cmp::Reverse(r.fee * 1000 / r.size as u64), t)
        });
        let utxo = self.tree.utxo_at(tip);
        let mut created: HashSet<OutPoint> = HashSet::new();
        let mut spent: HashSet<OutPoint> = HashSet::new();
        let mut chosen = Vec::new();
        let mut included = vec![false; pool.len()];
        let (mut size, mut fees) = (0usize, 0);
        // A child can sort before its parent; a few passes pick it up once the parent is in.
        for _ in 0..3 {
            let mut progressed = false;
            for (i, &t) in pool.iter().enumerate() {
                let (r, body) = (&self.txs[t as usize], &self.tx_bodies[t as usize]);
                if included[i] || size + r.size > budget {
                    continue;
                }
                let ok = body.inputs.iter().all(|inp| {
                    let o = inp.previous_output;
                    !spent.contains(&o) && (utxo.contains(&o) || created.contains(&o))
                });
                if ok {
                    spent.extend(body.inputs.iter().map(|i| i.previous_output));
                    created
                        .extend((0..body.outputs.len() as u32).map(|v| OutPoint::new(r.txid, v)));
                    chosen.push((**body).clone());
                    included[i] = true;
                    size += r.size;
                    fees += r.fee;
                    progressed = true;
                }
            }
            if !progressed {
                break;
            }
        }
        self.miners[m as usize].mempool = pool;
        (chosen, fees)
    }

    fn schedule_next_tx(&mut self) {
        let mean = 1.0 / self.sc.workload.tx_rate.0;
        let delay = (exponential(&mut self.workload_rng, mean) * NS_PER_S as f64) as SimTime;
        self.queue.schedule_in(delay.max(1), Event::NewTx);
    }

    /// A random wallet pays a random other wallet between 0.01 and 1 coin.
    fn create_tx(&mut self, now: SimTime) {
        let n = self.wallets.len() as u32;
        let payer = self.workload_rng.random_range(0..n);
        let payee = (payer + self.workload_rng.random_range(1..n)) % n;
        let amount = self.workload_rng.random_range(COIN / 100..=COIN);
        let to = self.wallets[payee as usize].receive_script();
        let Ok((tx, fee)) =
            self.wallets[payer as usize].pay_with_fee(to, amount, self.sc.workload.fee_rate)
        else {
            return; // this wallet is out of money; the offered load counts only real payments
        };
        let txid = tx.txid();
        self.wallets[payee as usize].add_coin(OutPoint::new(txid, 0), amount, 0);
        let size = tx.size();
        let origin = self.workload_rng.random_range(0..self.tips.len() as u32);
        let index = self.txs.len() as u32;
        self.trace(now, Some(origin), "tx-created", None, || {
            format!("{txid}: wallet {payer} pays wallet {payee} {amount} sat")
        });
        self.txs.push(TxRecord {
            txid,
            created: now,
            origin,
            fee,
            size,
        });
        self.tx_bodies.push(Arc::new(tx));
        for m in 0..self.miners.len() {
            let d = self.miner_distances[m][origin as usize];
            self.queue.schedule(
                now + d,
                Event::TxAtMiner {
                    miner: m as u32,
                    tx: index,
                },
            );
        }
    }
}

/// The topology and links: uniform latency and bandwidth, or a measured region model
/// where each node is placed in a region and a link's latency is the regions' mean
/// latency scaled by a uniform factor in [0.8, 1.2] (links differ within a region pair).
fn build_network(sc: &Scenario) -> (Topology, Uplinks) {
    use crate::net::regions::{BITCOIN_2015, BITCOIN_2019};
    use crate::scenario::RegionModel;
    let n = sc.network.nodes;
    let mut rng = stream(sc.seed, "topology", 0);
    let preset = match sc.network.regions {
        RegionModel::None => {
            let latency =
                crate::net::topology::uniform_latency(sc.network.latency.0, sc.network.jitter.0);
            let topo = Topology::random_outbound(n, sc.network.outbound, &mut rng, latency);
            return (topo, Uplinks::uniform(n as usize, sc.network.bandwidth.0));
        }
        RegionModel::Bitcoin2015 => &BITCOIN_2015,
        RegionModel::Bitcoin2019 => &BITCOIN_2019,
    };
    let mut region_rng = stream(sc.seed, "regions", 0);
    let region: Vec<usize> = (0..n)
        .map(|_| preset.region_for(region_rng.random()))
        .collect();
    let latency = |a: u32, b: u32, rng: &mut SimRng| {
        let mean_ms = preset.latency_ms[region[a as usize]][region[b as usize]] as f64;
        let factor: f64 = rng.random_range(0.8..1.2);
        (mean_ms * factor * 1e6).round() as SimTime
    };
    let topo = Topology::random_outbound(n, sc.network.outbound, &mut rng, latency);
    let up = region.iter().map(|&r| preset.upload_bps[r]).collect();
    let down = region.iter().map(|&r| preset.download_bps[r]).collect();
    (topo, Uplinks::per_node(up, down))
}
