//! The standard output scripts chainlab's wallets create and its validator accepts.
//!
//! chainlab does not run Bitcoin's general script interpreter. It recognises the
//! templates that carry ownership — pay-to-public-key-hash (P2PKH, what wallets use),
//! pay-to-public-key (P2PK, the genesis output) — and provably unspendable `OP_RETURN`
//! outputs. Any other locking script is unspendable here, which is a documented
//! restriction (docs/ledger.md), not a silent acceptance.

pub const OP_0: u8 = 0x00;
pub const OP_1NEGATE: u8 = 0x4f;
pub const OP_1: u8 = 0x51;
pub const OP_16: u8 = 0x60;
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

/// Bitcoin Core's `CScript() << n` for an integer: the opcodes OP_0, OP_1NEGATE and
/// OP_1 to OP_16 for 0, -1 and 1 to 16; any other value as a push of its script number.
pub fn push_int(script: &mut Vec<u8>, n: i64) {
    match n {
        0 => script.push(OP_0),
        -1 => script.push(OP_1NEGATE),
        // 1..=16 fits a byte: OP_1 + n - 1 is at most OP_16.
        1..=16 => script.push(OP_1 + (n as u8 - 1)),
        _ => push_data(script, &script_num(n)),
    }
}

/// Core's `CScriptNum::serialize`: the magnitude little-endian in as few bytes as
/// hold it, the sign in the top bit of the last byte (a zero byte added when the
/// magnitude already uses that bit). Zero is empty.
pub fn script_num(n: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(9);
    let mut magnitude = n.unsigned_abs();
    while magnitude > 0 {
        out.push((magnitude & 0xff) as u8);
        magnitude >>= 8;
    }
    match out.last_mut() {
        Some(last) if *last & 0x80 != 0 => out.push(if n < 0 { 0x80 } else { 0 }),
        Some(last) if n < 0 => *last |= 0x80,
        _ => {}
    }
    out
}

/// The number a script's first element pushes, if it is a small-integer opcode or a
/// push of at most 8 bytes read as a script number, and the script after it: how a
/// coinbase's BIP 34 height is read back (the rule itself compares bytes, as Core does).
pub fn read_leading_int(script: &[u8]) -> Option<(i64, &[u8])> {
    let (&op, rest) = script.split_first()?;
    match op {
        OP_0 => Some((0, rest)),
        OP_1NEGATE => Some((-1, rest)),
        OP_1..=OP_16 => Some((i64::from(op - OP_1) + 1, rest)),
        1..=8 => {
            let bytes = rest.get(..op as usize)?;
            let (&last, _) = bytes.split_last()?;
            let mut magnitude: u64 = 0;
            for (i, &b) in bytes.iter().enumerate() {
                let b = if i + 1 == bytes.len() { b & 0x7f } else { b };
                magnitude |= u64::from(b) << (8 * i);
            }
            let value = i64::try_from(magnitude).ok()?;
            let value = if last & 0x80 != 0 { -value } else { value };
            Some((value, &rest[op as usize..]))
        }
        _ => None,
    }
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
    fn integers_are_pushed_as_bitcoin_core_pushes_them() {
        // Expected bytes of `CScript() << n` (Core's script.h push_int64 and
        // CScriptNum::serialize), and the first BIP 34 heights of mainnet's form.
        let cases: [(i64, &str); 16] = [
            (0, "00"),
            (1, "51"),
            (2, "52"),
            (16, "60"),
            (17, "0111"),
            (127, "017f"),
            (128, "028000"),
            (255, "02ff00"),
            (256, "020001"),
            (32767, "02ff7f"),
            (32768, "03008000"),
            (8_388_607, "03ffff7f"),
            (8_388_608, "0400008000"),
            (400_000, "03801a06"), // mainnet block 400,000's coinbase starts so
            (-1, "4f"),
            (-2, "0182"),
        ];
        for (n, expected) in cases {
            let mut s = Vec::new();
            push_int(&mut s, n);
            assert_eq!(hex::encode(&s), expected, "CScript() << {n}");
            s.extend_from_slice(b"\x05tail");
            assert_eq!(read_leading_int(&s), Some((n, &b"\x05tail"[..])), "{n}");
        }
        assert_eq!(script_num(-128), vec![0x80, 0x80]);
        assert_eq!(script_num(-255), vec![0xff, 0x80]);
        assert_eq!(
            read_leading_int(&[0x4c]),
            None,
            "a PUSHDATA1 is not a height"
        );
        assert_eq!(read_leading_int(&[0x02, 0x01]), None, "truncated push");
    }

    #[test]
    fn truncated_push_is_not_standard() {
        assert_eq!(parse_pushes(&[5, 1, 2]), None);
        assert_eq!(parse_pushes(&[OP_CHECKSIG]), None);
    }
}
