//! Ownership: secp256k1 keys, ECDSA signatures over the legacy signature hash, and a
//! signature cache so that thousands of simulated nodes verify each signature once.
//!
//! Signatures are made and checked by libsecp256k1, Bitcoin Core's own library,
//! through the rust-bitcoin project's `secp256k1` crate: 3.3x faster to verify and
//! 2.1x to sign than k256 here (`cargo bench --bench ecdsa`), and the same RFC 6979
//! signatures byte for byte.

use super::hash::hash160;
use super::script::{self, Lock};
use super::tx::{Transaction, Txid};
use secp256k1::ecdsa::Signature;
use secp256k1::{All, Message, PublicKey, Secp256k1, SecretKey};
use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};

/// One context for the process: building one costs far more than a verification.
static SECP: LazyLock<Secp256k1<All>> = LazyLock::new(Secp256k1::new);

const SIGHASH_ALL: u8 = 1;

/// Keys parsed so far on this thread, by their compressed encoding. Parsing one
/// decompresses a point (a field square root, 3% of a run with real payments), and a
/// wallet's key signs many payments. A parse is a pure function of the bytes, so a
/// cached key is the key a parse would give; only valid keys are kept, and the cache
/// is emptied when it reaches `PARSED_KEYS_MAX`, so it never outgrows a few MB.
const PARSED_KEYS_MAX: usize = 1 << 16;

thread_local! {
    static PARSED_KEYS: std::cell::RefCell<std::collections::HashMap<[u8; 33], PublicKey>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// `PublicKey::from_slice`, through this thread's cache for compressed keys.
fn parse_key(bytes: &[u8]) -> Result<PublicKey, secp256k1::Error> {
    let Ok(compressed) = <[u8; 33]>::try_from(bytes) else {
        return PublicKey::from_slice(bytes);
    };
    PARSED_KEYS.with_borrow_mut(|keys| {
        if let Some(key) = keys.get(&compressed) {
            return Ok(*key);
        }
        let key = PublicKey::from_slice(bytes)?;
        if keys.len() >= PARSED_KEYS_MAX {
            keys.clear();
        }
        keys.insert(compressed, key);
        Ok(key)
    })
}

/// A private key and its compressed public key.
#[derive(Clone)]
pub struct KeyPair {
    secret: SecretKey,
    public: [u8; 33],
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyPair({})", hex::encode(self.public))
    }
}

impl KeyPair {
    /// Derives a key from 32 bytes of seed material; retries the (astronomically rare)
    /// seeds that are not valid scalars by hashing them, so any seed yields a key.
    pub fn from_seed(mut seed: [u8; 32]) -> KeyPair {
        loop {
            if let Ok(secret) = SecretKey::from_byte_array(seed) {
                let public = PublicKey::from_secret_key(&SECP, &secret).serialize();
                return KeyPair { secret, public };
            }
            seed = super::hash::sha256d(&seed).0;
        }
    }

    pub fn public_key(&self) -> &[u8; 33] {
        &self.public
    }

    pub fn pubkey_hash(&self) -> [u8; 20] {
        hash160(&self.public)
    }

    /// The P2PKH script that locks coins to this key.
    pub fn script_pubkey(&self) -> Vec<u8> {
        script::p2pkh(&self.pubkey_hash())
    }

