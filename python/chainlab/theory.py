"""The closed forms chainlab's attack results are compared with (docs/attacks.md).

The same functions chainlab uses for the theory columns of attacks_summary.csv and
sweep.csv, so a notebook never re-implements them. Arguments outside a formula's
domain raise ValueError (a share is a number from 0 to 1; z a whole number of blocks)."""

import math
import numbers

from . import _chainlab

__all__ = ["nakamoto", "rosenfeld", "exact_without_premine", "selfish_revenue", "selfish_threshold"]

MAX_Z = 10_000


def _share(name, x, top=1.0):
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x) or not 0 <= x <= top:
        raise ValueError(f"{name} is {x!r}; give a number from 0 to {top:g}")
    return float(x)


def _blocks(z):
    if isinstance(z, bool) or not isinstance(z, numbers.Integral) or not 0 <= z <= MAX_Z:
        raise ValueError(f"z is {z!r}; give a whole number of blocks from 0 to {MAX_Z}")
    return int(z)


def nakamoto(q, z):
    """Nakamoto's probability (Bitcoin paper, section 11) that an attacker with hashrate
    share ``q`` catches up from ``z`` confirmations behind."""
    return _chainlab.nakamoto(_share("q", q), _blocks(z))


def rosenfeld(q, z):
    """Rosenfeld's exact double-spend success probability, the attacker having
    pre-mined one block, against a merchant waiting ``z`` confirmations."""
    return _chainlab.rosenfeld(_share("q", q), _blocks(z))


def exact_without_premine(q, z):
    """The exact success probability when the attacker starts level (no pre-mined
    block) and must get strictly ahead."""
    return _chainlab.exact_without_premine(_share("q", q), _blocks(z))


def selfish_revenue(alpha, gamma):
    """Eyal and Sirer's relative revenue (eq. 8) of a selfish miner with hashrate share
    ``alpha`` (0 to 0.5) when a share ``gamma`` of honest miners builds on its block in
    a tie."""
    return _chainlab.selfish_revenue(_share("alpha", alpha, 0.5), _share("gamma", gamma))


def selfish_threshold(gamma):
    """The hashrate share above which selfish mining pays, at ``gamma``."""
    return _chainlab.selfish_threshold(_share("gamma", gamma))
