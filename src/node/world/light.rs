//! Light nodes: headers only. They take headers from their peers, follow the chain
//! with the most work, relay nothing, and check payments to their wallets the way
//! SPV clients do: ask the peer that sent the header for the transaction's Merkle
//! branch (a merkleblock) and verify it against the header's Merkle root.

use super::{Event, World};
use crate::ledger::merkle::MerkleProof;
use crate::ledger::BlockId;
use crate::sim::SimTime;

/// A header message, in bytes.
pub(super) const HEADER_BYTES: usize = 81;
/// A merkleblock's fixed part: header, transaction count, flag bytes.
const MERKLEBLOCK_BYTES: usize = 80 + 4 + 4;

/// One payment a light node checked, for summary.json.
pub struct LightProof {
    pub block: BlockId,
    /// When the branch was verified.
    pub at: SimTime,
    pub valid: bool,
}

impl World {
    pub(super) fn is_light(&self, node: u32) -> bool {
        self.light.get(node as usize).copied().unwrap_or(false)
    }

    /// A light node has connected `block` (a header) from `from`: ask for the branch of
    /// each payment in it to one of its wallets.
    pub(super) fn light_connected(&mut self, now: SimTime, node: u32, from: u32, block: BlockId) {
        if from == node {
            return;
        }
        let mine: Vec<u32> = self
            .tree
            .entry(block)
            .txids
            .iter()
            .enumerate()
            .filter(|(_, t)| self.watched.get(*t) == Some(&node))
            .map(|(i, _)| i as u32)
            .collect();
        for position in mine {
            let asked = self.arrival(now, node, from, super::relay::inventory_bytes(1));
            let siblings = (self.tree.entry(block).txids.len() as f64).log2().ceil() as usize;
            let bytes = MERKLEBLOCK_BYTES + 32 * (siblings + 1);
            let at = self.arrival(asked, from, node, bytes);
            let branch = Event::MerkleBlock {
                to: node,
                block,
                position,
            };
            self.queue.schedule(at, branch);
        }
    }

    /// The branch arrived: verify it against the header, as the light node would.
    pub(super) fn light_verifies(
        &mut self,
        now: SimTime,
        node: u32,
        block: BlockId,
        position: u32,
    ) {
        let entry = self.tree.entry(block);
        let txid = entry.txids[position as usize];
        let valid = MerkleProof::build(&entry.txids, position as usize)
            .is_some_and(|proof| proof.verify(txid, entry.block.header.merkle_root));
        self.trace(now, Some(node), "merkle-proof", Some(block), || {
            format!("{txid}: {}", if valid { "verified" } else { "INVALID" })
        });
        self.light_proofs.push(LightProof {
            block,
            at: now,
            valid,
        });
    }
}
