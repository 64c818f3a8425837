//! A sweep's tables. `runs.csv`: one row per run (point, replicate, seed, the swept
//! parameters as written and as SI numbers, every scalar of the summary, each attack's
//! figures prefixed `attack0_`, `attack1_`, ..., and the run's directory). `sweep.csv`:
//! one row per point, every numeric figure averaged over the point's replicates, with
//! the half-width of its 95% confidence interval beside it when there are several.
//! sweep.csv is computed from runs.csv alone, so a merge of shards gives the same bytes
//! as one machine.

use crate::results::summary::{scalars, Summary};
use crate::scenario::units::{Bandwidth, Duration, Rate, Size};
use std::path::Path;

/// A table: its header and its rows, all as text.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The first summary field: where a runs.csv row's figures start.
const FIRST_FIGURE: &str = "scenario";

/// One run's row of runs.csv.
pub struct RunRow<'a> {
    pub point: usize,
    pub replicate: u32,
    pub seed: u64,
    pub settings: &'a [(String, String)],
    pub summary: &'a Summary,
    pub dir: &'a str,
}

/// A swept value as an SI number with the suffix of its unit, when it has a unit.
fn si(text: &str) -> Option<(&'static str, String)> {
    use crate::results::summary::number;
    // A plain number (20 nodes) has no unit to convert; the unit parsers would read
    // it as bytes.
    if !text.chars().any(|c| c.is_ascii_alphabetic() || c == '/') {
        return None;
    }
    if let Ok(d) = text.parse::<Duration>() {
        return Some(("_s", number(d.0 as f64 / 1e9)));
    }
    if let Ok(s) = text.parse::<Size>() {
        return Some(("_bytes", s.0.to_string()));
    }
    if let Ok(b) = text.parse::<Bandwidth>() {
        return Some(("_bps", number(b.0)));
    }
    text.parse::<Rate>().ok().map(|r| ("_per_s", number(r.0)))
}

/// The parameter columns of a run: each key as written, and beside it its SI number
/// (`consensus.block_interval` → `block_interval_s`) when the value has a unit.
fn param_columns(settings: &[(String, String)]) -> Vec<(String, String)> {
    let mut cols = Vec::new();
    for (key, text) in settings {
        if key == "seed" || key == "replicates" {
            continue; // the table's own seed column says it
        }
        cols.push((key.clone(), text.clone()));
        if let Some((suffix, value)) = si(text) {
            let last = key.rsplit('.').next().unwrap_or(key);
            let clash = settings
                .iter()
                .filter(|(k, _)| k.rsplit('.').next() == Some(last))
                .count()
                > 1;
            let stem = if clash {
                key.replace('.', "_")
            } else {
                last.to_string()
            };
            cols.push((format!("{stem}{suffix}"), value));
        }
    }
    cols
}

/// runs.csv from its rows, in point then replicate order.
pub fn runs_table(runs: &[RunRow<'_>]) -> Table {
    let mut header: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for run in runs {
        let mut cols = vec![
            ("point".to_string(), run.point.to_string()),
            ("replicate".to_string(), run.replicate.to_string()),
            ("seed".to_string(), run.seed.to_string()),
        ];
        cols.extend(param_columns(run.settings));
        // The summary's seed is the run's, already the third column.
        cols.extend(
            scalars(run.summary)
                .into_iter()
                .filter(|(k, _)| k != "seed"),
        );
        for (i, attack) in run.summary.attacks.iter().enumerate() {
            let fields = scalars(attack).into_iter().filter(|(k, _)| k != "attack");
            cols.extend(fields.map(|(k, v)| (format!("attack{i}_{k}"), v)));
        }
        cols.push(("dir".to_string(), run.dir.to_string()));
        if header.is_empty() {
            header = cols.iter().map(|(k, _)| k.clone()).collect();
        }
        rows.push(cols.into_iter().map(|(_, v)| v).collect());
    }
    Table { header, rows }
}

/// Student's t quantile for a two-sided 95% interval with `df` degrees of freedom:
/// the table for 1 to 30, then the Cornish–Fisher expansion around the normal quantile
/// to second order (at 30 it gives 2.0422 against the exact 2.0423).
fn t95(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => T[df - 1],
        _ => {
            let (z, v) = (1.959964f64, df as f64);
            z + (z.powi(3) + z) / (4.0 * v)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
        }
    }
}

/// Mean and 95% half-width (a t-interval over the replicates) of the values present.
fn mean_ci(values: &[f64]) -> (f64, Option<f64>) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, None);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, Some(t95(values.len() - 1) * (var / n).sqrt()))
}

