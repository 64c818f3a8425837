//! The house style of chainlab's plots, shared by every chart: the font shipped in
//! `assets/fonts/` (no system fonts needed), colours, titles (or none), the grid and
//! tick labels, the legend, and writing each picture as PNG and SVG.

use anyhow::{anyhow, Result};
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
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

/// Whether the drawing under way has titles.
pub(crate) fn titles() -> bool {
    TITLES.with(|t| t.get())
}

/// Runs `draw` with `style` in force on this thread, restoring the previous one after.
pub(crate) fn styled<R>(style: PlotStyle, draw: impl FnOnce() -> R) -> R {
    let before = TITLES.with(|t| t.replace(style.titles));
    let result = draw();
    TITLES.with(|t| t.set(before));
    result
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
/// Linear and logarithmic axes alike.
pub(crate) fn house_mesh<'a, 'b, DB, X, Y>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
) -> plotters::chart::MeshStyle<'a, 'b, X, Y, DB>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
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
    if titles() {
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
