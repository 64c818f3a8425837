//! Attacking miners on the real ledger and network. Each keeps a private tip that it
//! mines on and releases blocks from by its strategy; outcomes are read off the chain
//! that nodes actually adopt. What every attacker shares (starting and ending
//! attempts, publishing, the observer's view) is here; a strategy is one file
//! implementing [`Strategy`] and one line in [`strategy_for`].

mod branch;
mod double_spend;
mod eclipse_spend;
mod majority;
mod race;
mod records;
mod selfish;
mod stubborn;
mod withholding;

pub use race::Race;
pub use records::{AttackOutput, AttemptRecord, Outcome, Ties};

use super::chain_view::Seen;
use super::ids::{AttackerId, MinerId};
use super::network::Network;
use super::plan::{AttackPlan, RunPlan, StrategyPlan};
use super::setup::seed_for;
use super::table::NodeTable;
use crate::ledger::{Amount, BlockId, Transaction, Txid, Wallet};
use crate::net::NodeId;
use crate::sim::rng::stream;
use crate::sim::SimTime;
use rand::Rng;
use std::collections::VecDeque;

/// How an attacker decides. Strategies keep no state of their own: the attacker's
/// common state is in [`Attacker`], its parameters in its plan.
pub trait Strategy: Sync {
    /// Sets up an attempt whose private branch grows from `public` (a strategy may
    /// fork lower). `None`: no attempt now (selfish mining starts episodes as it finds
    /// blocks; a double spender without coins stops).
    fn begin(
        &self,
        net: &mut Network,
        now: SimTime,
        a: AttackerId,
        public: BlockId,
    ) -> Option<Attempt>;

    /// The attacker found `block` on its private tip (already pushed there).
    fn found(&self, net: &mut Network, now: SimTime, a: AttackerId, block: BlockId);

    /// The attacker's node moved to a block from someone else.
    fn saw_public(&self, net: &mut Network, now: SimTime, a: AttackerId);

    /// Whether another node's chain (a merchant's, an observer's) decides the attempts.
    fn observed(&self) -> bool {
        true
    }

    /// The observer's tip moved from `old_tip` during an attempt.
    fn observe(&self, net: &mut Network, now: SimTime, a: AttackerId, old_tip: BlockId) {
        branch::observe(net, now, a, old_tip);
    }
}

/// The strategy a plan names: one registration line per strategy.
fn strategy_for(plan: &StrategyPlan) -> &'static dyn Strategy {
    match plan {
        StrategyPlan::DoubleSpend { .. } => &double_spend::DoubleSpend,
        StrategyPlan::EclipseSpend { .. } => &eclipse_spend::EclipseSpend,
        StrategyPlan::Majority { .. } => &majority::Majority,
        StrategyPlan::Selfish { .. } => &selfish::Selfish,
        StrategyPlan::Stubborn { .. } => &stubborn::Stubborn,
    }
}

pub struct Attacker {
    pub plan: AttackPlan,
    strategy: &'static dyn Strategy,
    pub miner: MinerId,
    pub node: NodeId,
    pub observer: NodeId,
    pub private_tip: BlockId,
    /// Mined but not yet released, parent first.
    unpublished: VecDeque<BlockId>,
    attempt: Option<Attempt>,
    wallet: Wallet,
    merchant_script: Vec<u8>,
    records: Vec<AttemptRecord>,
    /// The attacker's published block in a tie still undecided (withholding).
    tie: Option<BlockId>,
    ties: Ties,
    /// False until the attack's start time: until then it mines honestly.
    active: bool,
    /// An eclipse attacker's partition and outside node (`eclipse_spend`).
    pub eclipse: Option<EclipseSide>,
    /// Between an eclipse attacker's attempts: waiting to be back on the honest chain.
    waiting: bool,
    /// An ended eclipse attempt's two spends, until the honest chain shows which won.
    unsettled: Option<eclipse_spend::Unsettled>,
}

/// The partition an eclipse attacker makes of its victims and itself (a fault it
/// starts and ends), and the node outside that gives the network the conflict.
#[derive(Clone)]
pub struct EclipseSide {
    pub fault: usize,
    pub outside: NodeId,
    /// The merchant's node, then the eclipsed miners'.
    pub victims: Vec<NodeId>,
}

impl EclipseSide {
    /// Whether `node`'s tip matters to when the next attempt may start.
    fn involves(&self, node: NodeId) -> bool {
        node == self.outside || self.victims.contains(&node)
    }
}

pub struct Attempt {
    record: usize,
    /// The block the private branch grows from.
    base: BlockId,
    first_block: Option<BlockId>,
    payment: Option<Txid>,
    /// A pre-mining attacker's payment, sent once its first private block is found.
    unsent_payment: Option<(Transaction, Amount)>,
    conflict: Option<(Transaction, Amount)>,
    /// The attacker's wallet as it stands if the conflicting spend wins.
    wallet_if_reversed: Option<Wallet>,
    /// An eclipse's two spends and the wallets that go with them.
    spends: Option<eclipse_spend::Unsettled>,
    released: bool,
}

