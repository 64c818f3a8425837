//! The cost of going faster, per grid point of a sweep (issue #18): what one confirmed
//! payment cost in energy and in bytes relayed, against the throughput the point
//! confirmed. Drawn from `sweep.csv`'s rows as `sweep_plots` reads them; a sweep made
//! before these columns existed has no such plot.

use super::chart::{both_formats, chart_on, err, finish, house_mesh, FONT, PALETTE, SIZE};
use super::sweep_plots::Row;
use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

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

fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, rows: &[&Row]) -> Result<()>
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE).map_err(err)?;
    let (left, right) = area.split_horizontally(SIZE.0 / 2);
    fn point(r: &Row, y: Option<f64>, unit: f64) -> (f64, f64, &str) {
        (r.tps_confirmed, y.unwrap_or(0.0) / unit, r.label.as_str())
    }
    let energy: Vec<_> = (rows.iter())
        .map(|r| point(r, r.energy_j_per_tx, 3.6e6))
        .collect();
    let bytes: Vec<_> = (rows.iter())
        .map(|r| point(r, r.relayed_bytes_per_tx, 1e3))
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

/// Draws `plots/cost_per_tx` from the grid points that confirmed a payment, when the
/// sweep has the cost columns.
pub(super) fn draw_cost_plot(plots: &Path, rows: &[Row]) -> Result<()> {
    let costed: Vec<&Row> = (rows.iter())
        .filter(|r| r.energy_j_per_tx.is_some() && r.relayed_bytes_per_tx.is_some())
        .collect();
    if costed.is_empty() {
        return Ok(());
    }
    both_formats!(plots.join("cost_per_tx"), |a| draw(a, &costed))
}
