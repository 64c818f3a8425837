//! The cost of going faster, per grid point of a sweep (issue #18): what one confirmed
//! payment cost in energy and in bytes relayed, against the throughput the point
//! confirmed. Drawn from `sweep.csv`; a sweep made before these columns existed has no
//! such plot.

use super::chart::{both_formats, chart_on, err, finish, house_mesh, FONT, PALETTE, SIZE};
use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

struct Point {
    label: String,
    tps: f64,
    kwh: f64,
    kilobytes: f64,
}

/// The grid points with a confirmed payment, or `None` without the cost columns.
fn read_points(table: &Path) -> Result<Option<Vec<Point>>> {
    let mut r = crate::files::csv_reader(table).map_err(|e| anyhow::anyhow!(e.0))?;
    let header = r.headers()?.clone();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(tps), Some(energy), Some(relayed), Some(last_key)) = (
        col("tps_confirmed"),
        col("cost_energy_j_per_tx"),
        col("cost_relayed_bytes_per_tx"),
        col("replicates"),
    ) else {
        return Ok(None);
    };
    let keys: Vec<usize> = (1..last_key).filter(|&i| header[i].contains('.')).collect();
    let mut points = Vec::new();
    for rec in r.records() {
        let rec = rec?;
        let num = |i: usize| rec.get(i).and_then(|v| v.parse::<f64>().ok());
        let (Some(t), Some(e), Some(b)) = (num(tps), num(energy), num(relayed)) else {
            continue; // nothing confirmed at this point: no cost per payment
        };
        let label = keys
            .iter()
            .map(|&i| rec.get(i).unwrap_or(""))
            .collect::<Vec<_>>();
        points.push(Point {
            label: label.join(", "),
            tps: t,
            kwh: e / 3.6e6,
            kilobytes: b / 1e3,
        });
    }
    Ok(Some(points).filter(|p| p.iter().all(|p| p.tps.is_finite() && p.kwh.is_finite())))
}

/// One panel: a figure per point against confirmed throughput, each point labelled.
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (title, y_desc): (&str, &str),
    points: &[(f64, f64, &str)],
    colour: RGBColor,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let x_max = points.iter().map(|p| p.0).fold(1.0, f64::max) * 1.3;
    let y_max = points.iter().map(|p| p.1).fold(1e-9, f64::max) * 1.2;
    let mut chart = chart_on(area, title, 20, 55, 0f64..x_max, 0f64..y_max)?;
    house_mesh(&mut chart)
        .x_desc("confirmed transactions per second")
        .y_desc(y_desc)
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 17))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(points.iter().map(|&(x, y, label)| {
            EmptyElement::at((x, y))
                + Circle::new((0, 0), 6, colour.filled())
                + Text::new(label.to_string(), (8, -14), (FONT, 13))
        }))
        .map_err(err)?
        .label("grid point")
        .legend(move |(x, y)| Circle::new((x + 9, y), 6, colour.filled()));
    finish(&mut chart, area, SeriesLabelPosition::UpperRight)
}

fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, points: &[Point]) -> Result<()>
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE).map_err(err)?;
    let (left, right) = area.split_horizontally(SIZE.0 / 2);
    let energy: Vec<_> = (points.iter())
        .map(|p| (p.tps, p.kwh, p.label.as_str()))
        .collect();
    let bytes: Vec<_> = (points.iter())
        .map(|p| (p.tps, p.kilobytes, p.label.as_str()))
        .collect();
    let titles = (
        ("Energy per confirmed payment", "kWh (cost.joules_per_hash)"),
        (
            "Bytes relayed per confirmed payment",
            "kB sent by all nodes",
        ),
    );
    panel(&left, titles.0, &energy, PALETTE[5])?;
    panel(&right, titles.1, &bytes, PALETTE[0])
}

/// Draws `plots/cost_per_tx` from `dir/sweep.csv`, when it has the cost columns.
pub(super) fn draw_cost_plot(dir: &Path) -> Result<()> {
    let Some(points) = read_points(&dir.join("sweep.csv"))? else {
        return Ok(());
    };
    if points.is_empty() {
        return Ok(());
    }
    both_formats!(dir.join("plots").join("cost_per_tx"), |a| draw(a, &points))
}
