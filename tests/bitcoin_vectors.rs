//! Agreement with real Bitcoin mainnet data.
//!
//! Sources: the genesis block as hard-coded in Bitcoin Core's `src/kernel/chainparams.cpp`
//! (CreateGenesisBlock); block 100000 as served by any block explorer (hash
//! 000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506); the retarget cases
//! from Bitcoin Core's `src/test/pow_tests.cpp` (get_next_work*), whose timestamps are
//! those of mainnet blocks 30240/32255, 0/2015 and 66528/68543.

use chainlab::ledger::encode::{Decodable, Encodable};
use chainlab::ledger::pow::{CompactTarget, RetargetRule};
use chainlab::ledger::script;
use chainlab::ledger::*;

fn h(s: &str) -> Hash256 {
    s.parse().unwrap()
}

fn genesis() -> Block {
    let script_sig = hex::decode(
        "04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73",
    )
    .unwrap();
    let pubkey = hex::decode(
        "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f",
    )
    .unwrap();
    let coinbase = Transaction {
        version: 1,
        inputs: vec![TxIn {
            previous_output: OutPoint::NULL,
            script_sig,
            sequence: 0xffff_ffff,
        }],
        outputs: vec![TxOut {
            value: 50 * COIN,
            script_pubkey: script::p2pk(&pubkey).into(),
        }],
        lock_time: 0,
    };
    let mut block = Block {
        header: Header {
            version: 1,
            prev_blockhash: BlockHash::ZERO,
            merkle_root: Hash256::ZERO,
            time: 1_231_006_505,
            bits: CompactTarget(0x1d00_ffff),
            nonce: 2_083_236_893,
        },
        txdata: vec![coinbase],
    };
    block.header.merkle_root = block.compute_merkle_root().0;
    block
}

#[test]
fn genesis_block_rebuilt_from_its_fields_has_the_real_hashes() {
    let block = genesis();
    assert_eq!(
        block.header.merkle_root,
        h("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b")
    );
    assert_eq!(
        block.block_hash().0,
        h("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")
    );
    assert_eq!(block.size(), 285, "the genesis block is 285 bytes");
    let bytes = block.to_bytes();
    assert_eq!(Block::from_bytes(&bytes).unwrap(), block);
    chainlab::ledger::validate::check_proof_of_work(&block.header, block.block_hash()).unwrap();
}

#[test]
fn block_100000_merkle_root_and_hash() {
    let txids = [
        "8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87",
        "fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4",
        "6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4",
        "e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d",
    ]
    .map(h);
    let root = chainlab::ledger::merkle::merkle_root(&txids);
    assert_eq!(
        root,
        h("f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766")
    );

    let header = Header {
        version: 1,
        prev_blockhash: BlockHash(h(
            "000000000002d01c1fccc21636b607dfd930d31d01c3a62104612a1719011250",
        )),
        merkle_root: root,
        time: 1_293_623_863,
        bits: CompactTarget(0x1b04_864c),
        nonce: 274_148_111,
    };
    assert_eq!(
        header.block_hash().0,
        h("000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506")
    );
    let mut hasher = chainlab::ledger::grind::HeaderHasher::new(&header);
    assert_eq!(hasher.hash_with_nonce(header.nonce), header.block_hash().0);

    for (i, txid) in txids.iter().enumerate() {
        let proof = chainlab::ledger::merkle::MerkleProof::build(&txids, i).unwrap();
        assert!(proof.verify(*txid, root));
    }
}

#[test]
fn mainnet_nbits_convert_to_their_targets_and_back() {
    // (bits, target as 64 hex digits): difficulty 1; block 100000; block 32256 (first retarget).
    let cases = [
        (
            0x1d00_ffffu32,
            "00000000ffff0000000000000000000000000000000000000000000000000000",
        ),
        (
            0x1b04_864c,
            "000000000004864c000000000000000000000000000000000000000000000000",
        ),
        (
            0x1d00_d86a,
            "00000000d86a0000000000000000000000000000000000000000000000000000",
        ),
    ];
    for (bits, target_hex) in cases {
        let target = CompactTarget(bits).to_target().unwrap();
        assert_eq!(format!("{:064x}", target.0), target_hex);
        assert_eq!(target.to_compact(), CompactTarget(bits));
    }
}

#[test]
fn retargets_from_real_header_timestamps_give_the_real_next_bits() {
    let rule = RetargetRule::bitcoin();
    // (first block time, last block time, last bits, next bits)
    let cases = [
        (
            1_261_130_161u32,
            1_262_152_739u32,
            0x1d00_ffffu32,
            0x1d00_d86au32,
        ), // 30240..32255
        (1_231_006_505, 1_233_061_996, 0x1d00_ffff, 0x1d00_ffff), // 0..2015, clamped at pow limit
        (1_279_008_237, 1_279_297_671, 0x1c05_a3f4, 0x1c01_68fd), // 66528..68543, timespan clamped low
        (1_263_163_443, 1_269_211_443, 0x1c38_7f6f, 0x1d00_e1fd), // timespan clamped high
    ];
    for (first, last, bits, expected) in cases {
        assert_eq!(
            rule.next_bits(CompactTarget(bits), first, last),
            CompactTarget(expected),
            "retarget from 0x{bits:08x}"
        );
    }
}

