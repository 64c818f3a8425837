//! Empirical distribution plots (CDFs): on a linear axis, or a logarithmic one where
//! the tail is long (a partition's stragglers arrive many minutes after the median).

use super::chart::{chart_on, err, finish, house_mesh, titles, FONT, PALETTE};
use anyhow::Result;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

/// A sample whose largest value is this many times its median is drawn on a
/// logarithmic axis: on a linear one the body would be squeezed against zero.
const LONG_TAIL: f64 = 20.0;

/// The CDF's points, thinned to at most about 1,000, from (0, 0) to (max, 1).
fn points(sorted: &[f64]) -> Vec<(f64, f64)> {
    let step = (sorted.len() / 1000).max(1);
    let n = sorted.len() as f64;
    std::iter::once((0.0, 0.0))
        .chain(
            (sorted.iter().enumerate())
                .step_by(step)
                .map(|(k, &x)| (x, (k + 1) as f64 / n)),
        )
        .chain(sorted.last().map(|&x| (x, 1.0)))
        .collect()
}

fn long_tailed(series: &[(&str, Vec<f64>)]) -> bool {
    series.iter().any(|(_, v)| {
        let median = v.get(v.len() / 2).copied().unwrap_or(0.0);
        v.len() >= 10 && median > 0.0 && v[v.len() - 1] > LONG_TAIL * median
    })
}

/// Each sample's CDF as a line with its legend entry, the points `keep` keeps.
fn lines<DB: DrawingBackend, X: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, RangedCoordf64>>,
    series: &[(&str, Vec<f64>)],
    keep: impl Fn(&(f64, f64)) -> bool,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    for (i, (name, sorted)) in series.iter().enumerate() {
        if sorted.is_empty() {
            continue; // no legend entry for a sample with nothing in it
        }
        let color = PALETTE[i % PALETTE.len()];
        let line = points(sorted).into_iter().filter(&keep);
        chart
            .draw_series(LineSeries::new(line, color.stroke_width(3)))
            .map_err(err)?
            .label(*name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3))
            });
    }
    Ok(())
}

/// Empirical CDFs of several samples on one chart.
pub(crate) fn draw_cdf<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    x_label: &str,
    series: &[(&str, Vec<f64>)],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    if long_tailed(series) {
        return draw_cdf_log(area, title, x_label, series);
    }
    let x_max = (series.iter())
        .filter_map(|(_, v)| v.last().copied())
        .fold(0.0f64, f64::max)
        .max(1e-3)
        * 1.05;
    let mut chart = chart_on(area, title, 28, 55, 0f64..x_max, 0f64..1.0f64)?;
    house_mesh(&mut chart)
        .x_desc(x_label)
        .y_desc("cumulative fraction")
        .label_style((FONT, 18))
        .axis_desc_style((FONT, 20))
        .draw()
        .map_err(err)?;
    lines(&mut chart, series, |_| true)?;
    finish(&mut chart, area, SeriesLabelPosition::LowerRight)
}

/// As [`draw_cdf`], on a logarithmic time axis (the zeros left out: a log axis has
/// none, and they are the node that mined the block).
fn draw_cdf_log<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    x_label: &str,
    series: &[(&str, Vec<f64>)],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let positive = || {
        series
            .iter()
            .flat_map(|(_, v)| v.iter().copied())
            .filter(|&x| x > 0.0)
    };
    let lo = positive().fold(f64::INFINITY, f64::min).max(1e-6) / 1.5;
    let hi = positive().fold(0.0, f64::max).max(lo * 10.0) * 1.5;
    area.fill(&WHITE).map_err(err)?;
    let mut builder = ChartBuilder::on(area);
    if titles() {
        builder.caption(title, (FONT, 28));
    }
    let mut chart = (builder
        .margin(20)
        .x_label_area_size(55)
        .y_label_area_size(75))
    .build_cartesian_2d((lo..hi).log_scale(), 0f64..1.0f64)
    .map_err(err)?;
    house_mesh(&mut chart)
        .x_desc(format!("{x_label} (logarithmic scale)"))
        .y_desc("cumulative fraction")
        .label_style((FONT, 18))
        .axis_desc_style((FONT, 20))
        .draw()
        .map_err(err)?;
    lines(&mut chart, series, |p| p.0 > 0.0)?;
    finish(&mut chart, area, SeriesLabelPosition::LowerRight)
}
