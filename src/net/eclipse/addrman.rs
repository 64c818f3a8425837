//! A node's address book as bitcoind 0.9.3 kept it, in the terms Heilman, Kendler,
//! Zohar and Goldberg use ("Eclipse Attacks on Bitcoin's Peer-to-Peer Network", USENIX
//! Security 2015, §2): a `tried` table of 64 buckets of 64 addresses the node has
//! talked to, and a `new` table of 256 buckets of 64 addresses it has heard of.
//!
//! - tried bucket: `i = H(SK, IP) % 4`, `bucket = H(SK, group, i) % 64` — each /16
//!   group reaches at most 4 buckets;
//! - new bucket: `i = H(SK, source group, group) % 32`, `bucket = H(SK, source group,
//!   i) % 256` — each source group reaches at most 32 buckets;
//! - a full tried bucket evicts the oldest of four random entries to `new`
//!   ("bitcoin eviction"); a full new bucket drops a terrible entry (older than 30
//!   days) if it has one, else the oldest of four random entries.
//!
//! `H` is SHA-256 of the node's secret key and the fields (0.9.3 used double SHA-256:
//! which keyed hash spreads the addresses changes no distribution). Simplified: an
//! address sits in one new bucket (0.9.3 could file one under up to four sources), and
//! failed connection attempts do not lower an entry's chance (the paper's eq. 2 leaves
//! them out too).

use super::{Group, Ipv4, Owner};
use rand::Rng;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

pub const TRIED_BUCKETS: usize = 64;
pub const NEW_BUCKETS: usize = 256;
pub const BUCKET_SIZE: usize = 64;
/// Draws one selection may make before giving up.
pub const MAX_DRAWS: u32 = 4_096;
/// An entry older than this is "terrible": the first evicted from a full new bucket.
const TERRIBLE_AGE_S: f64 = 30.0 * 86_400.0;

/// Which table an entry is in, and which bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    New(u16),
    Tried(u16),
    Gone,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub addr: Ipv4,
    pub source: Group,
    /// When the node last heard of or from it (seconds; bitcoind's `nTime`).
    pub seen: f64,
    pub owner: Owner,
    pub place: Place,
    /// Its buckets, hashed once (they depend on the key, address and source only).
    new_bucket: u16,
    tried_bucket: u16,
}

/// The address book of one node, with its secret bucketing key.
pub struct AddrMan {
    key: [u8; 32],
    pub entries: Vec<Entry>,
    index: HashMap<Ipv4, u32>,
    pub tried: Vec<Vec<u32>>,
    pub new: Vec<Vec<u32>>,
    pub tried_count: usize,
    pub new_count: usize,
    /// Entries forgotten (dropped from new), whose slots new addresses reuse: a book
    /// holds at most its tables' 20,480 addresses however much trash arrives.
    free: Vec<u32>,
    /// The second hash of each bucket rule depends on a group and a small index only:
    /// remembered, so that filing an address costs one hash per table, not two.
    second: HashMap<(u32, u32, u32), u16>,
}

impl AddrMan {
    pub fn new(key: [u8; 32]) -> Self {
        AddrMan {
            key,
            entries: Vec::new(),
            index: HashMap::new(),
            tried: vec![Vec::new(); TRIED_BUCKETS],
            new: vec![Vec::new(); NEW_BUCKETS],
            tried_count: 0,
            new_count: 0,
            free: Vec::new(),
            second: HashMap::new(),
        }
    }

    /// `H(SK, fields) mod m`: the first eight bytes of the keyed digest.
    fn hash(&self, fields: &[u32], m: u64) -> u64 {
        let mut h = Sha256::new();
        h.update(self.key);
        for f in fields {
            h.update(f.to_le_bytes());
        }
        let d = h.finalize();
        u64::from_le_bytes(d[..8].try_into().expect("eight bytes")) % m
    }

    fn second_hash(&mut self, tag: u32, group: u32, i: u32, m: usize) -> u16 {
        if let Some(&b) = self.second.get(&(tag, group, i)) {
            return b;
        }
        let b = self.hash(&[tag, group, i], m as u64) as u16;
        self.second.insert((tag, group, i), b);
        b
    }

    pub fn tried_bucket(&mut self, addr: Ipv4) -> u16 {
        let i = self.hash(&[1, addr.0], 4) as u32;
        self.second_hash(2, u32::from(addr.group().0), i, TRIED_BUCKETS)
    }

    pub fn new_bucket(&mut self, addr: Ipv4, source: Group) -> u16 {
        let (g, s) = (u32::from(addr.group().0), u32::from(source.0));
        let i = self.hash(&[3, s, g], 32) as u32;
        self.second_hash(4, s, i, NEW_BUCKETS)
    }

    pub fn find(&self, addr: Ipv4) -> Option<u32> {
        self.index.get(&addr).copied()
    }

    /// A connected peer talked at `seen` (0.9.3's `Connected`): its time moves
    /// forward, wherever it is filed.
    pub fn connected(&mut self, addr: Ipv4, seen: f64) {
        if let Some(id) = self.find(addr) {
            let e = &mut self.entries[id as usize];
            e.seen = e.seen.max(seen);
        }
    }

