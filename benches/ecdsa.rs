//! The two maintained secp256k1 implementations side by side, on the same digest, key
//! and signature: `cargo bench --bench ecdsa`. Kept so the choice in ledger/keys.rs
//! can be re-measured (docs/performance.md gives the figures).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use k256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let seed = [7u8; 32];
    let digest = [0x42u8; 32];

    let k_sign = k256::ecdsa::SigningKey::from_bytes(&seed.into()).unwrap();
    let k_verify = *k_sign.verifying_key();
    let k_sig: k256::ecdsa::Signature = k_sign.sign_prehash(&digest).unwrap();

    let secp = secp256k1::Secp256k1::new();
    let s_key = secp256k1::SecretKey::from_byte_array(seed).unwrap();
    let s_pub = secp256k1::PublicKey::from_secret_key(&secp, &s_key);
    let msg = secp256k1::Message::from_digest(digest);
    let s_sig = secp.sign_ecdsa(msg, &s_key);

    let mut group = c.benchmark_group("ecdsa");
    group.throughput(Throughput::Elements(1));
    group.bench_function("verify_k256", |b| {
        b.iter(|| k_verify.verify_prehash(black_box(&digest), &k_sig).unwrap())
    });
    group.bench_function("verify_libsecp256k1", |b| {
        b.iter(|| secp.verify_ecdsa(black_box(msg), &s_sig, &s_pub).unwrap())
    });
    group.bench_function("sign_k256", |b| {
        b.iter(|| -> k256::ecdsa::Signature { k_sign.sign_prehash(black_box(&digest)).unwrap() })
    });
    group.bench_function("sign_libsecp256k1", |b| {
        b.iter(|| secp.sign_ecdsa(black_box(msg), &s_key))
    });
    group.finish();
}

criterion_group!(ecdsa, benches);
criterion_main!(ecdsa);
