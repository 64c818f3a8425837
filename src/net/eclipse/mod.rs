//! The eclipse attack of Heilman, Kendler, Zohar and Goldberg (USENIX Security 2015)
//! on a victim's address book: an attacker with `groups` × `per_group` addresses
//! connects to the victim from each of them once every round (bitcoind 0.9.3 files
//! unsolicited incoming peers in `tried`) and floods `new` with unroutable "trash";
//! when the victim restarts it picks its outgoing connections from the book, and it
//! is eclipsed if every one goes to the attacker (who holds its incoming slots, as
//! the paper assumes). Each trial is one victim, one attack and one restart on the
//! real table rules (`addrman`); `theory` is the paper's analysis of the same.

pub mod addrman;
pub mod theory;
mod trial;

pub use trial::{run_trials, Trial, MAX_ATTEMPTS};

/// An IPv4 address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ipv4(pub u32);

/// A /16 group: the first two bytes of an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Group(pub u16);

impl Ipv4 {
    pub fn group(self) -> Group {
        Group((self.0 >> 16) as u16)
    }
}

/// Whose address an entry is, and whether a connection to it can succeed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// An honest node's; `online` if it would accept a connection now.
    Legit {
        online: bool,
    },
    Attacker,
    /// Unroutable (252.0.0.0/8): a connection to it always fails.
    Trash,
}

/// What the scenario's `eclipse:` section asks, in seconds and counts.
#[derive(Clone, Debug, PartialEq)]
pub struct EclipsePlan {
    /// The attacker's /16 groups (s) and addresses in each (t).
    pub groups: u32,
    pub per_group: u32,
    /// τ_a: the attacker connects from every address once a round.
    pub round_s: f64,
    /// τ_ℓ: from the attack's start to the victim's restart.
    pub attack_s: f64,
    /// Trash addresses the attacker sends in all, from its addresses in turn.
    pub trash: u32,
    /// Honest addresses in the victim's tried table when the attack starts, and
    /// honest addresses it had heard of (filed in new).
    pub victim_tried: u32,
    pub victim_heard: u32,
    /// The share of honest addresses that accept a connection at the restart.
    pub online: f64,
    /// Outgoing connections the victim makes.
    pub outbound: u32,
    pub trials: u32,
}

/// A victim's book as the paper measured live nodes' (§5, Table 1), the defaults of
/// the `eclipse:` section: the most honest entries in tried it saw; honest addresses
/// heard of, twice new's 16,384 slots (it ends ~99% full, as measured); the largest
/// share of tried addresses still online; trash sent, twice new's slots too.
pub const LIVE_TRIED: u32 = 300;
pub const LIVE_HEARD: u32 = 32_768;
pub const LIVE_ONLINE: f64 = 0.28;
pub const TRASH: u32 = 32_768;
/// bitcoind's outgoing connections.
pub const OUTBOUND: u32 = 8;

impl EclipsePlan {
    /// `trials` attacks by `groups` × `per_group` addresses for `attack_s` in rounds
    /// of `round_s` on a victim with a live node's book (the constants above).
    pub fn on_live_node(
        groups: u32,
        per_group: u32,
        (attack_s, round_s): (f64, f64),
        trials: u32,
    ) -> Self {
        EclipsePlan {
            groups,
            per_group,
            round_s,
            attack_s,
            trash: TRASH,
            victim_tried: LIVE_TRIED,
            victim_heard: LIVE_HEARD,
            online: LIVE_ONLINE,
            outbound: OUTBOUND,
            trials,
        }
    }

    pub fn addresses(&self) -> u64 {
        u64::from(self.groups) * u64::from(self.per_group)
    }

    /// Rounds the attack makes before the restart.
    pub fn rounds(&self) -> u64 {
        (self.attack_s / self.round_s).ceil() as u64
    }
}
