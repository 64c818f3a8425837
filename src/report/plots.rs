//! Plots drawn with plotters, as PNG and SVG, in pure Rust: text is rendered with the
//! DejaVu Sans font shipped in `assets/fonts/`, so no system fonts are needed.

use super::cdf::draw_cdf;
pub(crate) use super::chart::{
    both_formats, chart_on, err, finish, house_mesh, register_font, styled, PlotStyle, FONT,
    PALETTE, SIZE,
};
use super::summary::Summary;
use crate::results::RunResults;
use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// What a run's plot titles end with: the scenario and the seed, so that a picture
/// that travels alone says where it came from.
fn about(run: &RunResults) -> String {
    format!(
        " \u{2014} {}, seed {}",
        run.scenario.name, run.scenario.seed
    )
}

/// Hashrate share next to revenue share, per miner.
fn draw_miners<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    summary: &Summary,
    title: &str,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let n = summary.miners.len() as f64;
    let y_max = summary
        .miners
        .iter()
        .map(|m| m.hashrate_share.max(m.revenue_share))
        .fold(0.0, f64::max)
        * 1.2;
    let mut chart = chart_on(area, title, 26, 55, -0.6f64..n - 0.4, 0f64..y_max.max(0.01))?;
    house_mesh(&mut chart)
        .disable_x_mesh()
        .x_labels(summary.miners.len().min(30))
        .x_label_formatter(&|x| format!("{}", x.round() as i64))
        .x_desc("miner")
        .y_desc("share (fraction of total)")
        .label_style((FONT, 18))
        .axis_desc_style((FONT, 20))
        .draw()
        .map_err(err)?;
    let bars = |offset: f64, color: RGBColor, value: fn(&super::summary::MinerFigures) -> f64| {
        summary.miners.iter().enumerate().map(move |(i, m)| {
            let x = i as f64 + offset;
            Rectangle::new([(x, 0.0), (x + 0.38, value(m))], color.filled())
        })
    };
    chart
        .draw_series(bars(-0.39, RGBColor(160, 160, 160), |m| m.hashrate_share))
        .map_err(err)?
        .label("hashrate share")
        .legend(|(x, y)| {
            Rectangle::new(
                [(x, y - 6), (x + 18, y + 6)],
                RGBColor(160, 160, 160).filled(),
            )
        });
    chart
        .draw_series(bars(0.01, PALETTE[0], |m| m.revenue_share))
        .map_err(err)?
        .label("revenue share")
        .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], PALETTE[0].filled()));
    finish(&mut chart, area, SeriesLabelPosition::UpperRight)
}

pub fn draw_plots(dir: &Path, run: &RunResults, style: PlotStyle) -> Result<()> {
    styled(style, || draw_run(dir, run))
}

fn draw_run(dir: &Path, run: &RunResults) -> Result<()> {
    register_font();
    let plots = dir.join("plots");
    std::fs::create_dir_all(&plots)?;

    let mut delays: Vec<f64> = run.arrivals.iter().skip(1).flatten().copied().collect();
    delays.sort_by(f64::total_cmp);
    both_formats!(plots.join("propagation_cdf"), |a| draw_cdf(
        a,
        &format!("Block propagation{}", about(run)),
        "seconds after the block was mined",
        &[("all blocks, all nodes", delays.clone())]
    ))?;

    let k = run.scenario.metrics.confirmations;
    let sorted = |v: Vec<f64>| {
        let mut v = v;
        v.sort_by(f64::total_cmp);
        v
    };
    let incl = sorted(run.txs.iter().filter_map(|t| t.inclusion_s).collect());
    let conf = sorted(run.txs.iter().filter_map(|t| t.confirmation_s).collect());
    let conf_label = format!("{k} confirmations");
    // At one confirmation the two curves are the same (both count the final main
    // chain): one curve, named for both, rather than one hidden under the other.
    let series: Vec<(&str, Vec<f64>)> = if k == 1 {
        vec![("first inclusion = 1 confirmation", incl)]
    } else {
        vec![("first inclusion", incl), (conf_label.as_str(), conf)]
    };
    both_formats!(plots.join("confirmation_cdf"), |a| draw_cdf(
        a,
        &format!("Confirmation time{}", about(run)),
        "seconds after the payment was made",
        &series
    ))?;

    let title = format!("Hashrate and main-chain revenue per miner{}", about(run));
    both_formats!(plots.join("miners"), |a| draw_miners(
        a,
        &run.summary,
        &title
    ))?;
    both_formats!(plots.join("stale_over_time"), |a| draw_stale_over_time(
        a, run
    ))?;
    if super::interval_plot::wanted(run) {
        both_formats!(
            plots.join("block_interval"),
            |a| super::interval_plot::draw(a, run)
        )?;
    }
    if run.blocks.len() <= FORK_TREE_MAX_BLOCKS {
        both_formats!(plots.join("fork_tree"), |a| draw_fork_tree(a, run))?;
    }
    Ok(())
}

