//! Light nodes: headers only. They take headers from their peers, follow the chain
//! with the most work, relay nothing, and check payments to their wallets the way SPV
//! clients do: ask the peer that sent the header for the transaction's Merkle branch
//! (a merkleblock) and verify it against the header's Merkle root.

use super::core::Core;
use super::event::{Event, Msg, UNTRACKED};
use super::recorder::LightProof;
use crate::ledger::merkle::MerkleProof;
use crate::ledger::BlockId;
use crate::net::{wire, NodeId, Traffic};
use crate::sim::{EventQueue, SimTime};

/// A light node connected `block` (a header) from `from`: it asks for the branch of
/// each payment in it to one of its wallets.
pub fn connected(
    core: &mut Core,
    q: &mut EventQueue<Event>,
    now: SimTime,
    node: NodeId,
    from: NodeId,
    block: BlockId,
) {
    if from == node {
        return;
    }
    let txids = &core.tree.entry(block).txids;
    let mine: Vec<u32> = txids
        .iter()
        .enumerate()
        .filter(|(_, t)| core.pays.watcher(t) == Some(node))
        .map(|(i, _)| i as u32)
        .collect();
    let siblings = (txids.len() as f64).log2().ceil() as usize;
    let bytes = wire::MERKLEBLOCK_BYTES + 32 * (siblings + 1);
    for position in mine {
        let asked = (core.transport).send(now, node, from, wire::INV_BYTES, Traffic::Control);
        let at = (core.transport).send(asked, from, node, bytes, Traffic::Payload);
        let msg = Msg::MerkleBlock { block, position };
        q.schedule(
            at,
            Event::Wire {
                from,
                to: node,
                msg,
                slot: UNTRACKED,
            },
        );
    }
}

/// The branch arrived: verify it against the header, as the light node would.
pub fn verify(core: &mut Core, now: SimTime, node: NodeId, block: BlockId, position: u32) {
    let entry = core.tree.entry(block);
    let txid = entry.txids[position as usize];
    let valid = MerkleProof::build(&entry.txids, position as usize)
        .is_some_and(|proof| proof.verify(txid, entry.block.header.merkle_root));
    core.rec
        .trace(now, Some(node), "merkle-proof", Some(block), || {
            format!("{txid}: {}", if valid { "verified" } else { "INVALID" })
        });
    core.rec.light_proofs.push(LightProof {
        block,
        at: now,
        valid,
    });
}
