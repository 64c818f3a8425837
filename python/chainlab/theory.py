"""The closed forms chainlab's attack results are compared with (docs/attacks.md).

The same functions chainlab uses for the theory columns of attacks_summary.csv and
sweep.csv, so a notebook never re-implements them."""

from ._chainlab import (
    exact_without_premine,
    nakamoto,
    rosenfeld,
    selfish_revenue,
    selfish_threshold,
)

__all__ = ["nakamoto", "rosenfeld", "exact_without_premine", "selfish_revenue", "selfish_threshold"]
