"""An independent check of every block chainlab writes.

Reads a results directory's chain.dat with python-bitcoinlib (its deserialiser,
hashes, Merkle roots, script interpreter) and checks each signature a second time with
libsecp256k1 (coincurve), then applies Bitcoin's consensus rules as written here, in
Python, from the scenario's parameters: proof of work and the retarget rule (in exact
integer arithmetic), median time past, BIP 34 heights, maturity, spends and value.
Nothing here shares code with chainlab; agreement means the two implementations read
the same bytes the same way. Run with pytest (test_crosscheck.py) or as a script:

    python tests/python/crosscheck.py results/quickstart
"""

import re
import struct
import sys
from pathlib import Path

import coincurve
import yaml
from bitcoin.core import CBlock, CheckTransaction, b2lx
from bitcoin.core.script import SIGHASH_ALL, CScript, SignatureHash
from bitcoin.core.scripteval import VerifyScript

COIN = 100_000_000
MEDIAN_SPAN = 11
UNITS_S = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
UNITS_B = {"B": 1, "": 1, "kB": 1e3, "KB": 1e3, "MB": 1e6, "GB": 1e9}


class Disagreement(Exception):
    """chainlab wrote something an independent Bitcoin implementation rejects."""


def _number(text, units):
    m = re.fullmatch(r"\s*([0-9_.]+)\s*([A-Za-z/]*)\s*", str(text))
    if not m or m.group(2) not in units:
        raise ValueError(f"cannot read {text!r}")
    return float(m.group(1).replace("_", "")) * units[m.group(2)]


def params(results):
    c = yaml.safe_load((Path(results) / "scenario.resolved.yaml").read_text())["consensus"]
    interval = int(c["retarget_interval"])
    return {
        "max_block_bytes": int(round(_number(c["max_block_bytes"], UNITS_B))),
        "maturity": int(c["coinbase_maturity"]),
        "reward": int(round(float(c["reward"]) * COIN)),
        "halving": int(c["halving_interval"]),
        "interval": interval,
        "timespan": int(round(_number(c["block_interval"], UNITS_S) * interval)),
        "clamp": max(int(c["retarget_clamp"]), 1),
        "hashes": int(c["hashes_per_block"]),
    }


def target_for_hashes(h):
    """The target at which one hash in h succeeds: floor(2^256 / h) - 1, or the
    quotient itself when h divides 2^256 (so that 2^256 / (target + 1) is h)."""
    top = 2**256
    return top // h - 1


def set_compact(bits):
    size, word = bits >> 24, bits & 0x7FFFFF
    value = word >> 8 * (3 - size) if size <= 3 else word << 8 * (size - 3)
    if word and bits & 0x800000:
        raise Disagreement(f"bits {bits:#010x} are negative")
    if value == 0 or value >= 2**256:
        raise Disagreement(f"bits {bits:#010x} encode no target")
    return value


def get_compact(target):
    size = (target.bit_length() + 7) // 8
    compact = target << 8 * (3 - size) if size <= 3 else target >> 8 * (size - 3)
    if compact & 0x800000:
        compact >>= 8
        size += 1
    return compact | size << 24


