//! Attacking miners on the real ledger and network: a double spender racing a
//! merchant's confirmations, a majority attacker rewriting history, and Eyal and
//! Sirer's selfish miner. Each keeps a private tip that it mines on and releases blocks
//! from by its strategy; outcomes are read off the chain that nodes actually adopt.

use super::{seed_for, Seen, World};
use crate::ledger::{Amount, BlockId, OutPoint, Transaction, Txid, Wallet};
use crate::scenario::{Attack, Gamma, GiveUp, Scenario};
use crate::sim::rng::stream;
use crate::sim::SimTime;
use rand::Rng;
use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Double spend / majority: the observer's chain holds the attacker's branch.
    /// Selfish: some of the episode's blocks made the public chain.
    Success,
    /// The public chain led by `give_up_behind` blocks.
    GaveUp,
    /// Selfish: the episode's private blocks were all orphaned.
    Lost,
    /// Still running when the run stopped.
    Unfinished,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::GaveUp => "gave-up",
            Outcome::Lost => "lost",
            Outcome::Unfinished => "unfinished",
        }
    }
}

/// One attempt (double spend, majority) or episode (selfish: from the first private
/// block to the branch being released or abandoned).
#[derive(Clone, Debug)]
pub struct AttemptRecord {
    pub started: SimTime,
    pub ended: Option<SimTime>,
    pub outcome: Outcome,
    /// When the merchant saw the payment with the required confirmations.
    pub confirmed_at: Option<SimTime>,
    /// When the attacker released its branch.
    pub released_at: Option<SimTime>,
    /// Blocks the attacker mined during the attempt.
    pub attacker_blocks: u32,
    /// Blocks the observer (or the attacker's node, for selfish mining) abandoned when
    /// the attacker's branch won, and the transactions they held.
    pub reverted_blocks: u32,
    pub reverted_txs: u32,
}

impl AttemptRecord {
    fn starting(now: SimTime) -> Self {
        AttemptRecord {
            started: now,
            ended: None,
            outcome: Outcome::Unfinished,
            confirmed_at: None,
            released_at: None,
            attacker_blocks: 0,
            reverted_blocks: 0,
            reverted_txs: 0,
        }
    }
}

pub struct AttackOutput {
    pub spec: Attack,
    /// Index of the attacker among the run's miners.
    pub miner: u32,
    pub node: u32,
    /// The merchant (double spend) or observer (majority) whose chain decides success.
    pub observer: Option<u32>,
    pub records: Vec<AttemptRecord>,
}

/// A tie between an honest block and a selfish miner's block at the same height, while
/// an explicit γ decides which one honest miners extend.
pub(super) struct Race {
    honest: BlockId,
    attacker: BlockId,
    height: u32,
    gamma: f64,
}

pub(super) struct Attacker {
    spec: Attack,
    miner: u32,
    node: u32,
    observer: u32,
    pub(super) private_tip: BlockId,
    /// Mined but not yet released, parent first.
    unpublished: VecDeque<BlockId>,
    attempt: Option<Attempt>,
    wallet: Wallet,
    merchant_script: Vec<u8>,
    records: Vec<AttemptRecord>,
    /// False until the attack's start time: until then it mines honestly.
    active: bool,
}

struct Attempt {
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
    released: bool,
}

impl Attacker {
    pub(super) fn new(
        sc: &Scenario,
        index: usize,
        miner: u32,
        node: u32,
        wallet: Wallet,
        miner_of_node: &[Option<u32>],
    ) -> Self {
        let spec = sc.attacks[index].clone();
        let chosen = match &spec {
            Attack::DoubleSpend { merchant, .. } => *merchant,
            _ => None,
        };
        let observer = chosen.unwrap_or_else(|| {
            // A node that neither mines nor attacks, when there is one.
            let mut rng = stream(sc.seed, "merchant", index as u64);
            let n = miner_of_node.len() as u32;
            (0..1000)
                .map(|_| rng.random_range(0..n))
                .find(|&c| miner_of_node[c as usize].is_none())
                .unwrap_or((node + 1) % n)
        });
        Attacker {
            spec,
            miner,
            node,
            observer,
            private_tip: 0,
            unpublished: VecDeque::new(),
            attempt: None,
            wallet,
            merchant_script: Wallet::from_seed(seed_for(sc.seed, index as u32, b"mrc!"))
                .receive_script(),
            records: Vec::new(),
            active: sc.attacks[index].start().0 == 0,
        }
    }
}