    /// Hears of `addr` from `source` at `seen`: filed in new unless known already
    /// (then only its time moves forward; an address forgotten is new again).
    pub fn add(&mut self, rng: &mut impl Rng, addr: Ipv4, source: Group, seen: f64, owner: Owner) {
        if let Some(id) = self.find(addr) {
            let e = &mut self.entries[id as usize];
            e.seen = e.seen.max(seen);
            return;
        }
        let new_bucket = self.new_bucket(addr, source);
        // Trash never reaches tried (no connection to it succeeds).
        let tried_bucket = match owner {
            Owner::Trash => 0,
            _ => self.tried_bucket(addr),
        };
        let entry = Entry {
            addr,
            source,
            seen,
            owner,
            place: Place::Gone,
            new_bucket,
            tried_bucket,
        };
        let id = match self.free.pop() {
            Some(id) => {
                self.entries[id as usize] = entry;
                id
            }
            None => {
                self.entries.push(entry);
                self.entries.len() as u32 - 1
            }
        };
        self.index.insert(addr, id);
        self.file_new(rng, id, seen);
    }

    /// Puts entry `id` into its new bucket, making room as 0.9.3 did.
    fn file_new(&mut self, rng: &mut impl Rng, id: u32, now: f64) {
        let b = self.entries[id as usize].new_bucket as usize;
        if self.new[b].len() >= BUCKET_SIZE {
            let bucket = &self.new[b];
            let terrible = bucket
                .iter()
                .position(|&x| now - self.entries[x as usize].seen > TERRIBLE_AGE_S);
            let at = terrible.unwrap_or_else(|| self.oldest_of_four(rng, bucket));
            let out = self.new[b].swap_remove(at);
            self.new_count -= 1;
            // Dropped from new is forgotten, as bitcoind deletes it.
            let e = &mut self.entries[out as usize];
            e.place = Place::Gone;
            self.index.remove(&e.addr);
            self.free.push(out);
        }
        self.new[b].push(id);
        self.entries[id as usize].place = Place::New(b as u16);
        self.new_count += 1;
    }

    /// The position of the oldest of four entries drawn at random (with repeats, as
    /// bitcoind drew them) from a full bucket.
    fn oldest_of_four(&self, rng: &mut impl Rng, bucket: &[u32]) -> usize {
        let mut best = rng.random_range(0..bucket.len());
        for _ in 0..3 {
            let at = rng.random_range(0..bucket.len());
            if self.entries[bucket[at] as usize].seen < self.entries[bucket[best] as usize].seen {
                best = at;
            }
        }
        best
    }

    /// A connection with `addr` succeeded at `now` (an outgoing one, or in 0.9.3 an
    /// unsolicited incoming one): it moves to tried, or has its time refreshed there.
    pub fn good(&mut self, rng: &mut impl Rng, addr: Ipv4, now: f64) {
        let Some(id) = self.find(addr) else { return };
        self.entries[id as usize].seen = now;
        let Place::New(b) = self.entries[id as usize].place else {
            return; // in tried already (refreshed), or forgotten
        };
        let new = &mut self.new[b as usize];
        let at = new
            .iter()
            .position(|&x| x == id)
            .expect("filed where it says");
        new.swap_remove(at);
        self.new_count -= 1;
        let t = self.entries[id as usize].tried_bucket as usize;
        if self.tried[t].len() >= BUCKET_SIZE {
            let at = self.oldest_of_four(rng, &self.tried[t]);
            let out = self.tried[t].swap_remove(at);
            self.tried_count -= 1;
            self.file_new(rng, out, now);
        }
        self.tried[t].push(id);
        self.entries[id as usize].place = Place::Tried(t as u16);
        self.tried_count += 1;
    }

    /// Entries in tried held by each owner: (attacker, all).
    pub fn tried_by_attacker(&self) -> (usize, usize) {
        let attacker = (self.tried.iter().flatten())
            .filter(|&&id| self.entries[id as usize].owner == Owner::Attacker)
            .count();
        (attacker, self.tried_count)
    }

