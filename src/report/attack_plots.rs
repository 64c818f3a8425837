//! Attack sweeps against theory, drawn from `sweep.csv`: double-spend success against
//! confirmations (simulated points with 2-standard-error bars over Rosenfeld's, or the
//! level-start, curve and Nakamoto's), and selfish revenue against hashrate over
//! Eyal and Sirer's curve.

use super::plots::{both_formats, chart_on, err, finish, house_mesh, FONT, PALETTE, SIZE};
use super::theory;
use anyhow::{Context, Result};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

struct Point {
    hashrate: f64,
    confirmations: Option<u32>,
    gamma: Option<f64>,
    premine: bool,
    success_rate: Option<f64>,
    success_rate_se: Option<f64>,
    revenue_share: Option<f64>,
}

/// The attack rows of a sweep table, with the attack kind; none when it has no attack.
fn read_points(table: &Path) -> Result<Option<(String, Vec<Point>)>> {
    let mut r = crate::files::csv_reader(table).map_err(|e| anyhow::anyhow!(e.0))?;
    let header = r.headers()?.clone();
    let col = |name: &str| header.iter().position(|h| h == name);
    let Some(kind_col) = col("attack0_kind") else {
        return Ok(None);
    };
    let mut kind = None;
    let mut points = Vec::new();
    for rec in r.records() {
        let rec = rec.with_context(|| format!("reading {}", table.display()))?;
        let text = |name: &str| col(name).and_then(|i| rec.get(i)).unwrap_or("");
        let num = |name: &str| text(name).parse::<f64>().ok().filter(|v| v.is_finite());
        let row_kind = rec.get(kind_col).unwrap_or("");
        if row_kind.is_empty() {
            continue;
        }
        kind.get_or_insert_with(|| row_kind.to_string());
        points.push(Point {
            hashrate: num("attack0_hashrate").unwrap_or(0.0),
            confirmations: text("attack0_confirmations").parse().ok(),
            gamma: num("attack0_gamma"),
            premine: text("attack0_premine") == "true",
            success_rate: num("attack0_success_rate"),
            success_rate_se: num("attack0_success_rate_se"),
            revenue_share: num("attack0_revenue_share"),
        });
    }
    Ok(kind.map(|k| (k, points)))
}

/// Distinct values, in ascending order.
fn distinct(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

/// Probabilities are drawn as log10 on a linear axis labelled in powers of ten.
const FLOOR: f64 = -4.0;

fn log_p(p: f64) -> f64 {
    p.max(10f64.powf(FLOOR)).log10()
}

fn draw_double_spend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[Point],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let z_max = points
        .iter()
        .filter_map(|p| p.confirmations)
        .max()
        .unwrap_or(1);
    let mut chart = chart_on(
        area,
        &format!(
            "Double-spend success: simulated (points, ±2 SE), {} (solid), Nakamoto (dashed)",
            if points.iter().any(|p| p.premine) {
                "Rosenfeld"
            } else {
                "exact level-start count"
            }
        ),
        22,
        55,
        0.5f64..f64::from(z_max) + 0.5,
        FLOOR..0.05,
    )?;
    house_mesh(&mut chart)
        .x_desc("confirmations the merchant waits for (z)")
        .y_desc("attacker's success probability")
        .y_labels((-FLOOR) as usize + 1)
        .y_label_formatter(&|y| {
            if (y - y.round()).abs() < 1e-9 {
                format!("{}", 10f64.powi(y.round() as i32))
            } else {
                String::new()
            }
        })
        .x_labels(z_max as usize + 1)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .label_style((FONT, 18))
        .axis_desc_style((FONT, 20))
        .draw()
        .map_err(err)?;
    let premine = points.iter().any(|p| p.premine);
    for (i, q) in distinct(points.iter().map(|p| p.hashrate))
        .into_iter()
        .enumerate()
    {
        let colour = PALETTE[i % PALETTE.len()];
        draw_double_spend_series(&mut chart, points, q, colour, (premine, z_max))?;
    }
    finish(&mut chart, area, SeriesLabelPosition::LowerLeft)
}

