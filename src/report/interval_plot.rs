//! The block interval over time (issue #18: miners leaving and arriving, and the
//! retarget's answer): each main-chain interval as a faint point, their mean over each
//! retarget period (blocks mined at one difficulty) as a step, the target interval, and the honest hashrate the
//! schedule sets (`mining.schedule`) on its own scale below.

use super::chart::{chart_on, err, finish, house_mesh, FONT, PALETTE, SIZE};
use crate::results::RunResults;
use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Whether the run has something for this plot to show: a schedule, or a retarget.
pub fn wanted(run: &RunResults) -> bool {
    let interval = run.scenario.consensus.retarget_interval;
    !run.scenario.mining.schedule.is_empty() || (interval > 0 && run.summary.blocks_main > interval)
}

/// The honest hashrate relative to the start, as (moment s, factor) after each step.
pub fn honest_hashrate(run: &RunResults) -> Vec<(f64, f64)> {
    let shares = run.scenario.miner_shares();
    let mut own = vec![1.0; shares.len()];
    let mut network = 1.0;
    let mut steps = vec![(0.0, 1.0)];
    for step in &run.scenario.mining.schedule {
        match step.miner {
            Some(m) => own[m as usize] = step.hashrate,
            None => network = step.hashrate,
        }
        let now: f64 = shares.iter().zip(&own).map(|(s, f)| s * f).sum();
        steps.push((step.at.secs(), network * now / shares.iter().sum::<f64>()));
    }
    steps
}

/// (moment s, seconds since the block below) for each main-chain block above genesis
/// mined in the run (the history's blocks, ids 1 to `history`, all stand at 0 s).
fn intervals(run: &RunResults) -> Vec<(f64, f64)> {
    let history = run.scenario.history_blocks() as usize;
    let mut main: Vec<f64> = (run.blocks.iter().enumerate())
        .filter(|&(id, b)| b.main_chain && (id == 0 || id > history))
        .map(|(_, b)| b.mined_s)
        .collect();
    main.sort_by(f64::total_cmp);
    main.windows(2).map(|w| (w[1], w[1] - w[0])).collect()
}

pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, run: &RunResults) -> Result<()>
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE).map_err(err)?;
    let (top, bottom) = area.split_vertically(SIZE.1 * 68 / 100);
    let points = intervals(run);
    let end_s = points.last().map_or(1.0, |p| p.0).max(1e-3);
    let (unit, scale) = match end_s {
        s if s < 7_200.0 => ("minutes", 60.0),
        s if s < 4.0 * 86_400.0 => ("hours", 3_600.0),
        _ => ("days", 86_400.0),
    };
    let target_min = run.scenario.consensus.block_interval.secs() / 60.0;
    let window = match run.scenario.consensus.retarget_interval {
        0 => 10,
        n => (n as usize).clamp(2, 2016),
    };
    // One mean per retarget period (blocks of one difficulty), drawn across its time.
    // Bitcoin retargets at heights that are multiples of the interval, so the first
    // period holds heights 1 to interval − 1 (points[i] is height i + 1).
    let first = (window - 1).min(points.len());
    let periods = std::iter::once(&points[..first]).chain(points[first..].chunks(window));
    let mut mean = Vec::new();
    let mut start = 0.0;
    for period in periods.filter(|p| !p.is_empty()) {
        let avg = period.iter().map(|p| p.1).sum::<f64>() / period.len() as f64 / 60.0;
        let end = period[period.len() - 1].0 / scale;
        mean.extend([(start, avg), (end, avg)]);
        start = end;
    }
    let y_max = (mean.iter().map(|p| p.1))
        .fold(target_min, f64::max)
        .max(target_min * 2.0)
        * 1.3;
    let x_max = end_s / scale * 1.02;
    let title = format!("Block interval over time ({})", run.scenario.name);
    let mut chart = chart_on(&top, &title, 24, 35, 0f64..x_max, 0f64..y_max)?;
    house_mesh(&mut chart)
        .y_desc("minutes between blocks")
        .label_style((FONT, 16))
        .axis_desc_style((FONT, 18))
        .draw()
        .map_err(err)?;
    let faint = PALETTE[4].mix(0.35);
    let raw = (points.iter())
        .map(|p| (p.0 / scale, p.1 / 60.0))
        .filter(|p| p.1 <= y_max);
    chart
        .draw_series(raw.map(|p| Circle::new(p, 2, faint.filled())))
        .map_err(err)?
        .label("each interval")
        .legend(move |(x, y)| Circle::new((x + 9, y), 3, faint.filled()));
    let line = PALETTE[0].stroke_width(3);
    chart
        .draw_series(LineSeries::new(mean, line))
        .map_err(err)?
        .label(match run.scenario.consensus.retarget_interval {
            0 => format!("mean of each {window} blocks"),
            _ => format!("mean of each retarget period ({window} blocks)"),
        })
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], line));
    let target = BLACK.stroke_width(1);
    chart
        .draw_series(DashedLineSeries::new(
            [(0.0, target_min), (x_max, target_min)],
            8,
            6,
            target,
        ))
        .map_err(err)?
        .label("target interval")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], target));
    finish(&mut chart, &top, SeriesLabelPosition::UpperRight)?;
    draw_hashrate(&bottom, run, (unit, scale, x_max))
}

/// The lower panel: the honest hashrate as a step line.
fn draw_hashrate<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    run: &RunResults,
    (unit, scale, x_max): (&str, f64, f64),
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let steps = honest_hashrate(run);
    let y_max = steps.iter().map(|s| s.1).fold(1.0, f64::max) * 1.25;
    let mut chart = chart_on(area, "", 0, 50, 0f64..x_max, 0f64..y_max)?;
    house_mesh(&mut chart)
        .x_desc(format!("simulated time ({unit})"))
        .y_desc("honest hashrate (× start)")
        .label_style((FONT, 16))
        .axis_desc_style((FONT, 18))
        .draw()
        .map_err(err)?;
    let mut line = Vec::new();
    for (i, &(t, f)) in steps.iter().enumerate() {
        if i > 0 {
            line.push((t / scale, steps[i - 1].1));
        }
        line.push((t / scale, f));
    }
    line.push((x_max, steps.last().map_or(1.0, |s| s.1)));
    let colour = PALETTE[5].stroke_width(3);
    chart
        .draw_series(LineSeries::new(line, colour))
        .map_err(err)?;
    area.present().map_err(err)
}