/// Bitcoin Core's legacy signature-hash vectors (src/test/data/sighash.json, via the
/// verbatim copy in bitcoinjs-lib; tests/data/sighash_all.json says which and how they
/// were filtered): every vector whose hash type acts as SIGHASH_ALL and whose script
/// has no OP_CODESEPARATOR, the hash type appended as the signed 32-bit value given.
#[test]
fn signature_hashes_match_bitcoin_core_s_vectors() {
    let data: serde_json::Value =
        serde_json::from_str(include_str!("data/sighash_all.json")).unwrap();
    let vectors = data["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 139, "the filtered set");
    for v in vectors {
        let tx = Transaction::from_bytes(&hex::decode(v[0].as_str().unwrap()).unwrap()).unwrap();
        let script = hex::decode(v[1].as_str().unwrap()).unwrap();
        let index = v[2].as_u64().unwrap() as usize;
        let hash_type = v[3].as_i64().unwrap() as i32 as u32;
        let digest = tx.signature_hash_with_type(index, &script, hash_type);
        assert_eq!(digest.to_string(), v[4].as_str().unwrap(), "{v}");
    }
}

/// Real mainnet transactions of December 2010 (tests/data/mainnet_p2pkh.json, from the
/// raw blocks in bitcoinjs-lib's copy of Core's test fixtures): their txids, and every
/// input's signature, made by a real wallet, verifies against chainlab's digest.
#[test]
fn real_mainnet_p2pkh_signatures_verify_against_chainlab_s_signature_hash() {
    use chainlab::ledger::keys::verify_input;
    let data: serde_json::Value =
        serde_json::from_str(include_str!("data/mainnet_p2pkh.json")).unwrap();
    let mut inputs = 0;
    for t in data["transactions"].as_array().unwrap() {
        let tx =
            Transaction::from_bytes(&hex::decode(t["hex"].as_str().unwrap()).unwrap()).unwrap();
        assert_eq!(tx.txid().to_string(), t["txid"].as_str().unwrap());
        for (i, prevout) in t["prevouts"].as_array().unwrap().iter().enumerate() {
            let script = hex::decode(prevout["script_pubkey"].as_str().unwrap()).unwrap();
            let digest = tx.signature_hash(i, &script);
            assert_eq!(
                hex::encode(digest.0),
                prevout["legacy_sighash_digest_hex"].as_str().unwrap()
            );
            assert_eq!(
                verify_input(&tx, i, &script),
                Ok(()),
                "{} input {i}",
                tx.txid()
            );
            // The same signature against another input's digest must fail.
            let other = tx.signature_hash(i, &[0x51]);
            assert_ne!(other, digest);
            inputs += 1;
        }
    }
    assert_eq!(inputs, 8, "three transactions, eight inputs");
}

/// Bitcoin Core's `bignum_SetCompact` cases (src/test/arith_uint256_tests.cpp): the
/// number each nBits decodes to, its negative and overflow flags, and GetCompact back.
/// chainlab refuses what consensus refuses: zero, negative and overflowing targets.
#[test]
fn compact_targets_decode_as_core_s_set_compact() {
    use chainlab::ledger::pow::CompactError;
    use ruint::aliases::U256;
    let zero = [
        0x0000_0000u32,
        0x0012_3456,
        0x0100_3456,
        0x0200_0056,
        0x0300_0000,
        0x0400_0000,
        0x0092_3456,
        0x0180_3456,
        0x0280_0056,
        0x0380_0000,
        0x0480_0000,
    ];
    for bits in zero {
        assert_eq!(
            CompactTarget(bits).to_target(),
            Err(CompactError::Zero(bits))
        );
    }
    let positive = [
        (0x0112_3456u32, "12", 0x0112_0000u32),
        (0x0212_3456, "1234", 0x0212_3400),
        (0x0312_3456, "123456", 0x0312_3456),
        (0x0412_3456, "12345600", 0x0412_3456),
        (0x0500_9234, "92340000", 0x0500_9234),
        (
            0x2012_3456,
            "1234560000000000000000000000000000000000000000000000000000000000",
            0x2012_3456,
        ),
    ];
    for (bits, number, compact) in positive {
        let target = CompactTarget(bits).to_target().unwrap();
        assert_eq!(
            target.0,
            U256::from_str_radix(number, 16).unwrap(),
            "{bits:08x}"
        );
        assert_eq!(target.to_compact(), CompactTarget(compact));
    }
    for bits in [0x01fe_dcba, 0x0492_3456] {
        assert_eq!(
            CompactTarget(bits).to_target(),
            Err(CompactError::Negative(bits))
        );
    }
    assert_eq!(
        CompactTarget(0xff12_3456).to_target(),
        Err(CompactError::Overflow(0xff12_3456))
    );
    // GetCompact never sets the sign bit: 0x80 takes one more byte.
    assert_eq!(
        chainlab::ledger::pow::Target(U256::from(0x80u8)).to_compact(),
        CompactTarget(0x0200_8000)
    );
    // The overflow edges of Core's condition, each side.
    for (bits, overflows) in [
        (0x2200_00ffu32, false), // size 34, one-byte word: fits
        (0x2300_0001, true),     // size 35
        (0x2100_ffff, false),    // size 33, two-byte word
        (0x2200_0100, true),     // size 34, word above 0xff
        (0x2001_0000, false),    // size 32, three-byte word
        (0x2101_0000, true),     // size 33, word above 0xffff
    ] {
        let decoded = CompactTarget(bits).to_target();
        assert_eq!(
            decoded == Err(CompactError::Overflow(bits)),
            overflows,
            "{bits:08x}: {decoded:?}"
        );
    }
}
