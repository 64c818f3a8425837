//! Plots of a sweep, drawn from its `sweep.csv` so that `merge` can draw them too:
//! confirmed throughput against confirmation latency, and stale rate per grid point.

use super::plots::{both_formats, chart_on, err, finish, register_font, FONT, PALETTE, SIZE};
use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

struct Row {
    label: String,
    tps_confirmed: f64,
    confirmation_s_p50: Option<f64>,
    stale_rate: f64,
}

fn read_rows(table: &Path) -> Result<(Vec<String>, Vec<Row>)> {
    let mut r = crate::files::csv_reader(table).map_err(|e| anyhow::anyhow!(e.0))?;
    let header = r.headers()?.clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("{} has no {name} column", table.display()))
    };
    let (tps, conf, stale) = (
        col("tps_confirmed")?,
        col("confirmation_s_p50")?,
        col("stale_rate")?,
    );
    // The varied parameters sit between the point number and the first figure.
    let keys: Vec<String> = header
        .iter()
        .skip(1)
        .take(col("tps_offered")? - 1)
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.with_context(|| format!("reading {}", table.display()))?;
        // A number that is not finite is no point to draw.
        let num = |i: usize| {
            rec.get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|v| v.is_finite())
        };
        rows.push(Row {
            label: (1..=keys.len())
                .map(|i| rec.get(i).unwrap_or(""))
                .collect::<Vec<_>>()
                .join(", "),
            tps_confirmed: num(tps).unwrap_or(0.0),
            confirmation_s_p50: num(conf),
            stale_rate: num(stale).unwrap_or(0.0),
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
    let x_max = points
        .iter()
        .filter_map(|r| r.confirmation_s_p50)
        .fold(1.0, f64::max)
        * 1.25;
    let y_max = rows.iter().map(|r| r.tps_confirmed).fold(1.0, f64::max) * 1.2;
    let mut chart = chart_on(
        area,
        "Throughput against confirmation latency, one point per grid point",
        24,
        55,
        0f64..x_max,
        0f64..y_max,
    )?;
    chart
        .configure_mesh()
        .x_desc("median time to the configured confirmations (s)")
        .y_desc("confirmed transactions per second")
        .label_style((FONT, 18))
        .axis_desc_style((FONT, 20))
        .draw()
        .map_err(err)?;
    let label = format!("grid point ({})", keys.join(", "));
    chart
        .draw_series(points.iter().map(|r| {
            let at = (r.confirmation_s_p50.unwrap_or(0.0), r.tps_confirmed);
            EmptyElement::at(at)
                + Circle::new((0, 0), 7, PALETTE[0].filled())
                + Text::new(r.label.clone(), (10, -8), (FONT, 15))
        }))
        .map_err(err)?
        .label(label)
        .legend(|(x, y)| Circle::new((x + 9, y), 6, PALETTE[0].filled()));
    finish(&mut chart, area, SeriesLabelPosition::UpperRight)
}

fn draw_stale<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    keys: &[String],
    rows: &[Row],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let y_max = rows.iter().map(|r| r.stale_rate).fold(0.01, f64::max) * 1.2;
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
    chart
        .configure_mesh()
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
    finish(&mut chart, area, SeriesLabelPosition::UpperRight)
}

/// Draws `plots/tps_vs_confirmation` and `plots/stale_rate` from `dir/sweep.csv`.
pub fn draw_sweep_plots(dir: &Path) -> Result<()> {
    register_font();
    let (keys, rows) = read_rows(&dir.join("sweep.csv"))?;
    let plots = dir.join("plots");
    std::fs::create_dir_all(&plots)?;
    both_formats!(plots.join("tps_vs_confirmation"), |a| draw_tradeoff(
        a, &keys, &rows
    ))?;
    both_formats!(plots.join("stale_rate"), |a| draw_stale(a, &keys, &rows))?;
    super::attack_plots::draw_attack_plots(dir)
}