impl Attempt {
    fn new(record: usize, base: BlockId) -> Self {
        Attempt {
            record,
            base,
            first_block: None,
            payment: None,
            unsent_payment: None,
            conflict: None,
            wallet_if_reversed: None,
            spends: None,
            released: false,
        }
    }
}

impl Attacker {
    pub fn new(
        plan: &RunPlan,
        a: AttackerId,
        miner: MinerId,
        node: NodeId,
        wallet: Wallet,
        nodes: &NodeTable,
    ) -> Self {
        let spec = plan.attacks[a.index()].clone();
        let chosen = match &spec.strategy {
            StrategyPlan::DoubleSpend { merchant, .. } => *merchant,
            StrategyPlan::EclipseSpend { merchant, .. } => Some(*merchant),
            _ => None,
        };
        let observer = chosen.unwrap_or_else(|| {
            // A node that neither mines nor attacks, when there is one.
            let mut rng = stream(plan.seed, "merchant", u64::from(a.0));
            let n = nodes.len();
            (0..1000)
                .map(|_| NodeId(rng.random_range(0..n)))
                .find(|&c| nodes.miner_at(c).is_none())
                .unwrap_or(NodeId((node.0 + 1) % n))
        });
        Attacker {
            strategy: strategy_for(&spec.strategy),
            active: spec.start == SimTime::ZERO,
            plan: spec,
            miner,
            node,
            observer,
            private_tip: BlockId::GENESIS,
            unpublished: VecDeque::new(),
            attempt: None,
            wallet,
            merchant_script: Wallet::from_seed(seed_for(plan.seed, a.0, b"mrc!")).receive_script(),
            records: Vec::new(),
            tie: None,
            ties: Ties::default(),
            eclipse: None,
            waiting: false,
            unsettled: None,
        }
    }
}

/// Whether every attack with an attempt count has made them.
pub fn attacks_done(attackers: &[Attacker]) -> bool {
    let mut limited = false;
    for at in attackers {
        if let Some(n) = at.plan.attempts {
            limited = true;
            if at.records.len() < n as usize || at.attempt.is_some() {
                return false;
            }
        }
    }
    limited
}

impl Network {
    fn at(&mut self, a: AttackerId) -> &mut Attacker {
        &mut self.attackers[a.index()]
    }

    pub(super) fn start_attacks(&mut self) {
        for i in 0..self.attackers.len() {
            let a = AttackerId(i as u32);
            if self.attacker(a).active {
                self.start_attempt(SimTime::ZERO, a);
            } else {
                let (start, miner) = (self.attacker(a).plan.start, self.attacker(a).miner);
                self.q.schedule(start, super::event::Event::AttackStarts(a));
                self.schedule_mining(miner);
            }
        }
    }

    /// The attack's start time came, or (an eclipse attacker, already active) the
    /// moment to start its next attempt.
    pub(super) fn attack_starts(&mut self, now: SimTime, a: AttackerId) {
        if !self.attacker(a).active {
            self.at(a).active = true;
            let node = self.attacker(a).node;
            self.core
                .rec
                .trace(now, Some(node), "attack-starts", None, || {
                    format!("attacker {a} stops mining honestly")
                });
        }
        self.start_attempt(now, a);
    }

    pub(super) fn finish_attacks(&mut self) -> Vec<AttackOutput> {
        self.attackers
            .drain(..)
            .map(|at| AttackOutput {
                observer: at.strategy.observed().then_some(at.observer),
                plan: at.plan,
                miner: at.miner,
                node: at.node,
                records: at.records,
                ties: at.ties,
            })
            .collect()
    }

    fn start_attempt(&mut self, now: SimTime, a: AttackerId) {
        let public = self.core.views.tip(self.attacker(a).node);
        let at = self.at(a);
        at.unpublished.clear();
        at.private_tip = public;
        at.attempt = None;
        let (miner, strategy) = (at.miner, at.strategy);
        let limit_reached = (at.plan.attempts).is_some_and(|n| at.records.len() >= n as usize);
        let attempt = match limit_reached {
            true => None,
            false => strategy.begin(self, now, a, public),
        };
        let Some(attempt) = attempt else {
            self.schedule_mining(miner);
            return;
        };
        let (node, base) = (self.attacker(a).node, attempt.base);
        let at = self.at(a);
        at.records.push(AttemptRecord::starting(now));
        at.private_tip = base;
        at.attempt = Some(attempt);
        let n = at.records.len();
        let base_height = self.core.tree.entry(base).height;
        self.core
            .rec
            .trace(now, Some(node), "attack-starts", Some(base), || {
                format!("attacker {a}, attempt {n}, mining privately on height {base_height}")
            });
        self.schedule_mining(miner);
    }

