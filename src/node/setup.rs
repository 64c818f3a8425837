//! A network as its plan describes it at time zero: the genesis block with the
//! wallets' and attackers' premine, the topology, the node table, the miners, the
//! attackers, the payment relay and the workload's thread.

use super::attack::Attacker;
use super::chain_view::ChainViews;
use super::core::Core;
use super::ids::{AttackerId, MinerId};
use super::mining::Miners;
use super::network::Network;
use super::paybook::Paybook;
use super::payments::{PaymentFeed, Workload};
use super::plan::{AttackPlan, RunPlan, StrategyPlan, TxRelayKind};
use super::recorder::Recorder;
use super::relay::{self, announce::Announcements, timeout::Requests};
use super::replay::Sample;
use super::table::{miner_node, NodeTable};
use super::txrelay;
use crate::ledger::pow::Target;
use crate::ledger::{builder, Amount, BlockTree, OutPoint, TxOut, Wallet, COIN};
use crate::net::faults::Faults;
use crate::net::{build, NodeId, Transport};
use crate::sim::rng::stream;
use crate::sim::{EventQueue, SimTime};

/// What each premined coin of the workload's wallets holds.
const PER_COIN: Amount = Amount(10 * COIN.0);

/// The links attackers add: random connections, and each eclipse attacker's links to
/// its victims.
fn attacker_links(plan: &RunPlan, attacker_nodes: &[NodeId], miner_count: usize) -> build::Extra {
    let n = plan.network.nodes;
    build::Extra {
        random: (attacker_nodes.iter().zip(&plan.attacks))
            .filter(|(_, a)| a.connections > 0)
            .map(|(&node, a)| (node, a.connections))
            .collect(),
        pairs: (attacker_nodes.iter().zip(&plan.attacks))
            .flat_map(|(&node, a)| {
                eclipsed(a, miner_count, n)
                    .into_iter()
                    .map(move |v| (node, v))
            })
            .collect(),
    }
}

/// The workload's payments, made ahead on their own thread (gossip also verifies
/// them there), and the delay to the first.
fn payment_feed(plan: &RunPlan, wallets: Vec<Wallet>, tree: &BlockTree) -> (SimTime, PaymentFeed) {
    let workload = Workload {
        wallets,
        rng: stream(plan.seed, "workload", 0),
        tx_rate: plan.workload.tx_rate,
        fee_rate: plan.workload.fee_rate,
        nodes: plan.network.nodes,
        verify_ahead: plan.workload.relay == TxRelayKind::Gossip,
    };
    PaymentFeed::start(workload, tree.shared_sigcache())
}

/// Whether payments are made: a workload, or an attack that pays to spend twice.
fn makes_payments(plan: &RunPlan) -> bool {
    plan.workload.tx_rate > 0.0
        || (plan.attacks.iter()).any(|a| {
            matches!(
                a.strategy,
                StrategyPlan::DoubleSpend { .. } | StrategyPlan::EclipseSpend { .. }
            )
        })
}

impl Network {
    pub fn new(plan: RunPlan) -> Network {
        let n = plan.network.nodes;
        let honest = plan.mining.shares.len();
        let miner_count = honest + plan.attacks.len();
        let attacker_nodes: Vec<NodeId> = (0..plan.attacks.len())
            .map(|a| miner_node(honest + a, miner_count, n))
            .collect();
        let extra = attacker_links(&plan, &attacker_nodes, miner_count);
        let (topology, uplinks) = build::build(&plan.network, plan.seed, &extra);
        let faults = Faults::new(plan.faults.clone(), n, plan.seed);

        let (wallets, attacker_wallets, tree) = genesis(&plan);
        let start_work = tree.entry(tree.genesis()).block.header.bits.work();
        let start_work = start_work.expect("valid bits").to_f64();

        let miner_nodes: Vec<NodeId> = (0..miner_count)
            .map(|i| miner_node(i, miner_count, n))
            .collect();
        let miners = miners(&plan, &miner_nodes, start_work);
        let nodes = NodeTable::new(
            n,
            honest,
            plan.attacks.len(),
            plan.light_fraction,
            plan.seed,
        );
        let attackers = (attacker_wallets.into_iter().enumerate())
            .map(|(a, wallet)| {
                let id = AttackerId(a as u32);
                let miner = MinerId((honest + a) as u32);
                Attacker::new(&plan, id, miner, attacker_nodes[a], wallet, &nodes)
            })
            .collect();
        let paying = makes_payments(&plan);
        let gossip = plan.workload.relay == TxRelayKind::Gossip;
        let compact = plan.relay == super::plan::BlockRelayKind::Compact;
        let feed = (!wallets.is_empty()).then(|| payment_feed(&plan, wallets, &tree));
        let mut core = Core {
            transport: Transport::new(topology, uplinks, faults),
            views: ChainViews::new(n),
            pays: Paybook::new(paying && (gossip || compact)),
            pools: vec![Vec::new(); miner_count],
            rec: Recorder::new(n, Sample::new(n, &miner_nodes)),
            heard: Announcements::new(n),
            requests: (plan.validation.request_timeout)
                .map(|t| Requests::new(t, &plan.validation, plan.seed)),
            nodes,
            tree,
            plan,
        };
        let joins = super::join::Joins::new(&mut core);
        let routing =
            (core.plan.routing.clone()).map(|p| super::routing::Routing::new(&mut core, p));
        let mut txs = txrelay::relay_for(&core.plan, &core, paying, &miner_nodes);
        grow_history(&mut core, &joins, txs.as_mut());
        let mut net = Network {
            blocks: relay::protocol(core.plan.relay),
            txs,
            q: EventQueue::new(),
            miners,
            attackers,
            race: None,
            feed,
            joins,
            routing,
            stop_backlogs: None,
            core,
        };
        net.set_up_eclipses(miner_count);
        net
    }

