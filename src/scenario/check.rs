//! Value checks that types alone cannot express, and the bounds on every number a
//! scenario gives: a value that cannot be simulated (it would wrap a number, allocate
//! without bound or never finish) is refused with the allowed range, never clamped.
//! docs/scenario.md lists the same bounds.

use super::adversary::Attack;
use super::limits::*;
use super::{NetworkModel, RegionModel, Scenario, TopologySpec};
use std::fmt::Display;

fn require(ok: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(message())
    }
}

/// What a key accepts, for the message when its value has the wrong type (a word
/// where a number belongs). `None` for keys whose own message says it.
pub(crate) fn allowed(key: &str) -> Option<String> {
    let whole =
        |min: &dyn Display, max: &dyn Display| Some(format!("a whole number from {min} to {max}"));
    match key {
        "seed" => whole(&0, &u64::MAX),
        "stop.blocks" => whole(&1, &MAX_STOP_BLOCKS),
        "network.nodes" => whole(&2, &MAX_NODES),
        "stop.in_flight" => Some("deliver or drop".into()),
        "network.outbound" => whole(&1, &MAX_OUTBOUND),
        "network.light_nodes" => Some("a fraction of the nodes, at least 0 and below 1".into()),
        "consensus.retarget_interval" => whole(&0, &MAX_RETARGET_INTERVAL),
        "consensus.retarget_clamp" => whole(&1, &MAX_RETARGET_CLAMP),
        "consensus.halving_interval" | "consensus.coinbase_maturity" => whole(&0, &u32::MAX),
        "consensus.hashes_per_block" => whole(&2, &(1u64 << 24)),
        "consensus.reward" => Some("a number of coins from 0 to 21000000".into()),
        "mining.miners" => whole(&1, &"network.nodes"),
        "replicates" => whole(&1, &MAX_REPLICATES),
        "mining.shares" => Some("a list of positive fractions, one per miner, summing to 1".into()),
        "workload.wallets" => whole(&2, &MAX_WALLETS),
        "workload.coins_per_wallet" => whole(&1, &MAX_COINS_PER_WALLET),
        "metrics.confirmations" => whole(&1, &MAX_CONFIRMATIONS),
        "name" => Some(NAME_RULE.into()),
        _ => super::cost::allowed(key)
            .or_else(|| super::schedule::allowed(key))
            .or_else(|| super::joining::allowed(key))
            .or_else(|| super::routing::allowed(key))
            .or_else(|| super::eclipse::allowed(key))
            .or_else(|| super::history::allowed(key)),
    }
}

const NAME_RULE: &str = "a label of 1 to 64 letters, digits, '-', '_' or '.', other than '.' and '..' (it names the results directory)";

/// The scenario name becomes a directory name: a plain label, never a path.
pub(crate) fn check_name(name: &str) -> Result<(), String> {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    require(
        plain && (1..=64).contains(&name.len()) && name != "." && name != "..",
        || format!("name is {name:?}; give {NAME_RULE}"),
    )
}

/// A length in nanoseconds as a person reads it, however large (the scenario's own
/// units stop at u64 nanoseconds).
fn duration_text(ns: f64) -> String {
    match ns / 1e9 {
        s if s >= 86_400.0 => format!("{:.1} days", s / 86_400.0),
        s if s >= 3_600.0 => format!("{:.1} h", s / 3_600.0),
        s => format!("{s:.1} s"),
    }
}

impl Scenario {
    /// Every check, in the order of the file's sections.
    pub(crate) fn check(&self) -> Result<(), String> {
        check_name(&self.name)?;
        within("replicates", self.replicates, 1, MAX_REPLICATES)?;
        self.check_stop()?;
        self.check_network()?;
        self.check_topology()?;
        self.check_consensus()?;
        self.check_mining()?;
        self.check_workload()?;
        within(
            "metrics.confirmations",
            self.metrics.confirmations,
            1,
            MAX_CONFIRMATIONS,
        )?;
        self.cost.check()?;
        if let Some(j) = &self.joining {
            j.check(self.joinable_nodes())?;
        }
        if let Some(c) = &self.churn {
            let joining = self.joining.as_ref().map_or(0, |j| j.nodes);
            c.check(self.joinable_nodes() - joining)?;
        }
        super::routing::check(self)?;
        if let Some(e) = &self.eclipse {
            e.check()?;
        }
        if let Some(h) = &self.history {
            h.check(self)?;
        }
        self.check_adversaries()?;
        self.check_budget()
    }