def next_bits(p, last_bits, first_time, last_time):
    actual = min(max(last_time - first_time, p["timespan"] // p["clamp"]), p["timespan"] * p["clamp"])
    limit = target_for_hashes(max(p["hashes"] // 64, 1))
    new = set_compact(last_bits) * actual // p["timespan"]
    return get_compact(min(new, limit))


def read_blocks(path):
    data, pos, blocks = Path(path).read_bytes(), 0, []
    while pos < len(data):
        (n,) = struct.unpack_from("<I", data, pos)
        raw = data[pos + 4 : pos + 4 + n]
        if len(raw) != n:
            raise Disagreement(f"{path}: block {len(blocks)} is cut short")
        block = CBlock.deserialize(raw)
        if block.serialize() != raw:
            raise Disagreement(f"block {len(blocks)} does not re-serialise to its bytes")
        blocks.append(block)
        pos += 4 + n
    return blocks


ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def low_s(der):
    """The signature with S in the lower half, as Core normalises before verifying
    (libsecp256k1 verifies only that form; consensus accepts either)."""
    if der[0] != 0x30 or der[2] != 0x02:
        raise Disagreement("signature is not DER")
    r_len = der[3]
    r = der[4 : 4 + r_len]
    s_len = der[5 + r_len]
    s = int.from_bytes(der[6 + r_len : 6 + r_len + s_len], "big")
    s = min(s, ORDER - s)
    s_bytes = s.to_bytes((s.bit_length() + 8) // 8, "big")
    body = b"\x02" + bytes([len(r)]) + r + b"\x02" + bytes([len(s_bytes)]) + s_bytes
    return b"\x30" + bytes([len(body)]) + body


def check_signature(tx, index, spent_script):
    """libsecp256k1's verdict on the input's signature, on python-bitcoinlib's digest."""
    sig, pubkey = list(CScript(tx.vin[index].scriptSig))[:2]
    if sig[-1] != SIGHASH_ALL:
        raise Disagreement(f"{b2lx(tx.GetTxid())}:{index}: hash type {sig[-1]}")
    digest = SignatureHash(CScript(spent_script), tx, index, SIGHASH_ALL)
    if not coincurve.PublicKey(bytes(pubkey)).verify(low_s(bytes(sig[:-1])), digest, hasher=None):
        raise Disagreement(f"{b2lx(tx.GetTxid())}:{index}: libsecp256k1 rejects the signature")


class Chain:
    """Blocks by hash, each with the coins after it (small runs: copies are cheap)."""

    def __init__(self, p):
        self.p = p
        self.index = {}

    def add_genesis(self, block):
        CheckTransaction(block.vtx[0])
        expected = get_compact(target_for_hashes(self.p["hashes"]))
        if block.nBits != expected:
            raise Disagreement(f"genesis bits {block.nBits:#x}, expected {expected:#x}")
        self._pow_and_merkle(block)
        if block.vtx[0].vin[0].scriptSig[:1] != CScript([0]):
            raise Disagreement("genesis coinbase does not start with height 0")
        # chainlab's premine: genesis outputs are ordinary coins (docs/ledger.md).
        coins = {(block.vtx[0].GetTxid(), i): (o, 0, False) for i, o in enumerate(block.vtx[0].vout)}
        self.index[block.GetHash()] = {"height": 0, "times": [block.nTime], "coins": coins, "block": block}

    def _pow_and_merkle(self, block):
        if int.from_bytes(block.GetHash(), "little") > set_compact(block.nBits):
            raise Disagreement(f"block {b2lx(block.GetHash())}: hash above its target")
        if block.calc_merkle_root() != block.hashMerkleRoot:
            raise Disagreement(f"block {b2lx(block.GetHash())}: wrong Merkle root")

    def expected_bits(self, parent, height):
        p, entry = self.p, self.index[parent]
        if p["interval"] == 0 or height % p["interval"] != 0:
            return entry["block"].nBits
        first = self.ancestor(parent, height - p["interval"])
        return next_bits(p, entry["block"].nBits, first["block"].nTime, entry["block"].nTime)

    def ancestor(self, hash_, height):
        entry = self.index[hash_]
        while entry["height"] > height:
            entry = self.index[entry["block"].hashPrevBlock]
        return entry

    def add(self, block):
        name = b2lx(block.GetHash())
        parent = self.index.get(block.hashPrevBlock)
        if parent is None:
            raise Disagreement(f"block {name}: unknown parent")
        height = parent["height"] + 1
        if len(block.serialize()) > self.p["max_block_bytes"]:
            raise Disagreement(f"block {name}: larger than the limit")
        self._pow_and_merkle(block)
        if block.nBits != self.expected_bits(block.hashPrevBlock, height):
            raise Disagreement(f"block {name} at {height}: bits differ from the retarget rule")
        times = sorted(parent["times"][-MEDIAN_SPAN:])
        if block.nTime <= times[len(times) // 2]:
            raise Disagreement(f"block {name}: time not past the median time past")
        coinbase = block.vtx[0]
        if not coinbase.is_coinbase() or any(tx.is_coinbase() for tx in block.vtx[1:]):
            raise Disagreement(f"block {name}: coinbase misplaced")
        height_push = bytes(CScript([height]))
        if bytes(coinbase.vin[0].scriptSig)[: len(height_push)] != height_push:
            raise Disagreement(f"block {name}: coinbase lacks BIP 34 height {height}")
        coins = dict(parent["coins"])
        fees = 0
        for tx in block.vtx:
            CheckTransaction(tx)
            if not tx.is_coinbase():
                fees += self._spend(tx, coins, height)
            for i, out in enumerate(tx.vout):
                if not bytes(out.scriptPubKey).startswith(b"\x6a"):
                    coins[(tx.GetTxid(), i)] = (out, height, tx.is_coinbase())
        subsidy = self.p["reward"] >> (height // self.p["halving"]) if self.p["halving"] else self.p["reward"]
        if sum(o.nValue for o in coinbase.vout) > subsidy + fees:
            raise Disagreement(f"block {name}: coinbase claims more than subsidy plus fees")
        self.index[block.GetHash()] = {
            "height": height,
            "times": parent["times"][-MEDIAN_SPAN:] + [block.nTime],
            "coins": coins,
            "block": block,
        }
        return len(block.vtx) - 1, sum(len(tx.vin) for tx in block.vtx[1:])

    def _spend(self, tx, coins, height):
        value_in = 0
        for i, txin in enumerate(tx.vin):
            key = (txin.prevout.hash, txin.prevout.n)
            if key not in coins:
                raise Disagreement(f"{b2lx(tx.GetTxid())}:{i} spends a missing or spent coin")
            out, coin_height, is_coinbase = coins.pop(key)
            if is_coinbase and height - coin_height < self.p["maturity"]:
                raise Disagreement(f"{b2lx(tx.GetTxid())}:{i} spends an immature coinbase")
            VerifyScript(txin.scriptSig, out.scriptPubKey, tx, i)
            check_signature(tx, i, out.scriptPubKey)
            value_in += out.nValue
        value_out = sum(o.nValue for o in tx.vout)
        if value_out > value_in:
            raise Disagreement(f"{b2lx(tx.GetTxid())} creates value")
        return value_in - value_out


def check(results):
    """Checks every block of a results directory; returns (blocks, payments, inputs)."""
    chain = Chain(params(results))
    blocks = read_blocks(Path(results) / "chain.dat")
    chain.add_genesis(blocks[0])
    payments = inputs = 0
    for block in blocks[1:]:
        txs, ins = chain.add(block)
        payments, inputs = payments + txs, inputs + ins
    return len(blocks), payments, inputs


if __name__ == "__main__":
    for directory in sys.argv[1:]:
        print(directory, "blocks %d, payments %d, inputs %d: all agree" % check(directory))