impl World {
    pub(super) fn start_attacks(&mut self, now: SimTime) {
        for a in 0..self.attackers.len() {
            if self.attackers[a].active {
                self.start_attempt(now, a);
            } else {
                let start = self.attackers[a].spec.start().0;
                self.queue
                    .schedule(start, super::Event::AttackStarts { attacker: a as u32 });
                let miner = self.attackers[a].miner;
                self.schedule_mining(miner);
            }
        }
    }

    pub(super) fn attack_starts(&mut self, now: SimTime, a: u32) {
        let a = a as usize;
        self.attackers[a].active = true;
        let node = self.attackers[a].node;
        self.trace(now, Some(node), "attack-starts", None, || {
            format!("attacker {a} stops mining honestly")
        });
        self.start_attempt(now, a);
    }

    /// Whether every attack with an attempt count has made them.
    pub(super) fn attacks_done(&self) -> bool {
        let mut limited = false;
        for at in &self.attackers {
            if let Some(n) = at.spec.attempts() {
                limited = true;
                if at.records.len() < n as usize || at.attempt.is_some() {
                    return false;
                }
            }
        }
        limited
    }

    pub(super) fn finish_attacks(&mut self) -> Vec<AttackOutput> {
        self.attackers
            .drain(..)
            .map(|at| AttackOutput {
                observer: (!matches!(at.spec, Attack::Selfish { .. })).then_some(at.observer),
                spec: at.spec,
                miner: at.miner,
                node: at.node,
                records: at.records,
            })
            .collect()
    }

    fn start_attempt(&mut self, now: SimTime, a: usize) {
        let node = self.attackers[a].node;
        let public = self.tips[node as usize];
        let at = &mut self.attackers[a];
        at.unpublished.clear();
        at.private_tip = public;
        at.attempt = None;
        let miner = at.miner;
        let limit_reached = at
            .spec
            .attempts()
            .is_some_and(|n| at.records.len() >= n as usize);
        if matches!(at.spec, Attack::Selfish { .. }) || limit_reached {
            self.schedule_mining(miner);
            return;
        }
        let base = match at.spec {
            Attack::Majority { depth, .. } => {
                let height = self.tree.entry(public).height.saturating_sub(depth);
                self.tree
                    .ancestor_at(public, height)
                    .expect("below the tip")
            }
            _ => public,
        };
        let mut attempt = Attempt {
            record: at.records.len(),
            base,
            first_block: None,
            payment: None,
            unsent_payment: None,
            conflict: None,
            wallet_if_reversed: None,
            released: false,
        };
        if let Attack::DoubleSpend {
            amount, premine, ..
        } = at.spec
        {
            let sat = Amount::from_coins(amount);
            // The top of the workload's range: the merchant's payment is not left waiting.
            let fee_rate = self.sc.workload.fee_rate.max;
            let before = at.wallet.clone();
            let Ok((payment, fee)) = at.wallet.pay_with_fee(
                at.merchant_script.clone(),
                sat,
                crate::ledger::FeeRate(fee_rate),
            ) else {
                self.trace(now, Some(node), "attack-stops", None, || {
                    format!("attacker {a} has no coins left")
                });
                self.schedule_mining(miner);
                return;
            };
            // The same coins, picked the same way, paid back to the attacker instead.
            let mut reversed = before;
            let own = reversed.receive_script();
            let (conflict, conflict_fee) = reversed
                .pay_with_fee(own, sat, crate::ledger::FeeRate(fee_rate))
                .expect("the coins that paid the merchant pay again");
            reversed.add_coin(OutPoint::new(conflict.txid(), 0), sat, 0);
            attempt.payment = Some(payment.txid());
            attempt.conflict = Some((conflict, conflict_fee));
            attempt.wallet_if_reversed = Some(reversed);
            if premine {
                attempt.unsent_payment = Some((payment, fee));
            } else {
                self.broadcast_tx(now, node, payment, fee);
            }
        }
        let at = &mut self.attackers[a];
        at.records.push(AttemptRecord::starting(now));
        at.private_tip = base;
        at.attempt = Some(attempt);
        let n = at.records.len();
        let base_height = self.tree.entry(base).height;
        self.trace(now, Some(node), "attack-starts", Some(base), || {
            format!("attacker {a}, attempt {n}, mining privately on height {base_height}")
        });
        self.schedule_mining(miner);
    }