    fn end_attempt(&mut self, now: SimTime, a: AttackerId, outcome: Outcome, reverted: (u32, u32)) {
        let at = self.at(a);
        let Some(attempt) = at.attempt.take() else {
            return;
        };
        let record = &mut at.records[attempt.record];
        record.ended = Some(now);
        record.outcome = outcome;
        (record.reverted_blocks, record.reverted_txs) = reverted;
        if outcome == Outcome::Success {
            if let Some(w) = attempt.wallet_if_reversed {
                at.wallet = w;
            }
        }
        let node = at.node;
        self.core
            .rec
            .trace(now, Some(node), "attack-ends", None, || {
                format!(
                    "attacker {a}, attempt {}: {}",
                    attempt.record + 1,
                    outcome.as_str()
                )
            });
    }

    /// What an attacker's next block holds: the conflicting spend, first on its branch,
    /// if its coins exist there (an earlier payment may be unmined).
    pub(super) fn attacker_template(
        &mut self,
        a: AttackerId,
        parent: BlockId,
    ) -> (Vec<Transaction>, Amount) {
        let none = (Vec::new(), Amount::ZERO);
        let Some(attempt) = &self.attackers[a.index()].attempt else {
            return none;
        };
        let Some((conflict, fee)) = &attempt.conflict else {
            return none;
        };
        if attempt.first_block.is_some() || parent != attempt.base {
            return none;
        }
        let utxo = self.core.tree.utxo_at(parent);
        match conflict
            .inputs
            .iter()
            .all(|i| utxo.contains(&i.previous_output))
        {
            true => (vec![conflict.clone()], *fee),
            false => none,
        }
    }

    /// The attacker found `block` on its private tip. Before its attack starts it
    /// publishes at once, as an honest miner would.
    pub(super) fn attacker_found(&mut self, now: SimTime, a: AttackerId, block: BlockId) {
        if !self.attacker(a).active {
            let at = self.at(a);
            at.private_tip = block;
            at.unpublished.push_back(block);
            let miner = at.miner;
            self.publish_upto(now, a, u32::MAX);
            self.schedule_mining(miner);
            return;
        }
        let strategy = self.attacker(a).strategy;
        strategy.found(self, now, a, block);
    }

    /// The attacker's node moved to a block from someone else.
    pub(super) fn attacker_saw_public(&mut self, now: SimTime, a: AttackerId) {
        if !self.attacker(a).active {
            let tip = self.core.views.tip(self.attacker(a).node);
            self.at(a).private_tip = tip;
            let miner = self.attacker(a).miner;
            self.schedule_mining(miner);
            return;
        }
        let strategy = self.attacker(a).strategy;
        strategy.saw_public(self, now, a);
    }

    /// Releases the attacker's unpublished blocks up to `height`, in order.
    fn publish_upto(&mut self, now: SimTime, a: AttackerId, height: u32) {
        let node = self.attacker(a).node;
        while let Some(&b) = self.attacker(a).unpublished.front() {
            if self.core.tree.entry(b).height > height {
                break;
            }
            self.at(a).unpublished.pop_front();
            // A tie is decided by the first block above it that honest miners can see;
            // a private block decides nothing (stubborn miners mine on in a tie).
            self.end_race_below(self.core.tree.entry(b).height);
            if self.core.views.seen(b, node) != Seen::Connected {
                self.connect(now, node, node, b);
            }
        }
    }

    /// A node's tip moved from `old_tip`: if it is a merchant or observer, count
    /// confirmations and decide attempts.
    pub(super) fn observer_tip_changed(&mut self, now: SimTime, node: NodeId, old_tip: BlockId) {
        for i in 0..self.attackers.len() {
            let at = &self.attackers[i];
            if at.observer == node && at.attempt.is_some() && at.strategy.observed() {
                at.strategy
                    .observe(self, now, AttackerId(i as u32), old_tip);
            } else if at.waiting && (at.eclipse.as_ref()).is_some_and(|e| e.involves(node)) {
                self.restart_eclipse_if_ready(now, AttackerId(i as u32));
            }
        }
    }

    /// Blocks (and the transactions in them) on `old`'s branch that `new` abandons.
    fn reverted(&self, old: BlockId, new: BlockId) -> (u32, u32) {
        let tree = &self.core.tree;
        let fork = tree.fork_point(old, new);
        let (mut blocks, mut txs) = (0, 0);
        let mut b = old;
        while b != fork {
            let entry = tree.entry(b);
            blocks += 1;
            txs += entry.txids.len() as u32 - 1;
            b = entry.parent.expect("above the fork");
        }
        (blocks, txs)
    }
}