/// The block tree alone, as SVG (`chainlab inspect --svg`).
/// The fork tree as an SVG document (`inspect --svg`), marked as chainlab's so that a
/// later `--svg` to the same file may replace it. Trees over
/// [`FORK_TREE_MAX_BLOCKS`] are the caller's to refuse.
pub fn fork_tree_svg(run: &RunResults) -> Result<String> {
    register_font();
    let mut svg = String::new();
    draw_fork_tree(
        &SVGBackend::with_string(&mut svg, SIZE).into_drawing_area(),
        run,
    )?;
    // First in the file: the proof a later --svg looks for (plotters writes no XML
    // declaration, which would have to come first).
    Ok(format!("{}\n{svg}", crate::results::outdir::SVG_MARK))
}

/// Largest tree drawn as a picture: beyond this the circles would not be legible.
pub const FORK_TREE_MAX_BLOCKS: usize = 400;
/// Largest tree whose blocks are labelled with their ids.
const FORK_TREE_IDS_MAX: usize = 80;

/// The block tree: height across, the main chain on the bottom lane and each stale
/// branch on a lane above it, blocks coloured by the miner that found them.
fn draw_fork_tree<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, run: &RunResults) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let lane = fork_tree_lanes(run);
    let next_lane = lane.iter().max().map_or(1, |&l| l + 1);
    let best_height = run.best_height();
    let height = best_height.max(1) as f64;
    let lanes = next_lane as f64;
    // Headroom above the top lane keeps the legend off the blocks.
    let mut chart = chart_on(
        area,
        &format!("Block tree, main chain at the bottom{}", about(run)),
        22,
        50,
        -0.5f64..height + 0.5,
        -0.5f64..lanes - 0.5 + (lanes * 0.3).max(1.5),
    )?;
    house_mesh(&mut chart)
        .disable_y_mesh()
        .y_labels(next_lane as usize)
        .y_label_formatter(&|y| {
            if y.abs() < 1e-6 {
                "main".into()
            } else {
                String::new()
            }
        })
        .x_desc("height")
        .y_desc("branch")
        .label_style((FONT, 16))
        .axis_desc_style((FONT, 20))
        .draw()
        .map_err(err)?;
    let at = |id: usize| (f64::from(run.blocks[id].height), f64::from(lane[id]));
    chart
        .draw_series(run.blocks.iter().enumerate().filter_map(|(id, b)| {
            b.parent.map(|p| {
                PathElement::new(vec![at(p.index()), at(id)], BLACK.mix(0.5).stroke_width(2))
            })
        }))
        .map_err(err)?;
    let radius = (600 / (best_height as i32 + 1)).clamp(3, 9);
    let colour = |id: usize| match run.blocks[id].miner {
        None => BLACK,
        Some(m) => miner_colour(m.0),
    };
    chart
        .draw_series(
            (0..run.blocks.len()).map(|id| Circle::new(at(id), radius, colour(id).filled())),
        )
        .map_err(err)?;
    // The ids the story and the replay use, where there is room for them.
    if run.blocks.len() <= FORK_TREE_IDS_MAX {
        let style = TextStyle::from((FONT, 14)).color(&BLACK);
        chart
            .draw_series((1..run.blocks.len()).map(|id| {
                EmptyElement::at(at(id))
                    + Text::new(id.to_string(), (-5, -radius - 16), style.clone())
            }))
            .map_err(err)?;
    }
    for m in 0..run.miners() as u32 {
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
            .map_err(err)?
            .label(format!("miner {m}"))
            .legend(move |(x, y)| Circle::new((x + 9, y), 6, miner_colour(m).filled()));
    }
    finish(&mut chart, area, SeriesLabelPosition::UpperLeft)
}