    fn end_attempt(&mut self, now: SimTime, a: usize, outcome: Outcome, reverted: (u32, u32)) {
        let at = &mut self.attackers[a];
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
        self.trace(now, Some(node), "attack-ends", None, || {
            format!(
                "attacker {a}, attempt {}: {}",
                attempt.record + 1,
                outcome.as_str()
            )
        });
    }

    /// What an attacker's next block holds: the conflicting spend, first on its branch.
    pub(super) fn attacker_template(
        &mut self,
        a: u32,
        parent: BlockId,
    ) -> (Vec<Transaction>, Amount) {
        let Some(attempt) = &self.attackers[a as usize].attempt else {
            return (Vec::new(), Amount::ZERO);
        };
        let Some((conflict, fee)) = &attempt.conflict else {
            return (Vec::new(), Amount::ZERO);
        };
        if attempt.first_block.is_some() || parent != attempt.base {
            return (Vec::new(), Amount::ZERO);
        }
        let (conflict, fee) = (conflict.clone(), *fee);
        // Only if its coins exist on this branch (an earlier payment may be unmined).
        let utxo = self.tree.utxo_at(parent);
        if conflict
            .inputs
            .iter()
            .all(|i| utxo.contains(&i.previous_output))
        {
            (vec![conflict], fee)
        } else {
            (Vec::new(), Amount::ZERO)
        }
    }

    /// The attacker found `block` on its private tip.
    pub(super) fn attacker_found(&mut self, now: SimTime, a: u32, block: BlockId) {
        let a = a as usize;
        if !self.attackers[a].active {
            let at = &mut self.attackers[a];
            at.private_tip = block;
            at.unpublished.push_back(block);
            let miner = at.miner;
            self.publish_upto(now, a, u32::MAX);
            self.schedule_mining(miner);
            return;
        }
        if matches!(self.attackers[a].spec, Attack::Selfish { .. }) {
            return self.selfish_found(now, a, block);
        }
        let at = &mut self.attackers[a];
        at.private_tip = block;
        at.unpublished.push_back(block);
        let miner = at.miner;
        match &mut at.attempt {
            None => self.publish_upto(now, a, u32::MAX),
            Some(attempt) => {
                attempt.first_block.get_or_insert(block);
                at.records[attempt.record].attacker_blocks += 1;
                if let Some((payment, fee)) = attempt.unsent_payment.take() {
                    let node = at.node;
                    self.broadcast_tx(now, node, payment, fee);
                } else if attempt.released {
                    self.publish_upto(now, a, u32::MAX);
                } else {
                    self.check_release(now, a);
                }
            }
        }
        self.schedule_mining(miner);
    }

    /// The attacker's node moved to a block from someone else.
    pub(super) fn attacker_saw_public(&mut self, now: SimTime, a: u32) {
        let a = a as usize;
        if !self.attackers[a].active {
            self.attackers[a].private_tip = self.tips[self.attackers[a].node as usize];
            let miner = self.attackers[a].miner;
            self.schedule_mining(miner);
            return;
        }
        if matches!(self.attackers[a].spec, Attack::Selfish { .. }) {
            return self.selfish_saw_public(now, a);
        }
        let at = &self.attackers[a];
        let public = self.tips[at.node as usize];
        let private = at.private_tip;
        let miner = at.miner;
        let Some(attempt) = &at.attempt else {
            self.attackers[a].private_tip = public;
            self.schedule_mining(miner);
            return;
        };
        if attempt.unsent_payment.is_some() {
            // Still pre-mining: the public chain moved first, so start over on it.
            let attempt = self.attackers[a].attempt.as_mut().expect("checked");
            attempt.base = public;
            self.attackers[a].private_tip = public;
            self.schedule_mining(miner);
            return;
        }
        if attempt.released && self.tree.is_ancestor(private, public) {
            // The public chain already extends the released branch.
            self.attackers[a].private_tip = public;
            self.attackers[a].unpublished.clear();
            self.schedule_mining(miner);
            return;
        }
        let at = &self.attackers[a];
        let behind =
            i64::from(self.tree.entry(public).height) - i64::from(self.tree.entry(private).height);
        let give_up = match at.spec {
            Attack::DoubleSpend { give_up_behind, .. }
            | Attack::Majority { give_up_behind, .. } => give_up_behind,
            Attack::Selfish { .. } => GiveUp::Never,
        };
        if let GiveUp::Behind(limit) = give_up {
            if behind >= i64::from(limit) {
                self.end_attempt(now, a, Outcome::GaveUp, (0, 0));
                self.start_attempt(now, a);
                return;
            }
        }
        self.check_release(now, a);
    }

