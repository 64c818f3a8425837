//! A tie between an honest block and a withholding attacker's block at the same
//! height, while a fixed γ decides which one honest miners extend.

use super::super::chain_view::Seen;
use super::super::ids::MinerId;
use super::super::network::Network;
use crate::ledger::BlockId;
use rand::Rng;

pub struct Race {
    pub honest: BlockId,
    pub attacker: BlockId,
    pub height: u32,
    pub gamma: f64,
}

impl Network {
    /// During a tie under a fixed γ, an honest miner extends the attacker's block with
    /// probability γ, whichever of the two its node saw first.
    pub(in super::super) fn parent_in_race(&mut self, m: MinerId, tip: BlockId) -> BlockId {
        let Some(race) = &self.race else {
            return tip;
        };
        let node = self.miners.get(m).node;
        let views = &self.core.views;
        let both_known = views.seen(race.attacker, node) == Seen::Connected
            && views.seen(race.honest, node) == Seen::Connected;
        if !both_known || (tip != race.honest && tip != race.attacker) {
            return tip;
        }
        let (honest, attacker, gamma) = (race.honest, race.attacker, race.gamma);
        if self.miners.rng(m).random::<f64>() < gamma {
            attacker
        } else {
            honest
        }
    }

    /// A public block above the tie ends it.
    pub(in super::super) fn end_race_below(&mut self, height: u32) {
        if self.race.as_ref().is_some_and(|r| height > r.height) {
            self.race = None;
        }
    }
}
