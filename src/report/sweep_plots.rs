//! Plots of a sweep, drawn from its `sweep.csv` so that `merge` can draw them too:
//! confirmed throughput against confirmation latency, and stale rate per grid point.

use super::plots::{
    both_formats, chart_on, err, finish, house_mesh, register_font, FONT, PALETTE, SIZE,
};
use anyhow::{Context, Result};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

pub(super) struct Row {
    pub(super) label: String,
    pub(super) tps_confirmed: f64,
    tps_ci: Option<f64>,
    confirmation_s_p50: Option<f64>,
    confirmation_ci: Option<f64>,
    stale_rate: f64,
    stale_ci: Option<f64>,
    /// What a confirmed payment cost (absent from sweeps made before these columns,
    /// and where nothing was confirmed).
    pub(super) energy_j_per_tx: Option<f64>,
    pub(super) relayed_bytes_per_tx: Option<f64>,
}

/// The swept keys (the parameter columns written as key paths) and one row per point,
/// with each figure's 95% half-width when the sweep had replicates.
fn read_rows(table: &Path) -> Result<(Vec<String>, Vec<Row>)> {
    let mut r = crate::files::csv_reader(table).map_err(|e| anyhow::anyhow!(e.0))?;
    let header = r.headers()?.clone();
    let col = |name: &str| header.iter().position(|h| h == name);
    let need =
        |name: &str| col(name).with_context(|| format!("{} has no {name} column", table.display()));
    let (tps, conf, stale) = (
        need("tps_confirmed")?,
        need("confirmation_s_p50")?,
        need("stale_rate")?,
    );
    let ci = |name: &str| col(&format!("{name}_ci95"));
    let (tps_ci, conf_ci, stale_ci) = (
        ci("tps_confirmed"),
        ci("confirmation_s_p50"),
        ci("stale_rate"),
    );
    // The parameters sit between the point number and `replicates`; their SI twins
    // (block_interval_s beside consensus.block_interval) are left out of labels.
    let key_cols: Vec<usize> = (1..need("replicates")?)
        .filter(|&i| header[i].contains('.'))
        .collect();
    let keys = key_cols.iter().map(|&i| header[i].to_string()).collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.with_context(|| format!("reading {}", table.display()))?;
        // A number that is not finite is no point to draw.
        let num = |i: Option<usize>| {
            i.and_then(|i| rec.get(i))
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|v| v.is_finite())
        };
        let label = match key_cols.is_empty() {
            true => format!("point {}", rec.get(0).unwrap_or("")),
            false => key_cols
                .iter()
                .map(|&i| rec.get(i).unwrap_or(""))
                .collect::<Vec<_>>()
                .join(", "),
        };
        rows.push(Row {
            label,
            tps_confirmed: num(Some(tps)).unwrap_or(0.0),
            tps_ci: num(tps_ci),
            confirmation_s_p50: num(Some(conf)),
            confirmation_ci: num(conf_ci),
            stale_rate: num(Some(stale)).unwrap_or(0.0),
            stale_ci: num(stale_ci),
            energy_j_per_tx: num(col("cost_energy_j_per_tx")),
            relayed_bytes_per_tx: num(col("cost_relayed_bytes_per_tx")),
        });
    }
    Ok((keys, rows))
}

fn draw_tradeoff<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    keys: &[String],
    rows: &[Row],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let points: Vec<&Row> = rows
        .iter()
        .filter(|r| r.confirmation_s_p50.is_some())
        .collect();
    let x_max = (points.iter())
        .filter_map(|r| Some(r.confirmation_s_p50? + r.confirmation_ci.unwrap_or(0.0)))
        .fold(1.0, f64::max)
        * 1.25;
    let y_max = (rows.iter())
        .map(|r| r.tps_confirmed + r.tps_ci.unwrap_or(0.0))
        .fold(1.0, f64::max)
        * 1.2;
    let mut chart = chart_on(
        area,
        "Throughput against confirmation latency, one point per grid point",
        24,
        55,
        0f64..x_max,
        0f64..y_max,
    )?;
    house_mesh(&mut chart)
        .x_desc("median time to the configured confirmations (s)")
        .y_desc("confirmed transactions per second")
        .label_style((FONT, 18))
        .axis_desc_style((FONT, 20))
        .draw()
        .map_err(err)?;
    let label = format!("grid point ({})", keys.join(", "));
    let offsets = label_offsets(&chart, &points);
    chart
        .draw_series(points.iter().zip(offsets).map(|(r, dy)| {
            let at = (r.confirmation_s_p50.unwrap_or(0.0), r.tps_confirmed);
            EmptyElement::at(at)
                + Circle::new((0, 0), 7, PALETTE[0].filled())
                + Text::new(r.label.clone(), (10, dy), (FONT, 15))
        }))
        .map_err(err)?
        .label(label)
        .legend(|(x, y)| Circle::new((x + 9, y), 6, PALETTE[0].filled()));
    // 95% intervals over the replicates, both ways, when there are several.
    chart
        .draw_series(points.iter().filter_map(|r| {
            let (x, y) = (r.confirmation_s_p50?, r.tps_confirmed);
            let ci = r.tps_ci?;
            Some(ErrorBar::new_vertical(
                x,
                y - ci,
                y,
                y + ci,
                PALETTE[0].filled(),
                10,
            ))
        }))
        .map_err(err)?;
    chart
        .draw_series(points.iter().filter_map(|r| {
            let (x, y) = (r.confirmation_s_p50?, r.tps_confirmed);
            let ci = r.confirmation_ci?;
            Some(ErrorBar::new_horizontal(
                y,
                x - ci,
                x,
                x + ci,
                PALETTE[0].filled(),
                10,
            ))
        }))
        .map_err(err)?;
    finish(&mut chart, area, SeriesLabelPosition::UpperRight)
}