    fn check_stop(&self) -> Result<(), String> {
        require(
            self.stop.blocks.is_some() || self.stop.time.is_some(),
            || "stop must be given as { blocks: N } or { time: 1d } (or both)".into(),
        )?;
        if let Some(blocks) = self.stop.blocks {
            within("stop.blocks", blocks, 1, MAX_STOP_BLOCKS)?;
        }
        if let Some(time) = self.stop.time {
            duration("stop.time", time.0, 1, MAX_TIME)?;
        }
        Ok(())
    }

    fn check_network(&self) -> Result<(), String> {
        let n = &self.network;
        within("network.nodes", n.nodes, 2, MAX_NODES)?;
        within("network.outbound", n.outbound, 1, MAX_OUTBOUND)?;
        let links = u64::from(n.nodes) * u64::from(n.outbound);
        require(links <= MAX_LINKS, || {
            format!("network.nodes × network.outbound is {links} links; at most {MAX_LINKS} can be simulated")
        })?;
        duration("network.latency", n.latency.0, 0, MAX_LATENCY)?;
        duration("network.jitter", n.jitter.0, 0, n.latency.0).map_err(|_| {
            format!(
                "network.jitter is {}; it must be at most network.latency ({})",
                n.jitter, n.latency
            )
        })?;
        require(
            n.bandwidth.0.is_finite() && (MIN_BANDWIDTH..=MAX_BANDWIDTH).contains(&n.bandwidth.0),
            || {
                format!(
                    "network.bandwidth is {}; allowed: 1kbps to 1000Gbps",
                    n.bandwidth
                )
            },
        )?;
        require((0.0..1.0).contains(&n.light_nodes), || {
            format!(
                "network.light_nodes is {}; give a fraction of the nodes, at least 0 and below 1",
                n.light_nodes
            )
        })?;
        duration(
            "network.validation_base",
            n.validation_base.0,
            0,
            MAX_LATENCY,
        )?;
        duration(
            "network.validation_per_tx",
            n.validation_per_tx.0,
            0,
            MAX_LATENCY,
        )
    }

    /// Each shape is built as asked or refused: none is silently replaced by another.
    fn check_topology(&self) -> Result<(), String> {
        let n = &self.network;
        if n.model == NetworkModel::Gervais2016 {
            require(
                n.topology == TopologySpec::Random && n.regions == RegionModel::None,
                || {
                    "network.model gervais-2016 brings its own topology, regions, latencies and bandwidths; leave network.topology and network.regions unset".into()
                },
            )?;
            super::network_model::check_gervais(n)?;
        } else {
            require(n.without.is_empty(), || {
                "network.without switches off mechanisms of network.model: gervais-2016; this scenario's network.model is simple".into()
            })?;
        }
        let (nodes, k) = (
            u64::from(self.network.nodes),
            u64::from(self.network.outbound),
        );
        match &self.network.topology {
            TopologySpec::Random => require(k < nodes, || {
                format!("network.outbound is {k}, but a node of {nodes} has only {} others to connect to", nodes - 1)
            }),
            TopologySpec::Regular => {
                let degree = 2 * k;
                require(degree < nodes && (nodes * degree) % 2 == 0, || {
                    format!("a regular topology gives every node 2 × network.outbound = {degree} peers; that needs more than {degree} nodes (network.nodes is {nodes})")
                })
            }
            TopologySpec::SmallWorld { rewire } => {
                require((0.0..=1.0).contains(rewire), || {
                    format!(
                        "network.topology.rewire is {rewire}; give a probability between 0 and 1"
                    )
                })?;
                require(2 * k < nodes, || {
                    format!("a small world links each node to network.outbound = {k} neighbours on each side of the ring; that needs more than {} nodes (network.nodes is {nodes})", 2 * k)
                })
            }
            TopologySpec::Csv { file } if file.as_os_str().is_empty() => {
                Err("network.topology.file is empty; give the path of a topology file (CSV)".into())
            }
            TopologySpec::Csv { .. } => require(self.network.regions == RegionModel::None, || {
                "network.regions must be none when the topology file gives each link's latency"
                    .into()
            }),
        }
    }