/// sweep.csv from runs.csv: one row per point.
pub fn sweep_table(runs: &Table) -> Table {
    use crate::results::summary::number;
    let col = |name: &str| runs.header.iter().position(|h| h == name);
    let first_figure = col(FIRST_FIGURE).unwrap_or(runs.header.len());
    let params = 3..first_figure;
    let figures: Vec<usize> = (first_figure..runs.header.len())
        .filter(|&i| runs.header[i] != "dir" && runs.header[i] != "seed")
        .collect();
    let mut groups: Vec<Vec<&Vec<String>>> = Vec::new();
    for row in &runs.rows {
        match groups.last_mut() {
            Some(g) if g[0][0] == row[0] => g.push(row),
            _ => groups.push(vec![row]),
        }
    }
    let replicates = groups.iter().map(Vec::len).max().unwrap_or(1);
    // A figure with no number in any run (a name, a kind) gets no interval column.
    let numeric: Vec<bool> = (0..runs.header.len())
        .map(|f| runs.rows.iter().any(|r| r[f].parse::<f64>().is_ok()))
        .collect();
    let with_ci = |f: usize| replicates > 1 && numeric[f];
    let mut header = vec!["point".to_string()];
    header.extend(runs.header[params.clone()].iter().cloned());
    header.extend(["replicates".to_string(), "seed".to_string()]);
    for &f in &figures {
        header.push(runs.header[f].clone());
        if with_ci(f) {
            header.push(format!("{}_ci95", runs.header[f]));
        }
    }
    let rows = groups
        .iter()
        .map(|g| {
            let mut row = vec![g[0][0].clone()];
            row.extend(g[0][params.clone()].iter().cloned());
            row.extend([g.len().to_string(), g[0][2].clone()]);
            for &f in &figures {
                let texts: Vec<&str> = g.iter().map(|r| r[f].as_str()).collect();
                let nums: Option<Vec<f64>> = (texts.iter())
                    .filter(|t| !t.is_empty())
                    .map(|t| t.parse::<f64>().ok())
                    .collect();
                match nums.filter(|v| !v.is_empty()) {
                    Some(v) => {
                        let (mean, ci) = mean_ci(&v);
                        row.push(number(mean));
                        if with_ci(f) {
                            row.push(ci.map(number).unwrap_or_default());
                        }
                    }
                    None => {
                        // Text (a kind, a relay) or never measured: the first run's.
                        row.push(texts[0].to_string());
                        if with_ci(f) {
                            row.push(String::new());
                        }
                    }
                }
            }
            row
        })
        .collect();
    Table { header, rows }
}

pub fn write(path: &Path, table: &Table) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(&table.header)?;
    for row in &table.rows {
        w.write_record(row)?;
    }
    w.flush()?;
    Ok(())
}

/// A table chainlab wrote (its record checked by the caller), read back.
pub fn read(path: &Path) -> Result<Table, String> {
    let mut r = crate::files::csv_reader(path).map_err(|e| e.0)?;
    let header = (r.headers())
        .map_err(|e| format!("{}: {}", path.display(), crate::files::csv_error(&e)))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec =
            rec.map_err(|e| format!("{}: {}", path.display(), crate::files::csv_error(&e)))?;
        rows.push(rec.iter().map(str::to_string).collect());
    }
    Ok(Table { header, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_use_students_t() {
        // 1, 2, 3: mean 2, s = 1, t(2) = 4.303: half-width 4.303 / sqrt(3).
        let (mean, ci) = mean_ci(&[1.0, 2.0, 3.0]);
        assert_eq!(mean, 2.0);
        assert!((ci.unwrap() - 4.303 / 3f64.sqrt()).abs() < 1e-12);
        assert_eq!(mean_ci(&[5.0]), (5.0, None));
        assert!((t95(30) - 2.042).abs() < 1e-9);
        assert!((t95(31) - 2.0395).abs() < 1e-3);
    }

    #[test]
    fn swept_values_get_their_si_numbers() {
        let settings = vec![
            ("consensus.block_interval".to_string(), "30s".to_string()),
            ("mining.block_padding".to_string(), "50kB".to_string()),
            ("network.nodes".to_string(), "20".to_string()),
        ];
        let cols = param_columns(&settings);
        let names: Vec<&str> = cols.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "consensus.block_interval",
                "block_interval_s",
                "mining.block_padding",
                "block_padding_bytes",
                "network.nodes"
            ]
        );
        assert_eq!(cols[1].1, "30");
        assert_eq!(cols[3].1, "50000");
    }
}
