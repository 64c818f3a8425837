//! Plots drawn with plotters, as PNG and SVG, in pure Rust: text is rendered with the
//! DejaVu Sans font shipped in `assets/fonts/`, so no system fonts are needed.

use super::summary::Summary;
use crate::results::RunResults;
use anyhow::{anyhow, Result};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;

pub(crate) const FONT: &str = "sans-serif";
pub(crate) const SIZE: (u32, u32) = (1000, 620);
/// Okabe and Ito's colours, told apart with every common colour blindness (no red and
/// green pair), then Tol's muted ones; the replay (replay.js) uses the same order.
pub(crate) const PALETTE: [RGBColor; 12] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(153, 153, 51),
    RGBColor(136, 34, 85),
    RGBColor(68, 170, 153),
    RGBColor(102, 153, 204),
    RGBColor(170, 68, 153),
    RGBColor(17, 119, 51),
];

/// How plots are drawn: with titles (the default), or without, for a paper's own
/// captions (`--no-titles`).
#[derive(Clone, Copy, Debug)]
pub struct PlotStyle {
    pub titles: bool,
}

impl Default for PlotStyle {
    fn default() -> Self {
        PlotStyle { titles: true }
    }
}

thread_local! {
    /// The style of the drawing under way on this thread, set for the length of one
    /// `draw_plots` or `draw_sweep_plots` call ([`styled`]) so that the dozen chart
    /// functions need not each carry it.
    static TITLES: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Runs `draw` with `style` in force on this thread, restoring the previous one after.
pub(crate) fn styled<R>(style: PlotStyle, draw: impl FnOnce() -> R) -> R {
    let before = TITLES.with(|t| t.replace(style.titles));
    let result = draw();
    TITLES.with(|t| t.set(before));
    result
}

/// What a run's plot titles end with: the scenario and the seed, so that a picture
/// that travels alone says where it came from.
fn about(run: &RunResults) -> String {
    format!(
        " \u{2014} {}, seed {}",
        run.scenario.name, run.scenario.seed
    )
}

/// A tick label: whole numbers without ".0", others with up to three significant
/// decimals and no trailing zeros.
pub(crate) fn tick(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The house grid: light lines, the minor ones barely there, plain tick labels.
pub(crate) fn house_mesh<'a, 'b, DB: DrawingBackend>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
) -> plotters::chart::MeshStyle<'a, 'b, RangedCoordf64, RangedCoordf64, DB> {
    let mut mesh = chart.configure_mesh();
    mesh.bold_line_style(RGBColor(205, 205, 205))
        .light_line_style(RGBColor(244, 244, 244))
        .x_label_formatter(&tick)
        .y_label_formatter(&tick);
    mesh
}

pub(crate) fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let bytes: &'static [u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
        if plotters::style::register_font(FONT, FontStyle::Normal, bytes).is_err() {
            panic!("the font shipped in assets/fonts does not parse");
        }
    });
}

pub(crate) fn err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow!("drawing a plot: {e}")
}

/// A white canvas with a title and room for axis labels, in the house style.
pub(crate) fn chart_on<'a, DB: DrawingBackend + 'a>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    title_size: u32,
    x_label_room: u32,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>>
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE).map_err(err)?;
    let mut builder = ChartBuilder::on(area);
    if TITLES.with(|t| t.get()) {
        builder.caption(title, (FONT, title_size));
    }
    builder
        .margin(20)
        .x_label_area_size(x_label_room)
        .y_label_area_size(75)
        .build_cartesian_2d(x, y)
        .map_err(err)
}

/// Draws the legend in the chart's house style and writes the picture out.
pub(crate) fn finish<'a, DB: DrawingBackend + 'a, X: Ranged, Y: Ranged>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    area: &DrawingArea<DB, Shift>,
    position: SeriesLabelPosition,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .position(position)
        .label_font((FONT, 18))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(err)?;
    area.present().map_err(err)
}

/// Draws with `draw` to `<stem>.png` and `<stem>.svg`.
macro_rules! both_formats {
    ($stem:expr, $draw:expr) => {{
        let png = $stem.with_extension("png");
        let svg = $stem.with_extension("svg");
        $draw(&BitMapBackend::new(&png, SIZE).into_drawing_area())?;
        $draw(&SVGBackend::new(&svg, SIZE).into_drawing_area())?;
        Ok::<(), anyhow::Error>(())
    }};
}
pub(crate) use both_formats;

/// Empirical CDFs of several samples on one chart, thinned to at most 1,000 points each.
fn draw_cdf<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    x_label: &str,
    series: &[(&str, Vec<f64>)],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let x_max = series
        .iter()
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
    for (i, (name, sorted)) in series.iter().enumerate() {
        if sorted.is_empty() {
            continue;
        }
        let color = PALETTE[i % PALETTE.len()];
        let step = (sorted.len() / 1000).max(1);
        let n = sorted.len() as f64;
        let points: Vec<(f64, f64)> = std::iter::once((0.0, 0.0))
            .chain(
                sorted
                    .iter()
                    .enumerate()
                    .step_by(step)
                    .map(|(k, &x)| (x, (k + 1) as f64 / n)),
            )
            .chain(std::iter::once((*sorted.last().expect("non-empty"), 1.0)))
            .collect();
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(3)))
            .map_err(err)?
            .label(*name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3))
            });
    }
    finish(&mut chart, area, SeriesLabelPosition::LowerRight)
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
    both_formats!(plots.join("confirmation_cdf"), |a| draw_cdf(
        a,
        &format!("Confirmation time{}", about(run)),
        "seconds after the payment was made",
        &[
            ("first inclusion", incl.clone()),
            (conf_label.as_str(), conf.clone())
        ]
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
