//! The eclipse attack's success against the attacker's addresses, one curve per attack
//! length, beside Heilman et al.'s eq. 3 at the simulated tried share (issue #18:
//! "success probability against the number of attacker addresses and attack time,
//! compared with the paper's analysis"). Drawn from a sweep's `sweep.csv` when it has
//! the eclipse columns and more than one attacker size.

use super::chart::{both_formats, chart_on, err, finish, house_mesh, FONT, PALETTE, SIZE};
use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

struct Point {
    /// The attacker's addresses (groups × per group).
    addresses: f64,
    /// The attack's length (s), and as the scenario writes it: one curve each.
    attack_s: f64,
    attack: String,
    success: f64,
    /// One standard error (the trials'), or the replicates' 95% half-width.
    spread: f64,
    theory: f64,
}

fn read_points(table: &Path) -> Result<Vec<Point>> {
    let mut r = crate::files::csv_reader(table).map_err(|e| anyhow::anyhow!(e.0))?;
    let header = r.headers()?.clone();
    let col = |name: &str| header.iter().position(|h| h == name);
    if col("eclipse_success").is_none() {
        return Ok(Vec::new());
    }
    let mut points = Vec::new();
    for rec in r.records() {
        let rec = rec.with_context(|| format!("reading {}", table.display()))?;
        let num = |name: &str| {
            col(name)
                .and_then(|i| rec.get(i))
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|v| v.is_finite())
        };
        let figures = (
            num("eclipse_addresses").filter(|&a| a >= 1.0),
            num("eclipse_attack_s"),
            num("eclipse_success"),
            num("eclipse_p_theory"),
        );
        let (Some(addresses), Some(attack_s), Some(success), Some(theory)) = figures else {
            continue;
        };
        let spread = num("eclipse_success_ci95").or(num("eclipse_success_se"));
        points.push(Point {
            addresses,
            attack_s,
            attack: crate::scenario::Duration((attack_s * 1e9).round() as u64).to_string(),
            success,
            spread: spread.unwrap_or(0.0),
            theory,
        });
    }
    // One point, or one attacker size: no curve to draw.
    let sizes = points
        .iter()
        .map(|p| p.addresses.to_bits())
        .collect::<std::collections::BTreeSet<_>>();
    Ok(if sizes.len() > 1 { points } else { Vec::new() })
}

fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, points: &[Point]) -> Result<()>
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE).map_err(err)?;
    // Addresses on a log10 axis, labelled in addresses.
    let lg = |p: &Point| p.addresses.log10();
    let x_min = points.iter().map(lg).fold(f64::INFINITY, f64::min) - 0.15;
    let x_max = points.iter().map(lg).fold(f64::NEG_INFINITY, f64::max) + 0.15;
    let title = "Eclipse attacks: share of victims eclipsed";
    let mut chart = chart_on(area, title, 26, 60, x_min..x_max, 0f64..1.05)?;
    house_mesh(&mut chart)
        .x_label_formatter(&|v| format!("{:.0}", 10f64.powf(*v)))
        .x_desc("attacker addresses (groups × addresses per group, log scale)")
        .y_desc("victims eclipsed")
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 17))
        .draw()
        .map_err(err)?;
    let mut by_length: Vec<(f64, &str)> = points
        .iter()
        .map(|p| (p.attack_s, p.attack.as_str()))
        .collect();
    by_length.sort_by(|a, b| a.0.total_cmp(&b.0));
    by_length.dedup_by(|a, b| a.0 == b.0);
    let attacks: Vec<&str> = by_length.into_iter().map(|(_, a)| a).collect();
    for (i, attack) in attacks.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let mut curve: Vec<&Point> = points.iter().filter(|p| p.attack == *attack).collect();
        curve.sort_by(|a, b| a.addresses.total_cmp(&b.addresses));
        let at = |p: &&Point| (p.addresses.log10(), p.success);
        chart
            .draw_series(LineSeries::new(
                curve.iter().map(at),
                colour.stroke_width(3),
            ))
            .map_err(err)?
            .label(format!("simulated, attack {attack}"))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 22, y)], colour.stroke_width(3)));
        chart
            .draw_series(curve.iter().map(|p| {
                let (lo, hi) = (
                    (p.success - p.spread).max(0.0),
                    (p.success + p.spread).min(1.0),
                );
                ErrorBar::new_vertical(p.addresses.log10(), lo, p.success, hi, colour.filled(), 8)
            }))
            .map_err(err)?;
        let dashed = curve.iter().map(|p| (p.addresses.log10(), p.theory));
        chart
            .draw_series(DashedLineSeries::new(dashed, 8, 6, colour.stroke_width(2)))
            .map_err(err)?
            .label(format!("Heilman et al. eq. 3 (dashed), attack {attack}"))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 22, y)], colour.stroke_width(1)));
    }
    finish(&mut chart, area, SeriesLabelPosition::UpperLeft)
}

/// Draws `plots/eclipse_success` when the sweep varied the eclipse attacker's size.
pub fn draw_eclipse_plot(dir: &Path) -> Result<()> {
    let points = read_points(&dir.join("sweep.csv"))?;
    if points.is_empty() {
        return Ok(());
    }
    both_formats!(dir.join("plots").join("eclipse_success"), |a| draw(
        a, &points
    ))
}
