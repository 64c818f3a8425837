"""chainlab's curves over Gervais et al.'s published points (docs/validation.md).

    chainlab sweep scenarios/validation/gervais-2016-sizes.yaml --lean --out results/gervais-sizes
    chainlab sweep scenarios/validation/gervais-2016-intervals.yaml --lean --out results/gervais-intervals
    python docs/validation/plot_gervais.py results/gervais-sizes results/gervais-intervals

writes docs/img/gervais-2016.png and prints the table of docs/validation.md. Needs
matplotlib and pandas (notebooks/requirements.txt)."""

import json
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # a file, not a window
import matplotlib.pyplot as plt
import pandas as pd

HERE = Path(__file__).resolve().parent
UNITS = {"B": 1, "kB": 1e3, "MB": 1e6, "s": 1, "m": 60, "ms": 1e-3}


def quantity(text):
    number, unit = re.fullmatch(r"([0-9.]+)([a-zA-Z]+)", text).groups()
    return float(number) * UNITS[unit]


def points(sweep_dir):
    rows = []
    for point in sorted(Path(sweep_dir).glob("point-*")):
        summary = json.loads((point / "summary.json").read_text())
        resolved = (point / "scenario.resolved.yaml").read_text()
        padding = re.search(r"block_padding: (\S+)", resolved).group(1)
        interval = re.search(r"block_interval: (\S+)", resolved).group(1)
        blocks = summary["blocks_main"] + summary["blocks_stale"]
        rows.append(
            {
                "size_bytes": quantity(padding),
                # The reference's nominal interval: chainlab ran 1.0516 x it.
                "interval_s": round(quantity(interval) / 1.0516),
                "stale_rate": summary["stale_rate_seen"],
                "stale_se": (summary["stale_rate_seen"] * (1 - summary["stale_rate_seen"]) / blocks) ** 0.5,
                "median_propagation_s": summary["received_s_node_mean_p50"],
                "t10_s": summary["received_s_node_mean_p10"],
                "t90_s": summary["received_s_node_mean_p90"],
                "downloads": summary.get("block_downloads_per_block"),
                "blocks": blocks,
            }
        )
    return pd.DataFrame(rows)


def main(sizes_dir, intervals_dir):
    ref = pd.read_csv(HERE / "gervais-2016-reference.csv")
    sizes, intervals = points(sizes_dir), points(intervals_dir)
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    panels = [
        (sizes, ref[ref.series == "size"], "size_bytes", 1e6, "block size (MB), 10-minute blocks"),
        (intervals, ref[ref.series == "interval"], "interval_s", 60, "block interval (minutes), 1 MB blocks"),
    ]
    for col, (ours, theirs, x, scale, label) in enumerate(panels):
        for row, (y, name, factor) in enumerate(
            [("stale_rate", "stale rate (%)", 100), ("median_propagation_s", "median propagation (s)", 1)]
        ):
            ax = axes[row][col]
            ax.plot(ours[x] / scale, ours[y] * factor, "o-", color="#0072B2", label="chainlab (gervais-2016 model)")
            ax.plot(theirs[x] / scale, theirs[y] * factor, "s", color="#D55E00", label="Gervais et al. (ns-3)")
            if y == "stale_rate":
                ax.errorbar(ours[x] / scale, ours[y] * 100, yerr=2 * ours["stale_se"] * 100, fmt="none", color="#0072B2")
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel(label)
            ax.set_ylabel(name)
            ax.grid(True, which="major", alpha=0.3)
    axes[0][0].legend(loc="upper left")
    fig.suptitle("Stale rate and median propagation: chainlab against Gervais et al. (CCS 2016), 6,000 nodes")
    fig.tight_layout()
    out = HERE.parent / "img" / "gervais-2016.png"
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")
    for ours, theirs, x in [(sizes, ref[ref.series == "size"], "size_bytes"), (intervals, ref[ref.series == "interval"], "interval_s")]:
        merged = ours.merge(theirs, on=x, suffixes=("", "_ref"))
        for _, r in merged.iterrows():
            print(
                f"| {r['interval_s']:.0f} s / {r['size_bytes'] / 1e6:g} MB | {r['stale_rate'] * 100:.2f}% ± {r['stale_se'] * 100:.2f} "
                f"| {r['stale_rate_ref'] * 100:.2f}% | ×{r['stale_rate'] / r['stale_rate_ref']:.2f} "
                f"| {r['median_propagation_s']:.1f} s | {r['median_propagation_s_ref']:.1f} s "
                f"| ×{r['median_propagation_s'] / r['median_propagation_s_ref']:.2f} | {int(r['blocks'])} |"
            )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
