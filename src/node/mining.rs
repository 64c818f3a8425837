//! Miners: when the next block is found, what it holds, and who it pays. What a miner
//! mines on (its node's tip, or an attacker's private branch) and what it puts in a
//! block are the caller's to choose; this module turns them into blocks and times.

use super::core::Core;
use super::event::Event;
use super::ids::{AttackerId, MinerId};
use super::plan::PowMode;
use crate::ledger::{builder, Amount, Block, BlockId, Transaction};
use crate::net::NodeId;
use crate::sim::rng::{exponential, stream, SimRng};
use crate::sim::{EventQueue, SimTime, NS_PER_S};
use rand::Rng;

/// Unix time of the simulated genesis block: header times are this plus simulated time.
pub const GENESIS_TIME: u32 = 1_700_000_000;

pub struct Miner {
    pub node: NodeId,
    pub share: f64,
    epoch: u32,
    payout: Vec<u8>,
    rng: SimRng,
    pub attacker: Option<AttackerId>,
    /// `pow: grind`: the solved block this miner will announce when its time comes.
    pending: Option<(Block, u32)>,
    /// Its own factor from `mining.schedule` (1 at the start, 0 once it has left).
    own: f64,
}

pub struct Miners {
    pub list: Vec<Miner>,
    network_hashrate: f64,
    pow: PowMode,
    padding: usize,
    /// The honest network's factor from `mining.schedule` (1 at the start).
    honest_factor: f64,
}

/// The miner that found a (non-genesis) block: miners put their id, then an extra
/// nonce, in the push that follows the BIP 34 height in their coinbase.
pub fn miner_of(block: &Block) -> Option<MinerId> {
    let script = &block.txdata.first()?.inputs.first()?.script_sig;
    let (_height, rest) = crate::ledger::script::read_leading_int(script)?;
    let pushes = crate::ledger::script::parse_pushes(rest)?;
    miner_from_tag(pushes.first()?)
}

fn miner_from_tag(tag: &[u8]) -> Option<MinerId> {
    Some(MinerId(u32::from_le_bytes(tag.get(..4)?.try_into().ok()?)))
}

