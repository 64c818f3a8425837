//! The unspent transaction output set, with undo data so that a block can be taken
//! back exactly when the chain reorganises.

use super::block::Block;
use super::script::{classify, Lock};
use super::tx::{Amount, OutPoint, TxOut, Txid};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// An unspent output and what validation needs to know about where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coin {
    pub output: TxOut,
    pub height: u32,
    pub is_coinbase: bool,
}

/// Outpoints are already uniformly distributed hashes: hashing them again with SipHash
/// is wasted work on the simulator's hottest map. Iteration order of this map never
/// reaches results (see `balances`, which sorts).
#[derive(Default)]
pub struct OutPointHasher(u64);

impl Hasher for OutPointHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(n)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<OutPointHasher>>;

/// The coins a block spent, in the order it spent them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockUndo {
    pub spent: Vec<(OutPoint, Coin)>,
}

#[derive(Clone, Default, Debug, PartialEq, Eq)]
pub struct UtxoSet {
    coins: FastMap<OutPoint, Coin>,
    /// Satoshis, wide: a chain that never halves can hold more than 2^64 of them in
    /// all, though no single coin or transaction can (MoneyRange).
    total_value: u128,
}

impl UtxoSet {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, outpoint: &OutPoint) -> Option<&Coin> {
        self.coins.get(outpoint)
    }

    pub fn contains(&self, outpoint: &OutPoint) -> bool {
        self.coins.contains_key(outpoint)
    }

    pub fn len(&self) -> usize {
        self.coins.len()
    }

    pub fn is_empty(&self) -> bool {
        self.coins.is_empty()
    }

    /// Sum of every unspent output: the money supply this chain state holds.
    pub fn total_value(&self) -> u128 {
        self.total_value
    }

    fn add(&mut self, outpoint: OutPoint, coin: Coin) {
        self.total_value += u128::from(coin.output.value.0);
        self.coins.insert(outpoint, coin);
    }

    fn remove(&mut self, outpoint: &OutPoint) -> Option<Coin> {
        let coin = self.coins.remove(outpoint)?;
        self.total_value -= u128::from(coin.output.value.0);
        Some(coin)
    }

    /// Applies a block that validation has already accepted against this state.
    /// Provably unspendable outputs (`OP_RETURN`) never enter the set, as in Bitcoin.
    ///
    /// Panics if an input is missing: that would mean an unvalidated block reached here,
    /// a bug rather than bad input.
    pub fn apply_block(&mut self, block: &Block, txids: &[Txid], height: u32) -> BlockUndo {
        let mut undo = BlockUndo::default();
        for (tx, txid) in block.txdata.iter().zip(txids) {
            let is_coinbase = tx.is_coinbase();
            if !is_coinbase {
                for input in &tx.inputs {
                    let coin = self
                        .remove(&input.previous_output)
                        .expect("apply_block is only called on validated blocks");
                    undo.spent.push((input.previous_output, coin));
                }
            }
            for (vout, output) in tx.outputs.iter().enumerate() {
                if classify(&output.script_pubkey) == Lock::Unspendable {
                    continue;
                }
                let coin = Coin {
                    output: output.clone(),
                    height,
                    is_coinbase,
                };
                self.add(OutPoint::new(*txid, vout as u32), coin);
            }
        }
        undo
    }

    /// Takes back a block applied with [`UtxoSet::apply_block`], restoring the exact
    /// previous state. Transactions are undone last to first, each removing its outputs
    /// before its inputs return: an output created and spent inside the block must end
    /// up absent, not resurrected.
    pub fn undo_block(&mut self, block: &Block, txids: &[Txid], undo: BlockUndo) {
        let mut spent = undo.spent;
        for (tx, txid) in block.txdata.iter().zip(txids).rev() {
            for vout in 0..tx.outputs.len() {
                self.remove(&OutPoint::new(*txid, vout as u32));
            }
            if !tx.is_coinbase() {
                for (outpoint, coin) in spent.drain(spent.len() - tx.inputs.len()..).rev() {
                    self.add(outpoint, coin);
                }
            }
        }
        debug_assert!(spent.is_empty(), "undo data matches the block's inputs");
    }

    /// Unspent value per locking script, sorted by script so the result is stable.
    pub fn balances(&self) -> Vec<(Vec<u8>, Amount)> {
        let mut by_script: HashMap<&[u8], Amount> = HashMap::new();
        for coin in self.coins.values() {
            *by_script.entry(&coin.output.script_pubkey).or_default() += coin.output.value;
        }
        let mut sorted: Vec<_> = by_script
            .into_iter()
            .map(|(s, v)| (s.to_vec(), v))
            .collect();
        sorted.sort();
        sorted
    }

    pub fn balance_of(&self, script_pubkey: &[u8]) -> Amount {
        self.coins
            .values()
            .filter(|c| *c.output.script_pubkey == *script_pubkey)
            .map(|c| c.output.value)
            .sum()
    }
}

impl UtxoSet {
    /// Clears the coinbase flag of these coins so that maturity does not apply: used
    /// only for the genesis premine.
    pub fn mark_spendable_now(&mut self, outpoints: &[OutPoint]) {
        for outpoint in outpoints {
            if let Some(coin) = self.coins.get_mut(outpoint) {
                coin.is_coinbase = false;
            }
        }
    }
}
