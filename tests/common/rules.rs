//! What the consensus-rule tests share (tests/validation_rules.rs and
//! tests/validation_block_rules.rs): payments between the fixture's wallets, a
//! transaction's fee, a block on the tip, and submitting it.

use super::*;
use chainlab::ledger::validate::ValidationError as E;
use chainlab::ledger::*;

pub fn pay(f: &mut Fixture, from: usize, to: usize, amount: Amount) -> Transaction {
    let script = f.wallets[to].receive_script();
    f.wallets[from].pay(script, amount, 1).unwrap()
}

pub fn fee_of(f: &mut Fixture, tx: &Transaction) -> Amount {
    let utxo = f.tree.utxo_at_best();
    let inputs: Amount = tx
        .inputs
        .iter()
        .map(|i| utxo.get(&i.previous_output).unwrap().output.value)
        .sum();
    inputs - tx.total_output().unwrap()
}

/// Recomputes the Merkle root and solves the header after a test edited the block.
pub fn reseal_block(block: &mut Block) {
    block.header.merkle_root = block.compute_merkle_root().0;
    resolve(block);
}

pub fn submit(f: &mut Fixture, block: Block) -> Result<Accepted, E> {
    let now = block.header.time;
    f.tree.add_block(block, now)
}

pub fn tip_block(f: &Fixture, txs: Vec<Transaction>, fees: impl Into<Amount>) -> Block {
    make_block(&f.tree, f.tree.best(), txs, fees, f.miner.receive_script())
}