impl Miners {
    /// Miners with these `shares` of the hashrate on these `nodes` (honest first, then
    /// `attackers`), paying to `payouts`; `start_work` is the work of a block at the
    /// starting difficulty, found every `block_interval` by the whole network.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        shares: &[f64],
        nodes: &[NodeId],
        payouts: Vec<Vec<u8>>,
        honest: usize,
        seed: u64,
        (start_work, block_interval): (f64, SimTime),
        pow: PowMode,
        padding: usize,
    ) -> Self {
        let list = shares
            .iter()
            .zip(nodes)
            .zip(payouts)
            .enumerate()
            .map(|(i, ((&share, &node), payout))| Miner {
                node,
                share,
                epoch: 0,
                payout,
                rng: stream(seed, "mining", i as u64),
                attacker: i.checked_sub(honest).map(|a| AttackerId(a as u32)),
                pending: None,
                own: 1.0,
            })
            .collect();
        Miners {
            list,
            network_hashrate: start_work / block_interval.secs(),
            pow,
            padding,
            honest_factor: 1.0,
        }
    }

    /// Miner `m`'s share of the starting network hashrate now: its share times the
    /// schedule's factors (attackers' shares do not follow the schedule).
    pub fn rate(&self, m: MinerId) -> f64 {
        let miner = &self.list[m.index()];
        match miner.attacker {
            Some(_) => miner.share,
            None => miner.share * self.honest_factor * miner.own,
        }
    }

    /// A step of `mining.schedule`: one honest miner's factor, or the whole honest
    /// network's, is `factor` from now on.
    pub fn set_factor(&mut self, miner: Option<MinerId>, factor: f64) {
        match miner {
            Some(m) => self.list[m.index()].own = factor,
            None => self.honest_factor = factor,
        }
    }

    pub fn get(&self, m: MinerId) -> &Miner {
        &self.list[m.index()]
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn pow(&self) -> PowMode {
        self.pow
    }

    pub fn epoch(&self, m: MinerId) -> u32 {
        self.list[m.index()].epoch
    }

    /// Voids the miner's pending discovery (its node crashed, or nothing is scheduled).
    pub fn void(&mut self, m: MinerId) {
        self.list[m.index()].epoch += 1;
    }

    pub fn rng(&mut self, m: MinerId) -> &mut SimRng {
        &mut self.list[m.index()].rng
    }

    /// Draws the miner's time to its next block on `tip`. Block discovery is
    /// memoryless, so redrawing whenever the tip changes is exact, not an approximation.
    pub fn schedule_sampled(
        &mut self,
        core: &Core,
        q: &mut EventQueue<Event>,
        m: MinerId,
        tip: BlockId,
    ) {
        let bits = core.tree.child_context(tip, u32::MAX).expected_bits;
        let work = bits.work().expect("valid bits").to_f64();
        let mean_s = work / (self.network_hashrate * self.rate(m));
        let miner = &mut self.list[m.index()];
        miner.epoch += 1;
        let delay = SimTime::from_secs_f64(exponential(&mut miner.rng, mean_s));
        let epoch = miner.epoch;
        q.schedule_in(delay.max(SimTime(1)), Event::Mine { miner: m, epoch });
    }

    /// `pow: grind`: grind `block` from a random nonce, and let the tries at this
    /// miner's hashrate decide when it is found.
    pub fn schedule_ground(
        &mut self,
        q: &mut EventQueue<Event>,
        m: MinerId,
        (mut block, time): (Block, u32),
    ) {
        let hashrate = self.network_hashrate * self.rate(m);
        let miner = &mut self.list[m.index()];
        let start: u32 = miner.rng.random();
        let tries = builder::solve_from(&mut block, start);
        miner.epoch += 1;
        let delay_s = tries as f64 / hashrate;
        let delay = SimTime((delay_s * NS_PER_S as f64) as u64);
        miner.pending = Some((block, time));
        let epoch = miner.epoch;
        q.schedule_in(delay.max(SimTime(1)), Event::Mine { miner: m, epoch });
    }

    /// The block ground ahead (`pow: grind`), if any.
    pub fn take_pending(&mut self, m: MinerId) -> Option<(Block, u32)> {
        self.list[m.index()].pending.take()
    }

    /// A block for miner `m` on `parent` at `now` holding `txs` (worth `fees`):
    /// coinbase (tagged with the miner, padded to the scenario's size), header, and
    /// the header time it carries.
    pub fn assemble(
        &mut self,
        core: &Core,
        m: MinerId,
        now: SimTime,
        parent: BlockId,
        (txs, fees): (Vec<Transaction>, Amount),
    ) -> (Block, u32) {
        let time = GENESIS_TIME + now.whole_secs() as u32;
        let ctx = core.tree.child_context(parent, time);
        // A coinbase may claim less than it is owed, never more than 21 million coins
        // (a subsidy near that limit plus fees would make the block invalid).
        let owed = core.tree.params().block_subsidy(ctx.height) + fees;
        let value = owed.min(crate::ledger::tx::MAX_MONEY);
        let miner = &mut self.list[m.index()];
        let extra_nonce: u64 = miner.rng.random();
        let tag = [&m.0.to_le_bytes()[..], &extra_nonce.to_le_bytes()].concat();
        debug_assert_eq!(miner_from_tag(&tag), Some(m));
        let mut coinbase = builder::coinbase(ctx.height, miner.payout.clone(), value, &tag);
        if self.padding > 0 {
            // Header, transaction count and the coinbase as built so far.
            let count = crate::ledger::encode::compact_size_len(txs.len() as u64 + 1);
            let used =
                80 + count + coinbase.size() + txs.iter().map(Transaction::size).sum::<usize>();
            builder::pad_coinbase(&mut coinbase, self.padding.saturating_sub(used));
        }
        let block = builder::assemble(core.tree.entry(parent).hash, &ctx, time, coinbase, txs);
        (block, time)
    }
}