    fn check_consensus(&self) -> Result<(), String> {
        let c = &self.consensus;
        duration(
            "consensus.block_interval",
            c.block_interval.0,
            MIN_BLOCK_INTERVAL,
            MAX_BLOCK_INTERVAL,
        )?;
        size(
            "consensus.max_block_bytes",
            c.max_block_bytes.0,
            1000,
            MAX_BLOCK_BYTES,
        )?;
        within(
            "consensus.retarget_interval",
            c.retarget_interval,
            0,
            MAX_RETARGET_INTERVAL,
        )?;
        // Bitcoin measures a period over interval − 1 gaps: a period of one block
        // measures nothing, and difficulty would rise by the clamp every block.
        require(c.retarget_interval != 1, || {
            "consensus.retarget_interval is 1; give 0 (no retargeting) or at least 2 (Bitcoin measures a period over interval − 1 block gaps)".into()
        })?;
        within(
            "consensus.retarget_clamp",
            c.retarget_clamp,
            1,
            MAX_RETARGET_CLAMP,
        )?;
        let timespan_s = (c.block_interval.secs() * f64::from(c.retarget_interval)).round();
        require(
            c.retarget_interval == 0 || timespan_s >= f64::from(c.retarget_clamp),
            || {
                format!(
                "consensus.block_interval × consensus.retarget_interval is {timespan_s} s; a retarget period must last at least consensus.retarget_clamp ({}) seconds, or the clamped timespan is zero",
                c.retarget_clamp
            )
            },
        )?;
        within("consensus.hashes_per_block", c.hashes_per_block, 2, 1 << 24)?;
        require(
            c.reward.is_finite() && (0.0..=21e6).contains(&c.reward),
            || {
                format!(
                    "consensus.reward is {}; allowed: 0 to 21000000 coins",
                    c.reward
                )
            },
        )?;
        let sat = c.reward * 1e8;
        require(sat == sat.round(), || {
            format!(
                "consensus.reward is {}; an amount is a whole number of satoshis (8 decimals at most)",
                c.reward
            )
        })
    }

    fn check_mining(&self) -> Result<(), String> {
        let m = &self.mining;
        within("mining.miners", m.miners, 1, self.network.nodes)
            .map_err(|e| format!("{e} (network.nodes)"))?;
        size(
            "mining.block_padding",
            m.block_padding.0,
            0,
            self.consensus.max_block_bytes.0,
        )
        .map_err(|e| format!("{e} (consensus.max_block_bytes)"))?;
        super::schedule::check(&m.schedule, m.miners)?;
        if m.shares.is_empty() {
            return Ok(());
        }
        require(m.shares.len() == m.miners as usize, || {
            format!("mining.shares has {} entries but mining.miners is {}; give one share per miner or none for equal shares", m.shares.len(), m.miners)
        })?;
        if let Some(bad) = m.shares.iter().find(|s| !(**s > 0.0 && s.is_finite())) {
            return Err(format!(
                "mining.shares contains {bad}; every share must be positive"
            ));
        }
        let sum: f64 = m.shares.iter().sum();
        require((sum - 1.0).abs() <= 1e-6, || {
            format!(
                "mining.shares sum to {sum}; they are fractions of the hashrate and must sum to 1"
            )
        })
    }

    fn check_workload(&self) -> Result<(), String> {
        let w = &self.workload;
        let rate = w.tx_rate.0;
        require(
            rate.is_finite() && (0.0..=MAX_TX_RATE).contains(&rate),
            || {
                format!(
                    "workload.tx_rate is {}; allowed: 0/s to {MAX_TX_RATE}/s",
                    w.tx_rate
                )
            },
        )?;
        duration("workload.tx_trickle", w.tx_trickle.0, 0, MAX_LATENCY)?;
        within("workload.fee_rate", w.fee_rate.max, 0, MAX_FEE_RATE)?;
        if rate == 0.0 {
            return Ok(());
        }
        within("workload.wallets", w.wallets, 2, MAX_WALLETS)?;
        within(
            "workload.coins_per_wallet",
            w.coins_per_wallet,
            1,
            MAX_COINS_PER_WALLET,
        )?;
        let outputs = u64::from(w.wallets) * u64::from(w.coins_per_wallet);
        require(outputs <= MAX_PREMINE_OUTPUTS, || {
            format!("workload.wallets × workload.coins_per_wallet is {outputs} premined coins; at most {MAX_PREMINE_OUTPUTS}")
        })
    }