/// One attacker hashrate's curves (exact or Rosenfeld solid, Nakamoto dashed) and its
/// simulated points with ±2 SE bars.
fn draw_double_spend_series<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    points: &[Point],
    q: f64,
    colour: RGBColor,
    (premine, z_max): (bool, u32),
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let exact = |z: u32| {
        if premine {
            theory::rosenfeld(q, z)
        } else {
            theory::exact_without_premine(q, z)
        }
    };
    let zs = 1..=z_max;
    chart
        .draw_series(LineSeries::new(
            zs.clone().map(|z| (f64::from(z), log_p(exact(z)))),
            colour.stroke_width(2),
        ))
        .map_err(err)?
        .label(format!("attacker's hashrate q = {q}"))
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(2)));
    chart
        .draw_series(DashedLineSeries::new(
            zs.map(|z| (f64::from(z), log_p(theory::nakamoto(q, z)))),
            6,
            4,
            colour.stroke_width(1),
        ))
        .map_err(err)?;
    let mine: Vec<&Point> = points.iter().filter(|p| p.hashrate == q).collect();
    chart
        .draw_series(mine.iter().filter_map(|p| {
            let (z, rate, se) = (p.confirmations?, p.success_rate?, p.success_rate_se?);
            let x = f64::from(z);
            Some(ErrorBar::new_vertical(
                x,
                log_p(rate - 2.0 * se),
                log_p(rate),
                log_p(rate + 2.0 * se),
                colour.filled(),
                10,
            ))
        }))
        .map_err(err)?;
    chart
        .draw_series(mine.iter().filter_map(|p| {
            Some(Circle::new(
                (f64::from(p.confirmations?), log_p(p.success_rate?)),
                6,
                colour.filled(),
            ))
        }))
        .map_err(err)?;
    Ok(())
}

fn draw_selfish<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, points: &[Point]) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let mut chart = chart_on(
        area,
        "Selfish mining: share of main-chain blocks against hashrate",
        22,
        55,
        0f64..0.5,
        0f64..1.0,
    )?;
    house_mesh(&mut chart)
        .x_desc("selfish miner's hashrate share (α)")
        .y_desc("selfish miner's share of main-chain blocks")
        .label_style((FONT, 18))
        .axis_desc_style((FONT, 20))
        .draw()
        .map_err(err)?;
    let grey = RGBColor(120, 120, 120);
    chart
        .draw_series(LineSeries::new(
            [(0.0, 0.0), (0.5, 0.5)],
            grey.stroke_width(1),
        ))
        .map_err(err)?
        .label("honest mining (share = α)")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], grey.stroke_width(1)));
    let gammas = distinct(points.iter().filter_map(|p| p.gamma));
    for (i, g) in gammas.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        chart
            .draw_series(LineSeries::new(
                (0..=98).map(|k| {
                    let a = f64::from(k) * 0.005;
                    (a, theory::selfish_revenue(a, *g).max(0.0))
                }),
                colour.stroke_width(2),
            ))
            .map_err(err)?
            .label(format!("γ = {g}: Eyal & Sirer"))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(2)));
    }
    for p in points {
        let i = p
            .gamma
            .and_then(|g| gammas.iter().position(|x| *x == g))
            .unwrap_or(gammas.len());
        let colour = PALETTE[i % PALETTE.len()];
        if let Some(share) = p.revenue_share {
            chart
                .draw_series([Circle::new((p.hashrate, share), 6, colour.filled())])
                .map_err(err)?;
        }
    }
    finish(&mut chart, area, SeriesLabelPosition::UpperLeft)
}

/// Draws `plots/double_spend` or `plots/selfish_revenue` when the sweep varied an attack.
pub fn draw_attack_plots(dir: &Path) -> Result<()> {
    let Some((kind, points)) = read_points(&dir.join("sweep.csv"))? else {
        return Ok(());
    };
    let plots = dir.join("plots");
    match kind.as_str() {
        "double-spend" => {
            both_formats!(plots.join("double_spend"), |a| draw_double_spend(
                a, &points
            ))
        }
        "selfish" => both_formats!(plots.join("selfish_revenue"), |a| draw_selfish(a, &points)),
        _ => Ok(()),
    }
}
