//! The block tree's answers on a tree with a fork and a reorg, each checked against
//! what the tree's shape says independently (mutation testing showed that the
//! network tests exercised these queries without pinning them).

mod common;

use chainlab::ledger::mempool::{Mempool, MempoolError};
use chainlab::ledger::*;
use common::*;

/// genesis — a1 — a2 — a3, and b2 — b3 — b4 forking from a1: b4 wins by length.
struct Forked {
    f: Fixture,
    ids: [BlockId; 7],
}

/// A block on `parent` paying another script than `extend`'s, so that it differs from
/// the sibling `extend` would make.
fn other(f: &mut Fixture, parent: BlockId) -> BlockId {
    let block = make_block(&f.tree, parent, vec![], 0, vec![0x51]);
    f.tree
        .add_block(block.clone(), now_for(&block))
        .unwrap()
        .id()
}

fn forked() -> Forked {
    let mut f = fixture(2, 10 * COIN);
    let a1 = extend(&mut f, chainlab::ledger::BlockId::GENESIS, vec![], 0);
    let a2 = extend(&mut f, a1, vec![], 0);
    let a3 = extend(&mut f, a2, vec![], 0);
    let b2 = other(&mut f, a1);
    let b3 = other(&mut f, b2);
    let b4 = other(&mut f, b3);
    Forked {
        f,
        ids: [chainlab::ledger::BlockId::GENESIS, a1, a2, a3, b2, b3, b4],
    }
}

#[test]
fn counts_lookups_and_the_main_chain() {
    let Forked { f, ids } = forked();
    let [g, a1, a2, a3, b2, b3, b4] = ids;
    let tree = &f.tree;
    assert_eq!((tree.len(), tree.is_empty()), (7, false));
    assert_eq!(tree.entries().len(), 7);
    assert_eq!(tree.genesis(), g);
    for &id in &ids {
        assert_eq!(tree.id_of(&tree.entry(id).hash), Some(id));
    }
    assert_eq!(tree.id_of(&BlockHash(sha256d(b"no such block"))), None);
    assert_eq!((tree.best(), tree.best_height()), (b4, 4));
    assert_eq!(tree.main_chain(), &[g, a1, b2, b3, b4]);
    assert_eq!(tree.at_height(2), Some(b2));
    assert_eq!(tree.at_height(5), None);
    assert!(!tree.is_on_main_chain(a2) && tree.is_on_main_chain(b3));
    let stale: Vec<BlockId> = tree.stale_blocks().collect();
    assert_eq!(stale, vec![a2, a3]);
    assert_eq!(tree.stale_branch_depths(), vec![(a3, 2)]);
}

#[test]
fn ancestry_and_fork_points_follow_the_parent_links() {
    let Forked { f, ids } = forked();
    let [g, a1, a2, a3, b2, b3, b4] = ids;
    let tree = &f.tree;
    assert!(tree.is_ancestor(a1, b4) && tree.is_ancestor(g, a3) && tree.is_ancestor(b4, b4));
    assert!(!tree.is_ancestor(a2, b4) && !tree.is_ancestor(b4, a1) && !tree.is_ancestor(b2, a3));
    assert_eq!(tree.ancestor_at(b4, 1), Some(a1));
    assert_eq!(tree.ancestor_at(a3, 2), Some(a2), "off the main chain");
    assert_eq!(tree.ancestor_at(a3, 3), Some(a3), "its own height");
    assert_eq!(tree.ancestor_at(a1, 2), None, "above it");
    assert_eq!(tree.fork_point(a3, b4), a1);
    assert_eq!(tree.fork_point(b4, a3), a1);
    assert_eq!(tree.fork_point(a2, b3), a1);
    assert_eq!(tree.fork_point(a3, a2), a2);
    assert_eq!(tree.fork_point(b4, b4), b4);
    assert_eq!(tree.fork_point(g, a3), g);
    assert_eq!(tree.fork_point(b3, b2), b2);
}

#[test]
fn median_time_past_is_the_median_of_the_last_eleven_times() {
    let mut f = fixture(1, COIN);
    let mut tip = chainlab::ledger::BlockId::GENESIS;
    for _ in 0..14 {
        tip = extend(&mut f, tip, vec![], 0);
    }
    // Walk back by parent links and take the median by hand.
    let mut id = Some(tip);
    let mut times = Vec::new();
    while let (Some(b), true) = (id, times.len() < 11) {
        times.push(f.tree.entry(b).block.header.time);
        id = f.tree.entry(b).parent;
    }
    times.sort_unstable();
    assert_eq!(f.tree.entry(tip).median_time_past, times[5]);
    // Genesis alone: its own time; three blocks: the middle one.
    assert_eq!(
        f.tree
            .entry(chainlab::ledger::BlockId::GENESIS)
            .median_time_past,
        T0
    );
    assert_eq!(
        f.tree.entry(chainlab::ledger::BlockId(2)).median_time_past,
        T0 + SPACING
    );
}