    /// Bitcoind's choice of an address to try (paper eq. 1 and 2): tried with
    /// probability √ω_t(9−h) / ((h+1)√ω_n + √ω_t(9−h)) for `h` outgoing connections
    /// made, then a random non-empty bucket and a random entry in it, taken with
    /// probability min(1, 1.2^r / (1+τ)) — `r` rejections so far, τ its age in ten
    /// minutes — or drawn again. `None` when both tables are empty, or after
    /// [`MAX_DRAWS`] draws.
    pub fn select(&self, rng: &mut impl Rng, h: u32, now: f64) -> Option<u32> {
        let (wt, wn) = (self.tried_count as f64, self.new_count as f64);
        if wt + wn == 0.0 {
            return None;
        }
        let h = f64::from(h.min(8));
        let cor_tried = wt.sqrt() * (9.0 - h);
        let cor_new = wn.sqrt() * (h + 1.0);
        let from_tried = rng.random::<f64>() * (cor_tried + cor_new) < cor_tried;
        let table = if from_tried { &self.tried } else { &self.new };
        let mut factor = 1.0f64;
        // A bound on draws: a nearly empty table would otherwise take thousands of
        // draws of empty buckets per pick (the caller then gives up on this attempt).
        for _ in 0..MAX_DRAWS {
            let bucket = &table[rng.random_range(0..table.len())];
            if bucket.is_empty() {
                continue;
            }
            let id = bucket[rng.random_range(0..bucket.len())];
            let age_units = ((now - self.entries[id as usize].seen) / 600.0).max(0.0);
            if rng.random::<f64>() < factor / (1.0 + age_units) {
                return Some(id);
            }
            factor *= 1.2;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::stream;
    use std::collections::HashSet;

    fn book(seed: u64) -> (AddrMan, crate::sim::rng::SimRng) {
        let mut rng = stream(seed, "addrman-test", 0);
        let mut key = [0u8; 32];
        rng.fill(&mut key);
        (AddrMan::new(key), rng)
    }

    /// The rules that bound an attacker: one /16 group reaches at most 4 of the 64
    /// tried buckets, one source group at most 32 of the 256 new buckets.
    #[test]
    fn a_group_reaches_four_tried_buckets_and_a_source_thirty_two_new() {
        let (mut b, _) = book(1);
        let tried: HashSet<u16> = (0..5_000)
            .map(|i| b.tried_bucket(Ipv4(0x0A0B_0000 | i)))
            .collect();
        assert!(tried.len() <= 4 && tried.len() >= 3, "{tried:?}");
        let src = Group(0x0C0D);
        let new: HashSet<u16> = (0..5_000u32)
            .map(|g| b.new_bucket(Ipv4(g << 16 | 1), src))
            .collect();
        assert!(new.len() <= 32 && new.len() >= 28, "{}", new.len());
    }

    /// Filing, moving to tried and evicting keep every entry in exactly one place,
    /// the counts true, and no bucket over 64.
    #[test]
    fn tables_stay_consistent_under_eviction() {
        let (mut b, mut rng) = book(2);
        for i in 0..40_000u32 {
            let a = Ipv4(0x0100_0000 + i * 7919);
            b.add(
                &mut rng,
                a,
                Group((i % 50) as u16),
                f64::from(i),
                Owner::Attacker,
            );
            if i % 3 == 0 {
                b.good(&mut rng, a, f64::from(i));
            }
        }
        let tried: usize = b.tried.iter().map(Vec::len).sum();
        let new: usize = b.new.iter().map(Vec::len).sum();
        assert_eq!((tried, new), (b.tried_count, b.new_count));
        assert!(b.tried.iter().chain(&b.new).all(|k| k.len() <= BUCKET_SIZE));
        assert!(tried > 3_000, "evictions kept tried full: {tried}");
        for (i, bucket) in b.tried.iter().enumerate() {
            for &id in bucket {
                assert_eq!(b.entries[id as usize].place, Place::Tried(i as u16));
            }
        }
        for (i, bucket) in b.new.iter().enumerate() {
            for &id in bucket {
                assert_eq!(b.entries[id as usize].place, Place::New(i as u16));
            }
        }
        let placed = b.entries.iter().filter(|e| e.place != Place::Gone).count();
        assert_eq!(placed, tried + new);
        // Forgotten entries are reused: the book never outgrows its tables.
        assert!(b.entries.len() <= TRIED_BUCKETS * BUCKET_SIZE + NEW_BUCKETS * BUCKET_SIZE);
        assert_eq!(b.index.len(), tried + new);
    }

    /// Eq. 1: with 4,096 in tried and 16,384 in new and no connection yet, tried is
    /// chosen with probability √4096·9 / (√16384 + √4096·9) = 576/704.
    #[test]
    fn selection_chooses_tried_as_equation_one_says() {
        let (mut b, mut rng) = book(3);
        for i in 0..200u32 {
            let a = Ipv4(0x0200_0000 + i);
            b.add(&mut rng, a, Group(1), 0.0, Owner::Attacker);
            b.good(&mut rng, a, 0.0);
        }
        for i in 0..800u32 {
            b.add(
                &mut rng,
                Ipv4(0x0300_0000 + (i << 8)),
                Group(i as u16),
                0.0,
                Owner::Trash,
            );
        }
        let (wt, wn) = (b.tried_count as f64, b.new_count as f64);
        let expect = wt.sqrt() * 9.0 / (wn.sqrt() + wt.sqrt() * 9.0);
        let n = 20_000;
        let hits = (0..n)
            .filter(|_| {
                let id = b.select(&mut rng, 0, 0.0).unwrap();
                b.entries[id as usize].owner == Owner::Attacker
            })
            .count() as f64;
        let se = (expect * (1.0 - expect) / f64::from(n)).sqrt();
        assert!(
            (hits / f64::from(n) - expect).abs() < 4.0 * se,
            "{hits} vs {expect}"
        );
    }
}