    /// Each eclipse attacker's partition of its victims and itself, and its node
    /// outside.
    fn set_up_eclipses(&mut self, miner_count: usize) {
        let n = self.core.plan.network.nodes;
        for a in 0..self.attackers.len() {
            let (node, plan) = (self.attackers[a].node, &self.core.plan.attacks[a]);
            let victims = eclipsed(plan, miner_count, n);
            if victims.is_empty() {
                continue;
            }
            let outside = self.outside_of(node, &victims);
            let members: Vec<NodeId> = std::iter::once(node).chain(victims.clone()).collect();
            let fault = self.core.transport.faults.add_partition(&members);
            let side = super::attack::EclipseSide {
                fault,
                outside,
                victims,
            };
            self.attackers[a].eclipse = Some(side);
        }
    }
}

/// The nodes an eclipse attacker holds: its merchant's, then its eclipsed miners'.
fn eclipsed(plan: &AttackPlan, miner_count: usize, n: u32) -> Vec<NodeId> {
    match &plan.strategy {
        StrategyPlan::EclipseSpend {
            merchant, miners, ..
        } => std::iter::once(*merchant)
            .chain(miners.iter().map(|m| miner_node(m.index(), miner_count, n)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Miners, honest then attackers, on distinct nodes spread over the id space. Honest
/// shares divide what the attackers leave.
fn miners(plan: &RunPlan, miner_nodes: &[NodeId], start_work: f64) -> Miners {
    let attack_share: f64 = plan.attacks.iter().map(|a| a.hashrate).sum();
    let shares: Vec<f64> = (plan.mining.shares.iter())
        .map(|s| s * (1.0 - attack_share))
        .chain(plan.attacks.iter().map(|a| a.hashrate))
        .collect();
    let payouts = (0..miner_nodes.len() as u32)
        .map(|i| Wallet::from_seed(seed_for(plan.seed, i, b"mnr!")).receive_script())
        .collect();
    Miners::new(
        &shares,
        miner_nodes,
        payouts,
        plan.mining.shares.len(),
        plan.seed,
        (start_work, plan.block_interval),
        plan.mining.pow,
        plan.mining.block_padding,
    )
}

/// The workload's wallets and the attackers' (funded by the genesis premine: each
/// wallet coin, then each attacker's funds), and the tree holding that genesis.
fn genesis(plan: &RunPlan) -> (Vec<Wallet>, Vec<Wallet>, BlockTree) {
    // Wallets exist for the workload; deriving 5,000 keys is not free.
    let wallet_count = if plan.workload.tx_rate > 0.0 {
        plan.workload.wallets
    } else {
        0
    };
    let coins = plan.workload.coins_per_wallet;
    let mut wallets: Vec<Wallet> = (0..wallet_count)
        .map(|i| Wallet::from_seed(seed_for(plan.seed, i, b"wlt!")))
        .collect();
    let mut attackers: Vec<Wallet> = (0..plan.attacks.len() as u32)
        .map(|a| Wallet::from_seed(seed_for(plan.seed, a, b"atk!")))
        .collect();
    let mut premine = Vec::new();
    for w in &wallets {
        for _ in 0..coins {
            let script_pubkey = w.receive_script().into();
            premine.push(TxOut {
                value: PER_COIN,
                script_pubkey,
            });
        }
    }
    for (w, a) in attackers.iter().zip(&plan.attacks) {
        if a.funds > Amount::ZERO {
            let script_pubkey = w.receive_script().into();
            premine.push(TxOut {
                value: a.funds,
                script_pubkey,
            });
        }
    }
    let bits = Target::from_expected_hashes(plan.hashes_per_block).to_compact();
    let time = super::history::genesis_time(
        plan.history,
        plan.consensus.retarget.interval,
        interval_s(plan),
    );
    let genesis = builder::genesis(time, bits, premine, &plan.label);
    let premine_txid = genesis.txdata[0].txid();
    let mut vout = 0;
    for w in wallets.iter_mut() {
        for _ in 0..coins {
            w.add_coin(OutPoint::new(premine_txid, vout), PER_COIN, 0);
            vout += 1;
        }
    }
    for (w, a) in attackers.iter_mut().zip(&plan.attacks) {
        if a.funds > Amount::ZERO {
            w.add_coin(OutPoint::new(premine_txid, vout), a.funds, 0);
            vout += 1;
        }
    }
    let tree = BlockTree::new(genesis, plan.consensus.clone())
        .expect("chainlab builds a valid genesis block");
    (wallets, attackers, tree)
}

/// The chain grown before the run (`history:`), held by every node there at the start.
fn grow_history(core: &mut Core, joins: &super::join::Joins, txs: &mut dyn txrelay::TxRelay) {
    let Some(h) = core.plan.history else { return };
    let blocks = super::history::grow(&mut core.tree, h, interval_s(&core.plan));
    let joining = |node| joins.joins_empty(node);
    super::history::hand_out(&mut core.views, &mut core.rec, &blocks, joining);
    for &b in &blocks {
        txs.block_mined(core, b, SimTime::ZERO);
    }
}

/// The block interval in whole seconds (header times are whole seconds).
fn interval_s(plan: &RunPlan) -> u32 {
    plan.block_interval.whole_secs().min(u64::from(u32::MAX)) as u32
}

/// Key material for the `index`-th wallet of a kind (`tag`), from the scenario seed.
pub(super) fn seed_for(seed: u64, index: u32, tag: &[u8; 4]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..8].copy_from_slice(&seed.to_le_bytes());
    out[8..12].copy_from_slice(&index.to_le_bytes());
    out[12..16].copy_from_slice(tag);
    out
}