#[test]
fn a_reorg_reports_what_left_and_joined_the_main_chain() {
    let mut f = fixture(1, COIN);
    let a1 = extend(&mut f, chainlab::ledger::BlockId::GENESIS, vec![], 0);
    let a2 = extend(&mut f, a1, vec![], 0);
    let b1 = make_block(
        &f.tree,
        chainlab::ledger::BlockId::GENESIS,
        vec![],
        0,
        vec![0x51],
    );
    let b1 = match f.tree.add_block(b1.clone(), now_for(&b1)).unwrap() {
        Accepted::New { id, tip: None } => id,
        other => panic!("a lighter branch changes no tip: {other:?}"),
    };
    let b2 = make_block(&f.tree, b1, vec![], 0, f.miner.receive_script());
    let b2 = f.tree.add_block(b2.clone(), now_for(&b2)).unwrap().id();
    let b3 = make_block(&f.tree, b2, vec![], 0, f.miner.receive_script());
    let change = match f.tree.add_block(b3.clone(), now_for(&b3)).unwrap() {
        Accepted::New { tip: Some(c), .. } => c,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        (change.old_tip, change.fork_point),
        (a2, chainlab::ledger::BlockId::GENESIS)
    );
    assert_eq!((change.disconnected, change.connected), (2, 3));
    assert!(change.is_reorg());
    let b4 = make_block(&f.tree, change.new_tip, vec![], 0, f.miner.receive_script());
    match f.tree.add_block(b4.clone(), now_for(&b4)).unwrap() {
        Accepted::New { tip: Some(c), .. } => {
            assert!(!c.is_reorg());
            assert_eq!((c.disconnected, c.connected), (0, 1));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        f.tree.add_block(b4.clone(), now_for(&b4)),
        Ok(Accepted::AlreadyKnown { id: f.tree.best() })
    );
}

#[test]
fn payments_are_found_cached_and_admitted_once() {
    let mut f = fixture(2, 10 * COIN);
    let to = f.wallets[1].receive_script();
    let (tx, fee) = f.wallets[0].pay_with_fee(to.clone(), COIN, 2).unwrap();
    assert!(f.tree.sigcache().is_empty());
    let params = f.tree.params().clone();
    let mut pool = Mempool::new();
    assert!(pool.is_empty() && !pool.contains(&tx.txid()) && pool.fee(&tx.txid()).is_none());
    assert_eq!(
        f.tree
            .admit_to_mempool(&mut pool, &tx, chainlab::ledger::BlockId::GENESIS),
        Ok(fee)
    );
    assert!(!pool.is_empty() && pool.contains(&tx.txid()));
    assert_eq!((pool.len(), pool.fee(&tx.txid())), (1, Some(fee)));
    assert_eq!(
        f.tree.sigcache().len(),
        1,
        "verified once, into the tree's cache"
    );
    assert_eq!(f.tree.shared_sigcache().len(), 1, "the same cache");
    assert!(!f.tree.sigcache().is_empty());
    // The pool's outputs are spendable next block, at height tip + 1.
    let mut child_wallet = f.wallets[1].clone();
    child_wallet.add_coin(OutPoint::new(tx.txid(), 0), COIN, 0);
    let (child, child_fee) = child_wallet.pay_with_fee(to, COIN / 2, 2).unwrap();
    let utxo = f.tree.utxo_at_best().clone();
    let sigs = chainlab::ledger::keys::SigCache::new();
    assert_eq!(pool.accept(&child, &utxo, 0, &params, &sigs), Ok(child_fee));
    assert!(matches!(
        f.tree
            .admit_to_mempool(&mut pool, &tx, chainlab::ledger::BlockId::GENESIS),
        Err(MempoolError::AlreadyKnown { .. })
    ));
    let block = extend(
        &mut f,
        chainlab::ledger::BlockId::GENESIS,
        vec![tx.clone(), child.clone()],
        fee + child_fee,
    );
    assert_eq!(f.tree.locate_tx(&child.txid()).map(|(b, _)| b), Some(block));
    assert!(f.tree.locate_tx(&Txid(sha256d(b"unknown"))).is_none());
}