    fn check_adversaries(&self) -> Result<(), String> {
        let nodes = self.network.nodes;
        // The latest moment the run can reach: its stop time, or for a run stopped by
        // blocks alone, the cap of ten times its expected length.
        let stop = match (self.stop.time, self.stop.blocks) {
            (Some(t), _) => Some((t.0, "stop.time")),
            (None, Some(b)) => {
                let cap = u128::from(self.consensus.block_interval.0)
                    * u128::from(b)
                    * u128::from(crate::node::LENGTH_CAP);
                Some((cap.min(u128::from(u64::MAX)) as u64, "the longest a run stopped by stop.blocks can take (ten times blocks × block_interval)"))
            }
            (None, None) => None,
        };
        for (i, attack) in self.attacks.iter().enumerate() {
            let at = format!("attacks[{i}]");
            attack.check(&at, nodes)?;
            starts_before_stop(&format!("{at}.start"), attack.start().0, stop)?;
            attack.check_eclipsed(&at, self.mining.miners, |n| self.hosts(n))?;
        }
        let attack_share: f64 = self.attacks.iter().map(Attack::hashrate).sum();
        require(attack_share < 1.0, || {
            format!("attacks' hashrates sum to {attack_share}; honest miners need some share, so keep the sum below 1")
        })?;
        let sitting = u64::from(self.mining.miners) + self.attacks.len() as u64;
        require(sitting <= u64::from(nodes), || {
            format!("mining.miners plus attackers is {sitting}; at most network.nodes ({nodes}): each miner and attacker sits on its own node")
        })?;
        for (i, fault) in self.faults.iter().enumerate() {
            let at = format!("faults[{i}]");
            fault.check(&at, nodes)?;
            starts_before_stop(&format!("{at}.at"), fault.window().0, stop)?;
        }
        self.check_premine()
    }

    /// The genesis block pays the wallets' coins and double spenders' funds: together
    /// at most 21 million coins, or the genesis block would be invalid.
    fn check_premine(&self) -> Result<(), String> {
        use crate::ledger::tx::{COIN, MAX_MONEY};
        // Satoshis in u128: the products of user numbers are never saturated.
        let coin = u128::from(COIN.0);
        let wallets = if self.workload.tx_rate.0 > 0.0 {
            u128::from(self.workload.wallets)
                * u128::from(self.workload.coins_per_wallet)
                * 10
                * coin
        } else {
            0
        };
        let attackers: u128 = self.attacks.iter().map(Attack::funds_needed_sat).sum();
        let total = wallets + attackers;
        let coins = |sat: u128| sat as f64 / coin as f64;
        require(total <= u128::from(MAX_MONEY.0), || {
            format!(
                "the premine is {} coins: {} for the workload (10 per coin of workload.wallets × workload.coins_per_wallet) and {} for double spenders (attacks[].amount plus 0.01 per attempt, 1000 attempts when attempts is open); at most 21000000 coins exist",
                coins(total),
                coins(wallets),
                coins(attackers)
            )
        })
    }
}

fn starts_before_stop(key: &str, start: u64, stop: Option<(u64, &str)>) -> Result<(), String> {
    match stop {
        Some((stop, what)) if start >= stop => Err(format!(
            "{key} is {}, but the run stops by {} ({what}); it would never happen",
            super::Duration(start),
            super::Duration(stop)
        )),
        _ => Ok(()),
    }
}

