//! The standard output scripts chainlab's wallets create and its validator accepts.
//!
//! chainlab does not run Bitcoin's general script interpreter. It recognises the
//! templates that carry ownership — pay-to-public-key-hash (P2PKH, what wallets use),
//! pay-to-public-key (P2PK, the genesis output) — and provably unspendable `OP_RETURN`
//! outputs. Any other locking script is unspendable here, which is a documented
//! restriction (docs/ledger.md), not a silent acceptance.

pub const OP_RETURN: u8 = 0x6a;
const OP_DUP: u8 = 0x76;
const OP_HASH160: u8 = 0xa9;
const OP_EQUALVERIFY: u8 = 0x88;
const OP_CHECKSIG: u8 = 0xac;
const OP_PUSHDATA1: u8 = 0x4c;
const OP_PUSHDATA2: u8 = 0x4d;

/// What an output script demands of whoever spends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lock<'a> {
    /// A signature by the key whose HASH160 is given, plus that key.
    PubKeyHash(&'a [u8; 20]),
    /// A signature by exactly this key.
    PubKey(&'a [u8]),
    /// Provably unspendable data carrier.
    Unspendable,
    /// Any other script: chainlab does not interpret it, so it cannot be spent.
    NonStandard,
}

pub fn p2pkh(pubkey_hash: &[u8; 20]) -> Vec<u8> {
    let mut s = Vec::with_capacity(25);
    s.extend_from_slice(&[OP_DUP, OP_HASH160, 20]);
    s.extend_from_slice(pubkey_hash);
    s.extend_from_slice(&[OP_EQUALVERIFY, OP_CHECKSIG]);
    s
}

pub fn p2pk(pubkey: &[u8]) -> Vec<u8> {
    let mut s = Vec::with_capacity(pubkey.len() + 2);
    push_data(&mut s, pubkey);
    s.push(OP_CHECKSIG);
    s
}

/// An `OP_RETURN` output carrying `data` (miners use it to tag or pad coinbases).
pub fn op_return(data: &[u8]) -> Vec<u8> {
    let mut s = Vec::with_capacity(data.len() + 4);
    s.push(OP_RETURN);
    push_data(&mut s, data);
    s
}

pub fn classify(script: &[u8]) -> Lock<'_> {
    match script {
        [OP_DUP, OP_HASH160, 20, hash @ .., OP_EQUALVERIFY, OP_CHECKSIG] if hash.len() == 20 => {
            Lock::PubKeyHash(hash.try_into().expect("20 bytes"))
        }
        [len, key @ .., OP_CHECKSIG]
            if (*len == 33 || *len == 65) && key.len() == *len as usize =>
        {
            Lock::PubKey(key)
        }
        [OP_RETURN, ..] => Lock::Unspendable,
        _ => Lock::NonStandard,
    }
}

/// Appends the minimal push of `data` (direct push, PUSHDATA1 or PUSHDATA2).
pub fn push_data(script: &mut Vec<u8>, data: &[u8]) {
    match data.len() {
        0..=75 => script.push(data.len() as u8),
        76..=255 => script.extend_from_slice(&[OP_PUSHDATA1, data.len() as u8]),
        _ => {
            script.push(OP_PUSHDATA2);
            script.extend_from_slice(&(data.len() as u16).to_le_bytes());
        }
    }
    script.extend_from_slice(data);
}

/// Splits a script made only of data pushes into those pushes; `None` if it holds
/// anything else (an input script with opcodes is non-standard).
pub fn parse_pushes(mut script: &[u8]) -> Option<Vec<&[u8]>> {
    let mut pushes = Vec::new();
    while let Some((&op, rest)) = script.split_first() {
        let (len, rest) = match op {
            0..=75 => (op as usize, rest),
            OP_PUSHDATA1 => (*rest.first()? as usize, &rest[1..]),
            OP_PUSHDATA2 => {
                let len = u16::from_le_bytes(rest.get(..2)?.try_into().ok()?) as usize;
                (len, &rest[2..])
            }
            _ => return None,
        };
        pushes.push(rest.get(..len)?);
        script = &rest[len..];
    }
    Some(pushes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_classify_as_what_they_are() {
        let h = [7u8; 20];
        assert_eq!(classify(&p2pkh(&h)), Lock::PubKeyHash(&h));
        let key = [2u8; 33];
        assert_eq!(classify(&p2pk(&key)), Lock::PubKey(&key[..]));
        assert_eq!(classify(&op_return(b"hi")), Lock::Unspendable);
        assert_eq!(classify(&[0x51]), Lock::NonStandard);
    }

    #[test]
    fn pushes_round_trip_at_every_width() {
        for len in [0usize, 1, 75, 76, 255, 256, 1000] {
            let data = vec![0xabu8; len];
            let mut s = Vec::new();
            push_data(&mut s, &data);
            push_data(&mut s, b"tail");
            let pushes = parse_pushes(&s).unwrap();
            assert_eq!(pushes, vec![&data[..], &b"tail"[..]]);
        }
    }

    #[test]
    fn truncated_push_is_not_standard() {
        assert_eq!(parse_pushes(&[5, 1, 2]), None);
        assert_eq!(parse_pushes(&[OP_CHECKSIG]), None);
    }
}