/// The lane of each block in the fork-tree picture: 0 for the main chain, and for each
/// stale branch the lowest lane free from its first height on, so short forks share.
fn fork_tree_lanes(run: &RunResults) -> Vec<u32> {
    let mut lane = vec![0u32; run.blocks.len()];
    // Highest height drawn so far in each stale lane; a new branch takes the lowest
    // lane that is free from its first height on, so short forks share lanes.
    let mut lane_end: Vec<u32> = vec![u32::MAX];
    for (id, entry) in run.blocks.iter().enumerate() {
        let Some(parent) = entry.parent.filter(|_| !entry.main_chain) else {
            continue; // genesis is on the main chain
        };
        let parent_lane = lane[parent.index()] as usize;
        let h = entry.height;
        let continues = parent_lane != 0 && lane_end[parent_lane] == h - 1;
        let chosen = if continues {
            parent_lane
        } else {
            match (1..lane_end.len()).find(|&l| lane_end[l] < h) {
                Some(l) => l,
                None => {
                    lane_end.push(0);
                    lane_end.len() - 1
                }
            }
        };
        lane_end[chosen] = h;
        lane[id] = chosen as u32;
    }
    lane
}

/// Distinct colours for miners: the palette, then hues spread around the wheel.
fn miner_colour(m: u32) -> RGBColor {
    const MORE: [RGBColor; 6] = [
        RGBColor(255, 127, 14),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(127, 127, 127),
        RGBColor(188, 189, 34),
        RGBColor(23, 190, 207),
    ];
    let all: Vec<RGBColor> = PALETTE.iter().chain(MORE.iter()).copied().collect();
    all[m as usize % all.len()]
}

/// Cumulative main-chain and stale blocks against simulated time: forks as they
/// accumulate, and whether they bunch up (a partition, a retarget) or arrive steadily.
fn draw_stale_over_time<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    run: &RunResults,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let last_s = run.blocks.iter().map(|b| b.mined_s).fold(0.0, f64::max);
    let (unit, scale) = if last_s < 7200.0 {
        ("minutes", 60.0)
    } else {
        ("hours", 3600.0)
    };
    let mut mined: Vec<(f64, bool)> = (run.blocks.iter().skip(1))
        .map(|b| (b.mined_s / scale, b.main_chain))
        .collect();
    mined.sort_by(|a, b| a.0.total_cmp(&b.0));
    let cumulative = |main: bool| {
        let mut count = 0.0f64;
        let mut points = vec![(0.0, 0.0)];
        for &(t, on_main) in &mined {
            if on_main == main {
                // A step: the count jumps when a block is found, and is flat between.
                points.push((t, count));
                count += 1.0;
                points.push((t, count));
            }
        }
        points
    };
    let (main, stale) = (cumulative(true), cumulative(false));
    let x_max = mined.last().map_or(1.0, |m| m.0).max(1e-3) * 1.02;
    let y_max = main.last().map_or(1.0f64, |p| p.1).max(1.0) * 1.1;
    let mut chart = chart_on(
        area,
        &format!("Blocks found over time{}", about(run)),
        26,
        55,
        0f64..x_max,
        0f64..y_max,
    )?;
    house_mesh(&mut chart)
        .x_desc(format!("simulated time ({unit})"))
        .y_desc("blocks found so far")
        .label_style((FONT, 18))
        .axis_desc_style((FONT, 20))
        .draw()
        .map_err(err)?;
    // Faults shaded over the time they last (a partition's split to its heal).
    for (i, f) in run.summary.faults.iter().enumerate() {
        let end = f.end_s.unwrap_or(last_s).min(last_s.max(f.start_s));
        let band = Rectangle::new(
            [(f.start_s / scale, 0.0), (end / scale, y_max)],
            PALETTE[5].mix(0.15).filled(),
        );
        let series = chart.draw_series(std::iter::once(band)).map_err(err)?;
        if i == 0 {
            series
                .label(format!("{} (fault)", f.kind))
                .legend(|(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 18, y + 6)], PALETTE[5].mix(0.3).filled())
                });
        }
    }
    for (i, (name, points)) in [("main chain", main), ("stale", stale)]
        .into_iter()
        .enumerate()
    {
        let colour = PALETTE[i];
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(3)))
            .map_err(err)?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(3))
            });
    }
    finish(&mut chart, area, SeriesLabelPosition::UpperLeft)
}
