"""chainlab's blocks, read and judged by an independent Bitcoin implementation
(crosscheck.py), and proof that the judge notices a single wrong byte.

Needs the chainlab binary: CHAINLAB_BIN, else target/release/chainlab (built by
`cargo test --release`, which .ci/run runs first)."""

import os
import struct
import subprocess
from pathlib import Path

import pytest
from bitcoin.core import CBlock, CBlockHeader, CMutableTransaction, CTxIn
from bitcoin.core.script import CScript

import crosscheck

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("CHAINLAB_BIN", ROOT / "target" / "release" / "chainlab"))


def run(scenario, out):
    # The double-spend lesson is a sweep; its base scenario (1 confirmation) is run alone.
    alone = ["--set", "sweep={}"] if "double-spend" in scenario else []
    subprocess.run(
        [str(BINARY), "run", str(ROOT / scenario), "--out", str(out), *alone],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("runs")
    return {
        name: run(scenario, base / name)
        for name, scenario in [
            ("quickstart", "scenarios/quickstart.yaml"),
            ("fork-race", "scenarios/classroom/fork-race.yaml"),
            ("majority", "scenarios/classroom/majority.yaml"),
            ("double-spend", "scenarios/classroom/double-spend.yaml"),
        ]
    }


def test_the_quickstart_agrees_block_by_block(runs):
    blocks, payments, inputs = crosscheck.check(runs["quickstart"])
    assert blocks == 31 and payments > 5000 and inputs >= payments


def test_runs_with_forks_and_reorgs_agree(runs):
    # fork-race: races between honest miners; majority: an attacker's private branch of
    # empty blocks released in a reorg (it makes no payment of its own).
    for name in ("fork-race", "majority"):
        blocks, payments, _ = crosscheck.check(runs[name])
        summary = (runs[name] / "summary.json").read_text()
        assert '"blocks_stale": 0' not in summary, f"{name} has stale blocks"
        assert blocks > 40 and payments > 500


def test_double_spends_on_competing_branches_agree(runs):
    # The double-spend lesson: the attacker pays the merchant on the public chain and
    # spends the same coin again on its private branch; both branches are in chain.dat.
    blocks, _, _ = crosscheck.check(runs["double-spend"])
    spenders = {}
    for block in crosscheck.read_blocks(runs["double-spend"] / "chain.dat"):
        for tx in block.vtx[1:]:
            for txin in tx.vin:
                spenders.setdefault((txin.prevout.hash, txin.prevout.n), set()).add(tx.GetTxid())
    conflicts = sum(1 for s in spenders.values() if len(s) > 1)
    assert blocks > 1000 and conflicts > 100, (blocks, conflicts)


def write_chain(blocks, path):
    with open(path, "wb") as f:
        for block in blocks:
            raw = block.serialize()
            f.write(struct.pack("<I", len(raw)) + raw)


def rebuild(block, vtx):
    """`block` with transactions `vtx`, its Merkle root recomputed and a nonce ground
    again, so that only the mutation itself is wrong."""
    root = CBlock.build_merkle_tree_from_txs(vtx)[-1]
    target = crosscheck.set_compact(block.nBits)
    for nonce in range(2**32):
        header = CBlockHeader(block.nVersion, block.hashPrevBlock, root, block.nTime, block.nBits, nonce)
        if int.from_bytes(header.GetHash(), "little") <= target:
            return CBlock(block.nVersion, block.hashPrevBlock, root, block.nTime, block.nBits, nonce, vtx)
    raise AssertionError("no nonce")


def mutate_signature(blocks):
    for i, block in enumerate(blocks[1:], 1):
        if len(block.vtx) > 1:
            tx = CMutableTransaction.from_tx(block.vtx[1])
            sig, pubkey = list(CScript(tx.vin[0].scriptSig))[:2]
            sig = bytearray(sig)
            sig[10] ^= 0x01  # inside R: still DER, no longer the signer's signature
            tx.vin[0] = CTxIn(tx.vin[0].prevout, CScript([bytes(sig), pubkey]), tx.vin[0].nSequence)
            vtx = list(block.vtx)
            vtx[1] = tx
            blocks[i] = rebuild(block, vtx)
            return blocks
    raise AssertionError("no payment to mutate")


def mutate_bip34(blocks):
    # Block 1 written the way chainlab wrote it before Core's OP_1 rule: a push of 01.
    coinbase = CMutableTransaction.from_tx(blocks[1].vtx[0])
    script = bytes(coinbase.vin[0].scriptSig)
    coinbase.vin[0] = CTxIn(coinbase.vin[0].prevout, CScript(b"\x01\x01" + script[1:]),
                            coinbase.vin[0].nSequence)
    b = blocks[1]
    blocks[1] = rebuild(b, [coinbase] + list(b.vtx[1:]))
    return blocks[:2]


def mutate_coinbase_value(blocks):
    # One satoshi more than subsidy plus fees in the first block that has payments.
    for i, block in enumerate(blocks[1:], 1):
        if len(block.vtx) > 1:
            coinbase = CMutableTransaction.from_tx(block.vtx[0])
            coinbase.vout[0].nValue += 1
            blocks[i] = rebuild(block, [coinbase] + list(block.vtx[1:]))
            return blocks[: i + 1]
    raise AssertionError("no payment block")


@pytest.mark.parametrize(
    "mutate, caught_by",
    [
        (mutate_signature, "VerifyScriptError"),
        (mutate_bip34, "BIP 34"),
        (mutate_coinbase_value, "more than subsidy plus fees"),
    ],
)
def test_a_single_mutation_is_caught(runs, tmp_path, mutate, caught_by):
    source = runs["quickstart"]
    blocks = crosscheck.read_blocks(source / "chain.dat")
    (tmp_path / "scenario.resolved.yaml").write_text((source / "scenario.resolved.yaml").read_text())
    write_chain(mutate(blocks), tmp_path / "chain.dat")
    with pytest.raises(Exception) as caught:
        crosscheck.check(tmp_path)
    assert caught_by in f"{type(caught.value).__name__}: {caught.value}"
