//! `report.html`: one self-contained page per run — summary table, the plots inlined
//! as PNG data, attacks and faults, and the run told in sentences — readable on a
//! projector and with no network fetches. Deterministic like every other result file
//! (no wall-clock figures).

use crate::results::{RunResults, Summary};
use anyhow::Result;
use base64::Engine as _;
use std::fmt::Write as _;
use std::path::Path;

const PLOTS: [(&str, &str); 6] = [
    ("propagation_cdf", "Block propagation"),
    ("confirmation_cdf", "Confirmation time"),
    ("stale_over_time", "Main-chain and stale blocks over time"),
    (
        "block_interval",
        "Block interval over time, and the hashrate",
    ),
    ("miners", "Hashrate and revenue per miner"),
    ("fork_tree", "The block tree"),
];

const STYLE: &str =
    "body{font-family:sans-serif;font-size:20px;max-width:1100px;margin:2em auto;color:#222}\
h1{font-size:34px}h2{font-size:26px;margin-top:1.6em}table{border-collapse:collapse}\
td,th{border:1px solid #bbb;padding:6px 14px;text-align:left}th{background:#eef}\
img{max-width:100%;border:1px solid #ddd}ol.story li{margin:.3em 0}";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn opt(v: Option<f64>, unit: &str) -> String {
    v.map_or("n/a".into(), |x| format!("{x:.2} {unit}"))
}

pub fn write_report(dir: &Path, run: &RunResults) -> Result<()> {
    let (sc, summary) = (&run.scenario, &run.summary);
    let mut h = String::new();
    let title = escape(&format!("chainlab: {}", sc.name));
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title><style>{STYLE}{}</style></head><body>\n<h1>{title}</h1>\n",
        super::replay::STYLE
    );
    let _ = writeln!(
        h,
        "<p>Seed {}, {} nodes, {} simulated seconds. Everything here is in the results directory beside this file (summary.json, CSV files, plots/).</p>",
        sc.seed, sc.network.nodes, summary.simulated_s.round()
    );
    let rows = summary_rows(&sc.consensus.block_interval.to_string(), summary);
    h.push_str("<h2>Summary</h2>\n<table id=\"summary\">\n");
    for (k, v) in rows {
        let _ = writeln!(h, "<tr><th>{k}</th><td>{}</td></tr>", escape(&v));
    }
    h.push_str("</table>\n");

    attack_and_fault_tables(&mut h, summary);
    if let Some(replay) = &run.replay {
        h.push_str(&super::replay::section(replay));
    }

    for (stem, caption) in PLOTS {
        let path = dir.join("plots").join(format!("{stem}.png"));
        let Ok(png) = std::fs::read(&path) else {
            continue; // the fork tree is drawn for small runs only
        };
        let data = base64::engine::general_purpose::STANDARD.encode(png);
        let _ = writeln!(
            h,
            "<h2>{caption}</h2>\n<img class=\"plot\" id=\"{stem}\" alt=\"{caption}\" src=\"data:image/png;base64,{data}\">"
        );
    }

    h.push_str("<h2>The run, block by block</h2>\n<ol class=\"story\">\n");
    for line in super::story::tell(run, 30) {
        let _ = writeln!(h, "<li>{}</li>", escape(&line));
    }
    h.push_str("</ol>\n</body></html>\n");
    std::fs::write(dir.join("report.html"), h)?;
    Ok(())
}

/// The summary table's rows: what a class or a reader looks at first.
fn summary_rows(target: &str, summary: &Summary) -> Vec<(&'static str, String)> {
    let mut rows = chain_rows(target, summary);
    rows.extend(network_rows(summary));
    rows.extend((summary.joins.joined_nodes > 0).then(|| {
        let text = joins_text(&summary.joins);
        ("Nodes that joined and copied the chain", text)
    }));
    rows.extend(
        (summary.routing.routing_outbound_mean_end.is_some()).then(|| {
            (
                "Routing nodes (connections)",
                routing_text(&summary.routing),
            )
        }),
    );
    rows.extend((summary.routing.routing_eclipse_victims > 0).then(|| {
        let text = eclipse_text(&summary.routing);
        ("Eclipse attack in the run (routing_eclipse.csv)", text)
    }));
    rows
}

/// The chain's rows: blocks, forks, payments' throughput and confirmation.
fn chain_rows(target: &str, summary: &Summary) -> Vec<(&'static str, String)> {
    vec![
        ("Blocks on the main chain", summary.blocks_main.to_string()),
        (
            "Block interval, target / measured mean",
            format!("{target} / {}", opt(summary.block_interval_s_mean, "s")),
        ),
        (
            "Stale blocks (rate)",
            format!(
                "{} ({:.2}%)",
                summary.blocks_stale,
                summary.stale_rate * 100.0
            ),
        ),
        (
            "Transactions per second, offered / confirmed",
            format!("{:.2} / {:.2}", summary.tps_offered, summary.tps_confirmed),
        ),
        (
            "Time to first inclusion (median)",
            opt(summary.inclusion_s_p50, "s"),
        ),
        (
            "Time to confirmations (median / 90%)",
            format!(
                "{} / {} ({} confirmations)",
                opt(summary.confirmation_s_p50, "s"),
                opt(summary.confirmation_s_p90, "s"),
                summary.confirmations
            ),
        ),
    ]
}

