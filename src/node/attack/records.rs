//! What an attack reports: each attempt (double spend, majority) or episode (selfish
//! mining) and how it ended.

use super::super::ids::MinerId;
use super::super::plan::AttackPlan;
use crate::net::NodeId;
use crate::sim::SimTime;

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
    pub(super) fn starting(now: SimTime) -> Self {
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

/// Ties a withholding attacker entered (its published block against an honest one at
/// the same height) and how those settled by an honest block went: γ as measured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ties {
    /// Ties whose next block was honest.
    pub settled_by_honest: u32,
    /// Of those, the ties where that honest block built on the attacker's block.
    pub honest_on_attacker: u32,
}

pub struct AttackOutput {
    pub plan: AttackPlan,
    pub miner: MinerId,
    pub node: NodeId,
    /// The merchant (double spend) or observer (majority) whose chain decides success.
    pub observer: Option<NodeId>,
    pub records: Vec<AttemptRecord>,
    pub ties: Ties,
}
