//! Transaction decoding: never a panic or an unbounded allocation; whatever decodes
//! encodes back to the same bytes, with `size()` equal to its length, and the
//! context-free rules and the signature hash run on it without panicking.
#![no_main]
use chainlab::ledger::encode::{Decodable, Encodable};
use chainlab::ledger::Transaction;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(tx) = Transaction::from_bytes(data) {
        assert_eq!(tx.to_bytes(), data, "decoding is canonical");
        assert_eq!(tx.size(), data.len());
        let txid = tx.txid();
        let _ = chainlab::ledger::validate::check_transaction(&tx, txid);
        let _ = tx.is_final(100, 1_700_000_000);
        if !tx.inputs.is_empty() {
            let _ = tx.signature_hash(0, &[0x51]);
            let _ = chainlab::ledger::keys::verify_input(&tx, 0, &tx.inputs[0].script_sig);
        }
    }
});