    /// Releases the private branch once the merchant has shipped (double spend) and the
    /// branch has more work than what the attacker's node sees as public.
    fn check_release(&mut self, now: SimTime, a: usize) {
        let at = &self.attackers[a];
        let Some(attempt) = &at.attempt else {
            return;
        };
        if attempt.released {
            return;
        }
        let shipped = match at.spec {
            Attack::DoubleSpend { .. } => at.records[attempt.record].confirmed_at.is_some(),
            _ => true,
        };
        // The public chain as the attacker knows it: its own node's tip, and the
        // merchant's, which it learns from being told the goods shipped. (Comparing with
        // its own node alone would release a mere tie when the confirming block reached
        // the merchant first, and let nodes nearer the attacker side with it.)
        let work = |b: BlockId| self.tree.entry(b).chain_work;
        let public = work(self.tips[at.node as usize]).max(work(self.tips[at.observer as usize]));
        let private = at.private_tip;
        if shipped && work(private) > public {
            let at = &mut self.attackers[a];
            let attempt = at.attempt.as_mut().expect("checked");
            attempt.released = true;
            at.records[attempt.record].released_at = Some(now);
            let node = at.node;
            let count = at.unpublished.len();
            self.trace(now, Some(node), "attack-releases", Some(private), || {
                format!("attacker {a} releases {count} block(s)")
            });
            self.publish_upto(now, a, u32::MAX);
        }
    }

    /// Releases the attacker's unpublished blocks up to `height`, in order.
    fn publish_upto(&mut self, now: SimTime, a: usize, height: u32) {
        let node = self.attackers[a].node;
        while let Some(&b) = self.attackers[a].unpublished.front() {
            if self.tree.entry(b).height > height {
                break;
            }
            self.attackers[a].unpublished.pop_front();
            if self.seen[b as usize][node as usize] != Seen::Connected {
                self.connect(now, node, node, b);
            }
        }
    }

    /// A node's tip moved from `old_tip`: if it is a merchant or observer, count
    /// confirmations and decide attempts.
    pub(super) fn observer_tip_changed(&mut self, now: SimTime, node: u32, old_tip: BlockId) {
        for a in 0..self.attackers.len() {
            let at = &self.attackers[a];
            if at.observer == node
                && at.attempt.is_some()
                && !matches!(at.spec, Attack::Selfish { .. })
            {
                self.observe(now, a, old_tip);
            }
        }
    }

    fn observe(&mut self, now: SimTime, a: usize, old_tip: BlockId) {
        let at = &self.attackers[a];
        let tip = self.tips[at.observer as usize];
        let attempt = at.attempt.as_ref().expect("checked by the caller");
        if let (Attack::DoubleSpend { confirmations, .. }, Some(payment), None) = (
            &at.spec,
            attempt.payment,
            at.records[attempt.record].confirmed_at,
        ) {
            let base_height = self.tree.entry(attempt.base).height;
            let tip_height = self.tree.entry(tip).height;
            let mut b = tip;
            while self.tree.entry(b).height > base_height {
                let entry = self.tree.entry(b);
                if entry.txids.contains(&payment) {
                    if tip_height - entry.height + 1 >= *confirmations {
                        let record = attempt.record;
                        self.attackers[a].records[record].confirmed_at = Some(now);
                        self.check_release(now, a);
                    }
                    break;
                }
                b = entry.parent.expect("above genesis");
            }
        }
        let at = &self.attackers[a];
        let Some(attempt) = &at.attempt else {
            return;
        };
        if attempt
            .first_block
            .is_some_and(|first| attempt.released && self.tree.is_ancestor(first, tip))
        {
            let reverted = self.reverted(old_tip, tip);
            self.end_attempt(now, a, Outcome::Success, reverted);
            self.start_attempt(now, a);
        }
    }

