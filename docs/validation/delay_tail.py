"""Why the 1-minute point's median propagation spreads over a factor of three between
seeds (docs/validation.md, "Where it does not"). For a sweep directory (runs.csv of
the eight seeds): how the figure follows the blocks mined and the stale blocks. For a
run directory written without --lean (propagation.csv): how much of all delay the
slowest blocks carry.

    chainlab run scenarios/validation/gervais-2016-1min-seeds.yaml --lean --out results/gervais-1min-seeds
    chainlab run scenarios/validation/gervais-2016-1min-seeds.yaml --set replicates=1 --seed 1 --out results/g1-seed-1
    chainlab run scenarios/validation/gervais-2016-1min-seeds.yaml --set replicates=1 --seed 3798857198813037552 --out results/g1-seed-slow
    python docs/validation/delay_tail.py results/gervais-1min-seeds results/g1-seed-1 results/g1-seed-slow

Needs pandas (notebooks/requirements.txt)."""

import sys
from pathlib import Path

import pandas as pd

FIGURE = "received_s_node_mean_p50"


def seeds(directory):
    runs = pd.read_csv(directory / "runs.csv")
    runs["blocks"] = runs["blocks_main"] + runs["blocks_stale"]
    print(f"{directory}: {len(runs)} runs, blocks mined {runs.blocks.min()}-{runs.blocks.max()}")
    for column in ("blocks", "blocks_stale"):
        print(f"  correlation of {FIGURE} with {column}: {runs[FIGURE].corr(runs[column]):.2f}")


def tail(directory):
    rows = pd.read_csv(directory / "propagation.csv")
    blocks = rows.groupby("block")["delay_s"].agg(["sum", "count", "mean"])
    blocks = blocks[blocks["count"] > 1].sort_values("mean", ascending=False)
    total = blocks["sum"].sum()
    print(f"{directory}: {len(blocks)} blocks relayed, median of their mean delays {blocks['mean'].median():.0f} s")
    for share in (0.05, 0.10):
        k = round(len(blocks) * share)
        print(f"  the slowest {share:.0%} ({k} blocks) carry {blocks['sum'].iloc[:k].sum() / total:.0%} of all delay")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        path = Path(arg)
        if (path / "runs.csv").exists():
            seeds(path)
        else:
            tail(path)
