"""Checks the figures docs/validation.md quotes against results directories made by
the commands the page gives beside them. Every figure the page quotes from a run is
recomputed here, formatted as the page prints it, and looked for in the page: a
figure the runs no longer give is reported and the exit code is 1.

    python docs/validation/check.py gervais results/gervais-sizes results/gervais-intervals
    python docs/validation/check.py mechanisms results/gervais-mechanisms
    python docs/validation/check.py simblock results/simblock-2000 results/simblock-2000-push results/simblock-2000-87kB

Needs pandas (notebooks/requirements.txt)."""

import json
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
PAGE = HERE.parent / "validation.md"


def sig3(x):
    """Three significant digits, thousands separated: 15.7, 173, 17,500."""
    if x >= 1000:
        return f"{round(x, -len(str(int(x))) + 3):,.0f}"
    return f"{x:.3g}" if x >= 100 else f"{x:#.3g}"


def interval_label(seconds):
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"


def merged_points(sizes_dir, intervals_dir):
    """chainlab's points beside the reference's, both series in the page's order
    (the reference's own columns keep their names; shared ones get `_ref`)."""
    from plot_gervais import points

    ref = pd.read_csv(HERE / "gervais-2016-reference.csv")
    for ours, series, x in [(points(sizes_dir), "size", "size_bytes"), (points(intervals_dir), "interval", "interval_s")]:
        merged = ours.merge(ref[ref.series == series], on=x, suffixes=("", "_ref"))
        for _, r in merged.iterrows():
            yield r


def point_label(r):
    return f"{interval_label(r['interval_s'])} / {r['size_bytes'] / 1e6:g} MB"


def grid_rows(sizes_dir, intervals_dir):
    return [
        f"| {point_label(r)} "
        f"| {r['stale_rate'] * 100:.2f}% ± {r['stale_se'] * 100:.2f} | {r['stale_rate_ref'] * 100:.2f}% "
        f"| ×{r['stale_rate'] / r['stale_rate_ref']:.2f} | {r['median_propagation_s']:.1f} s "
        f"| {r['median_propagation_s_ref']:.1f} s | ×{r['median_propagation_s'] / r['median_propagation_s_ref']:.2f} "
        f"| {int(r['blocks'])} |"
        for r in merged_points(sizes_dir, intervals_dir)
    ]


def reference_copies(r):
    """Blocks each node was sent per block it holds, from the reference's bandwidth
    column: kbit/s per node, sent and received, over (blocks held - 1) nominal
    intervals (its bitcoin-test.cc), so half of it over a block's size per interval."""
    return r["bandwidth_kbps"] * 1000 / 8 * r["interval_s"] / 2 / r["size_bytes"]


def spread_rows(sizes_dir, intervals_dir):
    """The second table: t10 / t90 over nodes, and copies of each block a node was sent."""
    rows = []
    for r in merged_points(sizes_dir, intervals_dir):
        copies = "–" if pd.isna(r["downloads"]) else f"{r['downloads']:.2f}"
        rows.append(
            f"| {point_label(r)} "
            f"| {sig3(r['t10_s'])} / {sig3(r['t90_s'])} s | {sig3(r['t10_s_ref'])} / {sig3(r['t90_s_ref'])} s "
            f"| {copies} | {reference_copies(r):.2f} |"
        )
    return rows


def mechanism_cells(sweep_dir):
    """Per run of the mechanisms sweep: the stale rate and p10 / p50 / p90 cells."""
    runs = pd.read_csv(Path(sweep_dir) / "runs.csv")
    cells = []
    for _, r in runs.iterrows():
        without = json.loads(r["network.without"]) if r["network.without"].startswith("[") else [r["network.without"]]
        name = f"`{without[0]}`" if without else "all on"
        spread = " / ".join(sig3(r[f"received_s_node_mean_p{p}"]) for p in (10, 50, 90))
        cells.append((name, f"{r['stale_rate_seen'] * 100:.2f}%", f"{spread} s"))
    return cells


def simblock_figures(default_dir, push_dir, small_dir):
    figures = []
    for label, d in [("default", default_dir), ("push", push_dir), ("87 kB", small_dir)]:
        s = json.loads((Path(d) / "summary.json").read_text())
        total = s["blocks_main"] + s["blocks_stale"]
        figures.append(f"{s['stale_rate'] * 100:.2f}% ({s['blocks_stale']} of {total:,})")
        figures.append(f"{s['propagation_s_p50']:.1f} s")
        if label == "default":
            figures.append(f"{s['propagation_s_p90']:.1f} s / {s['propagation_s_p100']:.1f} s")
    return figures


def main(kind, dirs):
    page = PAGE.read_text()
    lines = page.splitlines()
    missing = []
    if kind == "gervais":
        for row in grid_rows(*dirs) + spread_rows(*dirs):
            print(row)
            if row not in lines:
                missing.append(row)
    elif kind == "mechanisms":
        for name, stale, spread in mechanism_cells(*dirs):
            row = next((line for line in lines if line.startswith(f"| {name} ")), None)
            print(f"{name}: {stale}, {spread}")
            if row is None or f"| {stale} |" not in row or f"| {spread} |" not in row:
                missing.append(f"{name}: {stale}, {spread}")
    elif kind == "simblock":
        for figure in simblock_figures(*dirs):
            print(figure)
            if figure not in page:
                missing.append(figure)
    else:
        sys.exit(f"check.py: {kind}? give gervais, mechanisms or simblock")
    for m in missing:
        print(f"NOT IN docs/validation.md: {m}")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main(sys.argv[1], sys.argv[2:])
