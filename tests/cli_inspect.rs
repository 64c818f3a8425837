//! `chainlab inspect` on a run: a payment's light-client proof, a coin traced back to
//! its coinbases (by full txid and by prefix), blocks by height and hash, the fork tree.

mod common;

use common::cli::{chainlab, run_small};

#[test]
fn inspect_reloads_the_chain_and_traces_a_coin_back_to_coinbases() {
    let (_dir, out) = run_small("inspect");
    let txs = std::fs::read_to_string(out.join("txs.csv")).unwrap();
    let confirmed = txs
        .lines()
        .skip(1)
        .find(|l| l.split(',').nth(5).is_some_and(|h| !h.is_empty()))
        .unwrap();
    let txid = confirmed.split(',').next().unwrap();
    // The light client's proof checks out against the header's Merkle root.
    let tx = chainlab()
        .args(["inspect", out.to_str().unwrap(), "--tx", txid])
        .output()
        .unwrap();
    let tx = String::from_utf8_lossy(&tx.stdout);
    assert!(
        tx.contains("recomputed root matches the header's merkle root"),
        "{tx}"
    );
    // The fork tree as SVG.
    let svg = out.with_extension("tree.svg");
    let drawn = chainlab()
        .args(["inspect", out.to_str().unwrap(), "--svg"])
        .arg(&svg)
        .output()
        .unwrap();
    assert!(
        drawn.status.success(),
        "{}",
        String::from_utf8_lossy(&drawn.stderr)
    );
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
    let answer = chainlab()
        .args([
            "inspect",
            out.to_str().unwrap(),
            "--provenance",
            &format!("{txid}:0"),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&answer.stdout);
    assert!(
        answer.status.success(),
        "{}",
        String::from_utf8_lossy(&answer.stderr)
    );
    assert!(
        text.contains("origin:") && text.contains("coinbase"),
        "{text}"
    );
    // The txid's first 12 hex digits name the same coin, as they do for --tx.
    let by_prefix = chainlab()
        .args(["inspect", out.to_str().unwrap(), "--provenance"])
        .arg(format!("{}:0", &txid[..12]))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&by_prefix.stdout), text);
    let tree = chainlab()
        .args(["inspect", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&tree.stdout).lines().count(),
        14,
        "header, genesis and 12 blocks"
    );
}

#[test]
fn a_truncated_chain_file_is_bad_input_with_its_byte_offset() {
    // Changed since chainlab wrote it; and, with the record forged to match, reported
    // with the byte offset.
    let (_dir, out) = run_small("inspect-truncated");
    let chain = std::fs::read(out.join("chain.dat")).unwrap();
    std::fs::write(out.join("chain.dat"), &chain[..chain.len() - 10]).unwrap();
    let inspect = || {
        chainlab()
            .args(["inspect", out.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let bad = inspect();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("changed since chainlab wrote it"));
    common::reseal(&out, "chain.dat");
    let bad = inspect();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("at byte"));
}