    /// Signs input `index` of `tx`, which spends an output locked by `spent_script`,
    /// and returns the input script: `<DER signature + hash type> <public key>`.
    pub fn sign_input(&self, tx: &Transaction, index: usize, spent_script: &[u8]) -> Vec<u8> {
        let digest = tx.signature_hash(index, spent_script);
        // libsecp256k1 signs with an RFC 6979 nonce and always a low S, as relay wants.
        let signature = SECP.sign_ecdsa(Message::from_digest(digest.0), &self.secret);
        let mut sig = signature.serialize_der().to_vec();
        sig.push(SIGHASH_ALL);
        let mut script_sig = Vec::with_capacity(sig.len() + 35);
        script::push_data(&mut script_sig, &sig);
        if matches!(script::classify(spent_script), Lock::PubKeyHash(_)) {
            script::push_data(&mut script_sig, &self.public);
        }
        script_sig
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    #[error("the spent output's script is not a standard P2PKH or P2PK lock")]
    NonStandardLock,
    #[error("the input script is not the pushes the lock requires")]
    MalformedInputScript,
    #[error("the public key does not hash to the one the output is locked to")]
    WrongPublicKey,
    #[error("the public key is not a valid secp256k1 point")]
    InvalidPublicKey,
    #[error("the signature is not strict DER (BIP 66) with hash type SIGHASH_ALL")]
    MalformedSignature,
    #[error("the signature does not verify against the transaction and key")]
    SignatureMismatch,
}

/// Checks that input `index` of `tx` satisfies `spent_script`.
pub fn verify_input(
    tx: &Transaction,
    index: usize,
    spent_script: &[u8],
) -> Result<(), ScriptError> {
    let pushes = script::parse_pushes(&tx.inputs[index].script_sig)
        .ok_or(ScriptError::MalformedInputScript)?;
    let (sig, pubkey): (&[u8], &[u8]) = match (script::classify(spent_script), pushes.as_slice()) {
        (Lock::PubKeyHash(hash), [sig, pubkey]) => {
            if hash160(pubkey) != *hash {
                return Err(ScriptError::WrongPublicKey);
            }
            (sig, pubkey)
        }
        (Lock::PubKey(pubkey), [sig]) => (sig, pubkey),
        (Lock::PubKeyHash(_) | Lock::PubKey(_), _) => {
            return Err(ScriptError::MalformedInputScript)
        }
        _ => return Err(ScriptError::NonStandardLock),
    };
    let (hash_type, der) = sig.split_last().ok_or(ScriptError::MalformedSignature)?;
    if *hash_type != SIGHASH_ALL {
        return Err(ScriptError::MalformedSignature);
    }
    let mut signature = Signature::from_der(der).map_err(|_| ScriptError::MalformedSignature)?;
    // Consensus accepts a high S: Core normalises before libsecp256k1 verifies. Only
    // relay policy demands a low S (`has_low_s`, used by the mempool).
    signature.normalize_s();
    let key = parse_key(pubkey).map_err(|_| ScriptError::InvalidPublicKey)?;
    let digest = tx.signature_hash(index, spent_script);
    SECP.verify_ecdsa(Message::from_digest(digest.0), &signature, &key)
        .map_err(|_| ScriptError::SignatureMismatch)
}

/// Relay policy (Core's SCRIPT_VERIFY_LOW_S, not consensus): the input's signature,
/// if it parses, has S in the lower half of the group order. Anything that does not
/// parse is left for the consensus check to refuse with its own reason.
pub fn has_low_s(script_sig: &[u8]) -> bool {
    let Some(pushes) = script::parse_pushes(script_sig) else {
        return true;
    };
    let Some((_, der)) = pushes.first().and_then(|sig| sig.split_last()) else {
        return true;
    };
    Signature::from_der(der).map_or(true, |s| {
        let mut low = s;
        low.normalize_s();
        low == s
    })
}

/// Inputs whose signatures have already verified, as Bitcoin Core's signature cache.
///
/// Keyed by (txid, input index): the txid commits to the input script and to the
/// outpoint spent, and an outpoint names exactly one output script, so a hit means the
/// same bytes were verified against the same lock before. Only successes are cached:
/// a failure is cheap to reproduce and must never be masked.
#[derive(Default)]
pub struct SigCache {
    verified: Mutex<HashSet<(Txid, u32)>>,
}

impl SigCache {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn verify(
        &self,
        tx: &Transaction,
        txid: Txid,
        index: usize,
        spent_script: &[u8],
    ) -> Result<(), ScriptError> {
        let key = (txid, index as u32);
        if self.verified.lock().expect("cache lock").contains(&key) {
            return Ok(());
        }
        verify_input(tx, index, spent_script)?;
        self.verified.lock().expect("cache lock").insert(key);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.verified.lock().expect("cache lock").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::tx::{OutPoint, TxIn, TxOut, COIN, SEQUENCE_FINAL};

    #[test]
    fn a_cached_key_is_the_parsed_key_and_a_bad_key_stays_bad() {
        let good = *KeyPair::from_seed([7; 32]).public_key();
        for _ in 0..3 {
            assert_eq!(parse_key(&good), PublicKey::from_slice(&good));
        }
        // Off the curve (x = 5 has no point), and a wrong prefix: refused every time.
        let mut off_curve = [0u8; 33];
        off_curve[0] = 2;
        off_curve[32] = 5;
        let mut bad_prefix = good;
        bad_prefix[0] = 7;
        for bad in [off_curve, bad_prefix] {
            assert!(PublicKey::from_slice(&bad).is_err());
            for _ in 0..2 {
                assert!(parse_key(&bad).is_err());
            }
        }
        // Uncompressed keys are parsed, not cached.
        let long = PublicKey::from_slice(&good)
            .unwrap()
            .serialize_uncompressed();
        assert_eq!(parse_key(&long), PublicKey::from_slice(&long));
    }

    fn spend(from: &KeyPair, to: &KeyPair) -> (Transaction, Vec<u8>) {
        let spent_script = from.script_pubkey();
        let mut tx = Transaction {
            version: 1,
            inputs: vec![TxIn {
                previous_output: OutPoint::new(
                    crate::ledger::Txid(crate::ledger::hash::sha256d(b"coin")),
                    0,
                ),
                script_sig: vec![],
                sequence: SEQUENCE_FINAL,
            }],
            outputs: vec![TxOut {
                value: COIN,
                script_pubkey: to.script_pubkey().into(),
            }],
            lock_time: 0,
        };
        tx.inputs[0].script_sig = from.sign_input(&tx, 0, &spent_script);
        (tx, spent_script)
    }

    #[test]
    fn signed_input_verifies_and_tampering_breaks_it() {
        let alice = KeyPair::from_seed([1; 32]);
        let bob = KeyPair::from_seed([2; 32]);
        let (tx, script) = spend(&alice, &bob);
        assert_eq!(verify_input(&tx, 0, &script), Ok(()));

        let mut redirected = tx.clone();
        redirected.outputs[0].script_pubkey = alice.script_pubkey().into();
        assert_eq!(
            verify_input(&redirected, 0, &script),
            Err(ScriptError::SignatureMismatch)
        );

        assert_eq!(
            verify_input(&tx, 0, &bob.script_pubkey()),
            Err(ScriptError::WrongPublicKey)
        );
    }

    #[test]
    fn p2pk_outputs_are_spent_with_a_bare_signature() {
        let alice = KeyPair::from_seed([3; 32]);
        let bob = KeyPair::from_seed([4; 32]);
        let (mut tx, _) = spend(&alice, &bob);
        let p2pk = script::p2pk(alice.public_key());
        tx.inputs[0].script_sig = alice.sign_input(&tx, 0, &p2pk);
        assert_eq!(verify_input(&tx, 0, &p2pk), Ok(()));
    }

    #[test]
    fn cache_remembers_only_successes() {
        let alice = KeyPair::from_seed([5; 32]);
        let (tx, script) = spend(&alice, &alice);
        let cache = SigCache::new();
        assert!(cache.verify(&tx, tx.txid(), 0, &[0x51]).is_err());
        assert!(cache.is_empty());
        assert!(cache.verify(&tx, tx.txid(), 0, &script).is_ok());
        assert_eq!(cache.len(), 1);
    }
}