impl Scenario {
    /// What the run will cost, estimated from the scenario before it starts: a run
    /// whose payments, per-node block state or chain would not fit in memory, or not
    /// finish, is refused with the estimate and the bound. The run's length is its
    /// stop time, or its block count at the block interval, whichever is shorter.
    fn check_budget(&self) -> Result<(), String> {
        let interval = self.consensus.block_interval.0 as f64;
        let length_ns = [
            self.stop.blocks.map(|b| f64::from(b) * interval),
            self.stop.time.map(|t| t.0 as f64),
        ]
        .into_iter()
        .flatten()
        .fold(f64::INFINITY, f64::min);
        let length = duration_text(length_ns);
        let blocks = (length_ns / interval).ceil();
        // Stopped by blocks alone, a run may take up to LENGTH_CAP times as long (when
        // it cannot mine), and the workload keeps offering payments all that time.
        let longest_ns = match self.stop.time {
            Some(t) => t.0 as f64,
            None => length_ns * crate::node::LENGTH_CAP as f64,
        };
        let payments = self.workload.tx_rate.0 * longest_ns / 1e9;
        require(payments <= MAX_PAYMENTS, || {
            let what = match self.stop.time {
                Some(_) => format!("stop.time ({length})"),
                None => format!("the longest a run stopped by blocks may take ({}, ten times its expected length; give stop.time to bound it)", duration_text(longest_ns)),
            };
            format!("workload.tx_rate × {what} is about {payments:.3e} payments; at most {MAX_PAYMENTS:.0} can be simulated in one run")
        })?;
        // Attacks with a number of attempts end the run once made: stop.blocks is then
        // a ceiling that is not reached.
        let ended_by_attempts =
            !self.attacks.is_empty() && self.attacks.iter().all(|a| a.attempts().is_some());
        require(ended_by_attempts || blocks <= MAX_BLOCKS_KEPT, || {
            format!("the run would make about {blocks:.0} blocks ({length} over consensus.block_interval); at most {MAX_BLOCKS_KEPT:.0} are kept in memory (about 1.2 kB each)")
        })?;
        let nodes = f64::from(self.network.nodes);
        let arrivals = blocks * nodes;
        require(arrivals <= MAX_BLOCK_ARRIVALS, || {
            format!("about {blocks:.0} blocks (the run's expected length, {length}, over consensus.block_interval) × network.nodes is {arrivals:.3e} block arrivals; at most {MAX_BLOCK_ARRIVALS:.0e}")
        })?;
        // Block padding is shared (one allocation per size), so memory holds the
        // payments; chain.dat on disk holds the padding too (checked where it is written).
        let chain = payments * 250.0;
        require(chain <= MAX_CHAIN_BYTES, || {
            format!("the chain would hold about {:.1} GB of payments; at most {:.0} GB are kept in memory", chain / 1e9, MAX_CHAIN_BYTES / 1e9)
        })?;
        // Grinding costs about hashes_per_block per miner each time the tip moves.
        if self.mining.pow == super::PowMode::Grind {
            let miners = f64::from(self.mining.miners) + self.attacks.len() as f64;
            let hashes = blocks * miners * self.consensus.hashes_per_block as f64;
            require(hashes <= MAX_GRIND_HASHES, || {
                format!("mining.pow grind would try about {hashes:.3e} hashes (consensus.hashes_per_block × miners × about {blocks:.0} blocks); at most {MAX_GRIND_HASHES:.0e} (lower hashes_per_block, or use pow: sampled)")
            })?;
        }
        self.check_life_cycle_budget(longest_ns)?;
        let gossip = self.workload.relay.resolve(self.network.nodes) == super::TxRelay::Gossip;
        let held = payments * nodes;
        require(!gossip || held <= 2e10, || {
            format!("with workload.relay gossip every node tracks every payment: about {held:.3e} (payment, node) pairs; at most 2e10 (use workload.relay: shortest-path)")
        })
    }
}

impl Scenario {
    /// The schedule's and the churn's events, bounded: a step that redraws every one
    /// of millions of miners, ten thousand times, or millions of nodes churning by the
    /// second for years would never finish.
    fn check_life_cycle_budget(&self, longest_ns: f64) -> Result<(), String> {
        let miners = f64::from(self.mining.miners);
        let redraws: f64 = (self.mining.schedule.iter())
            .map(|s| if s.miner.is_some() { 1.0 } else { miners })
            .sum();
        require(redraws <= MAX_RESCHEDULES, || {
            format!("mining.schedule redraws about {redraws:.3e} miners' next blocks (a step without `miner` redraws all {miners}); at most {MAX_RESCHEDULES:.0e}")
        })?;
        let Some(c) = &self.churn else { return Ok(()) };
        let churning_ns = c.until.map_or(longest_ns, |u| (u.0 as f64).min(longest_ns));
        let cycle_ns = (c.session.0 + c.downtime.0) as f64;
        let sessions = f64::from(c.nodes) * churning_ns / cycle_ns;
        require(sessions <= MAX_CHURN_SESSIONS, || {
            format!("churn would make about {sessions:.3e} departures (churn.nodes × the run's length over churn.session + churn.downtime); at most {MAX_CHURN_SESSIONS:.0e}")
        })
    }
}