/// The network's rows: propagation, reorganisations, the chain's size and its cost.
fn network_rows(summary: &Summary) -> Vec<(&'static str, String)> {
    vec![
        (
            "Block reaches 50% / 90% / all nodes (median)",
            format!(
                "{} / {} / {}",
                opt(summary.propagation_s_p50, "s"),
                opt(summary.propagation_s_p90, "s"),
                opt(summary.propagation_s_p100, "s")
            ),
        ),
        (
            "Payment reaches 50% / 90% / all nodes (median)",
            if summary.tx_relay == "gossip" {
                format!(
                    "{} / {} / {}",
                    opt(summary.tx_propagation_s_p50, "s"),
                    opt(summary.tx_propagation_s_p90, "s"),
                    opt(summary.tx_propagation_s_p100, "s")
                )
            } else {
                "not tracked (payments along shortest paths)".into()
            },
        ),
        (
            "Reorganisations at nodes (deepest)",
            format!("{} ({} blocks)", summary.reorgs, summary.reorg_depth_max),
        ),
        (
            "Payments reverted / never re-mined",
            format!("{} / {}", summary.txs_reverted, summary.txs_reverted_lost),
        ),
        (
            "Chain size",
            format!(
                "{:.2} MB ({:.1} MB per day)",
                summary.chain_bytes as f64 / 1e6,
                summary.chain_bytes_per_day / 1e6
            ),
        ),
        ("Cost per confirmed payment", cost_text(&summary.cost)),
    ]
}

fn eclipse_text(r: &crate::node::routing::RoutingFigures) -> String {
    format!(
        "{} of {} victims eclipsed (eq. 3 expects {:.1}); the attacker held {:.1} outbound slots each on average, \
         a {:.2} share of tried at the restart; victims end {:.1} blocks behind on average",
        r.routing_eclipse_eclipsed,
        r.routing_eclipse_victims,
        r.routing_eclipse_p_theory_mean.unwrap_or(0.0) * f64::from(r.routing_eclipse_victims),
        r.routing_eclipse_outbound_attacker_mean.unwrap_or(0.0),
        r.routing_eclipse_attacker_share_mean.unwrap_or(0.0),
        r.routing_eclipse_behind_mean_end.unwrap_or(0.0),
    )
}

fn routing_text(r: &crate::node::routing::RoutingFigures) -> String {
    format!(
        "{} opened, {} refused (inbound full), {} timed out (nobody there), {} closed by departures and restarts; \
         at the end {:.1} outbound peers on average, at most {} inbound; {:.1} MB of addr messages",
        r.routing_connections,
        r.routing_refused,
        r.routing_timed_out,
        r.routing_closed,
        r.routing_outbound_mean_end.unwrap_or(0.0),
        r.routing_inbound_max_end.unwrap_or(0),
        r.routing_addr_bytes as f64 / 1e6
    )
}

fn joins_text(j: &crate::results::summary::JoinFigures) -> String {
    format!(
        "{} joined, {} synced; time to sync {} (median) / {} (90%); {:.1} MB downloaded each on average",
        j.joined_nodes,
        j.synced_nodes,
        opt(j.sync_s_p50, "s"),
        opt(j.sync_s_p90, "s"),
        j.ibd_downloaded_bytes_mean.unwrap_or(0.0) / 1e6
    )
}

/// What one confirmed payment cost, in words and units a reader knows.
fn cost_text(c: &crate::results::summary::CostFigures) -> String {
    let (Some(hashes), Some(joules)) = (c.cost_hashes_per_tx, c.cost_energy_j_per_tx) else {
        return "n/a (no payment confirmed)".into();
    };
    let coins = |sat: Option<f64>| sat.unwrap_or(0.0) / 1e8;
    let mut text = format!(
        "{hashes:.3e} hashes, {:.2} kWh; {:.6} coins of subsidy and {:.8} of fees",
        joules / 3.6e6,
        coins(c.cost_subsidy_sat_per_tx),
        coins(c.cost_fees_sat_per_tx)
    );
    if let Some(usd) = c.cost_paid_usd_per_tx {
        let _ = write!(text, " (${usd:.2})");
    }
    let kb = |b: Option<f64>| b.unwrap_or(0.0) / 1e3;
    let _ = write!(
        text,
        "; {:.2} kB stored, {:.1} kB relayed",
        kb(c.cost_stored_bytes_per_tx),
        kb(c.cost_relayed_bytes_per_tx)
    );
    text
}

/// The attacks' and faults' tables, when the run had any.
fn attack_and_fault_tables(h: &mut String, summary: &Summary) {
    if !summary.attacks.is_empty() {
        h.push_str("<h2>Attacks</h2>\n<table id=\"attacks\"><tr><th>attack</th><th>hashrate</th><th>attempts</th><th>successes</th><th>success rate</th><th>share of main-chain blocks</th></tr>\n");
        for a in &summary.attacks {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{:.0}%</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1}%</td></tr>",
                escape(&a.kind),
                a.hashrate * 100.0,
                a.attempts,
                a.successes,
                a.success_rate.map_or("n/a".into(), |r| format!("{:.4}", r)),
                a.revenue_share * 100.0
            );
        }
        h.push_str("</table>\n");
    }
    if !summary.faults.is_empty() {
        h.push_str("<h2>Faults</h2>\n<table id=\"faults\"><tr><th>fault</th><th>from</th><th>to</th><th>nodes</th><th>messages lost</th><th>deepest reorg after</th></tr>\n");
        for f in &summary.faults {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{:.0} s</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&f.kind),
                f.start_s,
                f.end_s.map_or("the end".into(), |e| format!("{e:.0} s")),
                f.nodes,
                f.messages_lost,
                f.reorg_depth_max_after
            );
        }
        h.push_str("</table>\n");
    }
}
