//! An honest miner's block template: highest fee rate first (ties by arrival), each
//! payment only if its inputs are unspent at the tip or made earlier in the template.

use super::core::Core;
use super::ids::MinerId;
use crate::ledger::{Amount, BlockId, OutPoint, Transaction, Txid};
use std::collections::HashSet;

/// Room left in a block for the header, the coinbase and its padding.
const RESERVED_BYTES: usize = 1_000;

/// The template of miner `m` on `tip`, and its fees. Payments already in the chain of
/// `tip`, and payments that lost to a conflicting spend there, leave the miner's pool.
pub fn build(core: &mut Core, m: MinerId, tip: BlockId) -> (Vec<Transaction>, Amount) {
    let budget = core
        .tree
        .params()
        .max_block_bytes
        .saturating_sub(RESERVED_BYTES);
    let mut pool = std::mem::take(&mut core.pools[m.index()]);
    let (tree, pays) = (&mut core.tree, &core.pays);
    pool.retain(|&t| match tree.locate_tx(&pays.record(t).txid) {
        Some((block, _)) => !tree.is_ancestor(block, tip),
        None => true,
    });
    pool.sort_by_key(|&t| {
        let r = pays.record(t);
        (std::cmp::Reverse(r.fee * 1000 / r.size as u64), t)
    });
    let utxo = tree.utxo_at(tip);
    // A payment whose coins are gone at the tip, and not made by another waiting
    // payment, lost to a conflicting spend (a double spend that won): it can never be
    // mined on this chain, so it leaves the pool.
    let waiting: HashSet<Txid> = pool.iter().map(|&t| pays.record(t).txid).collect();
    pool.retain(|&t| {
        pays.body(t)
            .inputs
            .iter()
            .all(|i| utxo.contains(&i.previous_output) || waiting.contains(&i.previous_output.txid))
    });
    let mut created: HashSet<OutPoint> = HashSet::new();
    let mut spent: HashSet<OutPoint> = HashSet::new();
    let mut chosen = Vec::new();
    let mut included = vec![false; pool.len()];
    let (mut size, mut fees) = (0usize, Amount::ZERO);
    // A child can sort before its parent; a few passes pick it up once the parent is in.
    for _ in 0..3 {
        let mut progressed = false;
        for (i, &t) in pool.iter().enumerate() {
            let (r, body) = (pays.record(t), pays.body(t));
            if included[i] || size + r.size > budget {
                continue;
            }
            let ok = body.inputs.iter().all(|inp| {
                let o = inp.previous_output;
                !spent.contains(&o) && (utxo.contains(&o) || created.contains(&o))
            });
            if ok {
                spent.extend(body.inputs.iter().map(|i| i.previous_output));
                created.extend((0..body.outputs.len() as u32).map(|v| OutPoint::new(r.txid, v)));
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
    core.pools[m.index()] = pool;
    (chosen, fees)
}