/// Vertical pixel offsets for the points' labels so that no two overlap: each label
/// (about 8 px a character, 16 px high) starts just above-right of its point and moves
/// down in 17 px steps until it clears every label placed before it.
fn label_offsets<DB: DrawingBackend>(
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    points: &[&Row],
) -> Vec<i32> {
    let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
    let mut offsets = Vec::new();
    for r in points {
        let (px, py) = chart.backend_coord(&(r.confirmation_s_p50.unwrap_or(0.0), r.tps_confirmed));
        let width = 8 * r.label.chars().count() as i32;
        let mut dy = -8;
        for _ in 0..12 {
            let (x0, y0) = (px + 10, py + dy);
            let clear = placed
                .iter()
                .all(|&(a, b, c, d)| x0 + width < a || x0 > c || y0 + 16 < b || y0 > d);
            if clear {
                break;
            }
            dy += 17;
        }
        placed.push((px + 10, py + dy, px + 10 + width, py + dy + 16));
        offsets.push(dy);
    }
    offsets
}

fn draw_stale<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    keys: &[String],
    rows: &[Row],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let y_max = (rows.iter())
        .map(|r| r.stale_rate + r.stale_ci.unwrap_or(0.0))
        .fold(0.01, f64::max)
        * 1.2;
    let n = rows.len();
    let mut chart = chart_on(
        area,
        "Stale block rate per grid point",
        24,
        70,
        -0.5f64..n as f64 - 0.5,
        0f64..y_max,
    )?;
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    house_mesh(&mut chart)
        .disable_x_mesh()
        .x_labels(n.min(24))
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .x_desc(keys.join(", "))
        .y_desc("stale blocks / all blocks")
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 20))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(rows.iter().enumerate().map(|(i, r)| {
            Rectangle::new(
                [(i as f64 - 0.35, 0.0), (i as f64 + 0.35, r.stale_rate)],
                PALETTE[1].filled(),
            )
        }))
        .map_err(err)?
        .label("stale rate")
        .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], PALETTE[1].filled()));
    chart
        .draw_series(rows.iter().enumerate().filter_map(|(i, r)| {
            let (y, ci) = (r.stale_rate, r.stale_ci?);
            Some(ErrorBar::new_vertical(
                i as f64,
                (y - ci).max(0.0),
                y,
                y + ci,
                BLACK.filled(),
                12,
            ))
        }))
        .map_err(err)?;
    finish(&mut chart, area, SeriesLabelPosition::UpperRight)
}

/// Draws `plots/tps_vs_confirmation` and `plots/stale_rate` from `dir/sweep.csv`.
pub fn draw_sweep_plots(dir: &Path, style: super::plots::PlotStyle) -> Result<()> {
    super::plots::styled(style, || draw_all(dir))
}

fn draw_all(dir: &Path) -> Result<()> {
    register_font();
    let (keys, rows) = read_rows(&dir.join("sweep.csv"))?;
    let plots = dir.join("plots");
    std::fs::create_dir_all(&plots)?;
    both_formats!(plots.join("tps_vs_confirmation"), |a| draw_tradeoff(
        a, &keys, &rows
    ))?;
    both_formats!(plots.join("stale_rate"), |a| draw_stale(a, &keys, &rows))?;
    super::sweep_cost::draw_cost_plot(&plots, &rows)?;
    super::eclipse_plot::draw_eclipse_plot(dir)?;
    super::attack_plots::draw_attack_plots(dir)
}