    /// Blocks (and the transactions in them) on `old`'s branch that `new` abandons.
    fn reverted(&self, old: BlockId, new: BlockId) -> (u32, u32) {
        let fork = self.tree.fork_point(old, new);
        let (mut blocks, mut txs) = (0, 0);
        let mut b = old;
        while b != fork {
            let entry = self.tree.entry(b);
            blocks += 1;
            txs += entry.txids.len() as u32 - 1;
            b = entry.parent.expect("above the fork");
        }
        (blocks, txs)
    }

    /// Eyal and Sirer, Algorithm 1, "my pool found a block".
    fn selfish_found(&mut self, now: SimTime, a: usize, block: BlockId) {
        let at = &self.attackers[a];
        let public = self.tips[at.node as usize];
        let previous = at.private_tip;
        // A tie in progress: our branch is out, as long as the public one.
        let racing = previous != public
            && self.tree.entry(previous).height == self.tree.entry(public).height;
        let at = &mut self.attackers[a];
        at.private_tip = block;
        at.unpublished.push_back(block);
        if at.attempt.is_none() {
            at.records.push(AttemptRecord::starting(now));
            at.attempt = Some(Attempt {
                record: at.records.len() - 1,
                base: public,
                first_block: Some(block),
                payment: None,
                unsent_payment: None,
                conflict: None,
                wallet_if_reversed: None,
                released: false,
            });
        }
        let record = at.attempt.as_ref().expect("just set").record;
        at.records[record].attacker_blocks += 1;
        let miner = at.miner;
        if racing {
            // Lead of one over the public branch: publish and win the race.
            let reverted = self.reverted(public, block);
            self.publish_upto(now, a, u32::MAX);
            self.end_attempt(now, a, Outcome::Success, reverted);
        }
        self.schedule_mining(miner);
    }

    /// Eyal and Sirer, Algorithm 1, "others found a block".
    fn selfish_saw_public(&mut self, now: SimTime, a: usize) {
        let at = &self.attackers[a];
        let public = self.tips[at.node as usize];
        let private = at.private_tip;
        let miner = at.miner;
        if private == public {
            return;
        }
        let (ph, qh) = (
            self.tree.entry(private).height,
            self.tree.entry(public).height,
        );
        if self.tree.is_ancestor(private, public) || ph < qh {
            // The public chain is ahead: adopt it. The episode still counts as won when
            // honest miners built on the attacker's released block.
            if let Some(attempt) = &at.attempt {
                let won = attempt
                    .first_block
                    .is_some_and(|first| self.tree.is_ancestor(first, public));
                let outcome = if won { Outcome::Success } else { Outcome::Lost };
                self.end_attempt(now, a, outcome, (0, 0));
            }
            let at = &mut self.attackers[a];
            at.private_tip = public;
            at.unpublished.clear();
            self.schedule_mining(miner);
            return;
        }
        match ph - qh {
            0 => {
                self.publish_upto(now, a, u32::MAX);
                if let Attack::Selfish {
                    gamma: Gamma::Fixed(gamma),
                    ..
                } = self.attackers[a].spec
                {
                    self.race = Some(Race {
                        honest: public,
                        attacker: private,
                        height: qh,
                        gamma,
                    });
                }
            }
            1 => {
                let reverted = self.reverted(public, private);
                self.publish_upto(now, a, u32::MAX);
                self.end_attempt(now, a, Outcome::Success, reverted);
            }
            _ => self.publish_upto(now, a, qh),
        }
    }

    /// During a tie under an explicit γ, an honest miner extends the attacker's block
    /// with probability γ, whichever of the two its node saw first.
    pub(super) fn parent_in_race(&mut self, m: u32, tip: BlockId) -> BlockId {
        let Some(race) = &self.race else {
            return tip;
        };
        let node = self.miners[m as usize].node as usize;
        let both_known = self.seen[race.attacker as usize][node] == Seen::Connected
            && self.seen[race.honest as usize][node] == Seen::Connected;
        if !both_known || (tip != race.honest && tip != race.attacker) {
            return tip;
        }
        let (honest, attacker, gamma) = (race.honest, race.attacker, race.gamma);
        if self.miners[m as usize].rng.random::<f64>() < gamma {
            attacker
        } else {
            honest
        }
    }

    pub(super) fn end_race_below(&mut self, height: u32) {
        if self.race.as_ref().is_some_and(|r| height > r.height) {
            self.race = None;
        }
    }
}
