"""chainlab: a deterministic simulator of proof-of-work UTXO blockchains, from Python.

The engine is chainlab's own (the Rust library the command line runs); a run writes
the same results directory, byte for byte, and this package reads its tables back
as pandas DataFrames.

    >>> import chainlab
    >>> run = chainlab.run("scenarios/quickstart.yaml")
    >>> run.summary["tps_confirmed"]
    >>> run.blocks.head()

Runs release the GIL, show a progress bar (tqdm, when installed; ``progress=False``
turns it off), and stop cleanly on Ctrl-C (KeyboardInterrupt; nothing is written).
Bad input raises :class:`ScenarioError` with the command line's message.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Mapping, Optional, Union

import pandas as pd

from . import _chainlab, theory
from ._chainlab import ScenarioError

__all__ = ["run", "sweep", "validate", "Run", "ScenarioError", "theory", "__version__"]
__version__ = _chainlab.__version__

Scenario = Union[str, "os.PathLike[str]", Mapping[str, Any]]


def _source(scenario: Scenario) -> dict:
    """A path, YAML text or a dict, as the native module takes it."""
    if isinstance(scenario, Mapping):
        # YAML is a superset of JSON: the dict is given as JSON text, one key a line, so
        # that a message's line and column point at the key. NaN and infinity are no
        # scenario values.
        try:
            return {"text": json.dumps(scenario, indent=1, allow_nan=False)}
        except ValueError as e:
            raise ScenarioError(f"<scenario>: {e}; values are numbers, text, lists and dicts") from None
        except RecursionError:
            raise ScenarioError("<scenario>: the dict is nested deeper than a scenario can be") from None
        except TypeError as e:
            raise TypeError(f"scenario: {e}; values are numbers, text, lists and dicts") from None
    if isinstance(scenario, os.PathLike):
        return {"path": os.fspath(scenario)}
    if isinstance(scenario, str):
        if "\n" not in scenario and (os.path.exists(scenario) or scenario.endswith((".yaml", ".yml"))):
            return {"path": scenario}
        return {"text": scenario}
    raise TypeError(f"scenario is {type(scenario).__name__}; give a path, YAML text or a dict")


def _sets(values: Optional[Mapping[str, Any]]) -> list:
    """``{"network.nodes": 500}`` as the command line's ``--set network.nodes=500``."""
    if values is not None and not isinstance(values, Mapping):
        raise TypeError(f"set is {type(values).__name__}; give a dict of keys to values, such as {{'network.nodes': 500}}")
    out = []
    for key, value in (values or {}).items():
        if not isinstance(key, str) or not key:
            raise TypeError(f"set has the key {key!r}; keys are paths such as 'network.nodes'")
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (list, dict)):
            value = json.dumps(value)
        out.append(f"{key}={value}")
    return out


class _Progress:
    """A progress bar in notebooks and terminals: tqdm when installed, else nothing."""

    def __init__(self, enabled: bool, what: str):
        self.bar = None
        if enabled:
            try:
                from tqdm.auto import tqdm

                self.bar = tqdm(total=1000, desc=what, unit="‰", leave=False)
            except ImportError:
                self.bar = None

    def __call__(self, fraction: float, text: str) -> None:
        if self.bar is not None:
            self.bar.n = int(fraction * 1000)
            self.bar.set_postfix_str(text, refresh=False)
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _whole(name: str, value: Optional[int], low: int, high: int) -> Optional[int]:
    """An optional whole-number argument, checked here so that the message is ours."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} is {value!r}; give a whole number from {low} to {high}")
    return value


def _cleanup(directory: Path, out) -> None:
    """After a failure: the temporary directory made for the results goes (it is ours
    and the run left nothing in it)."""
    if out is None:
        try:
            directory.parent.rmdir()
        except OSError:
            pass


def _call(native, what: str, out, progress: bool, **arguments) -> Path:
    """Runs the native `run` or `sweep` into the results directory (``out``, or a fresh
    temporary one), with a progress bar; after a failure nothing of ours is left."""
    directory = _out_dir(out, what)
    bar = _Progress(progress, f"chainlab {what}")
    try:
        native(str(directory), progress=bar, **arguments)
    except BaseException:
        _cleanup(directory, out)
        raise
    finally:
        bar.close()
    return directory


def _out_dir(out: Optional[Union[str, "os.PathLike[str]"]], what: str) -> Path:
    if out is not None:
        return Path(out)
    # A fresh directory of our own; the results go in a subdirectory chainlab creates.
    return Path(tempfile.mkdtemp(prefix=f"chainlab-{what}-")) / "results"


def validate(scenario: Scenario, *, set: Optional[Mapping[str, Any]] = None) -> str:
    """Checks a scenario (a path, YAML text or a dict) and returns it with every default
    filled in, as YAML. Raises :class:`ScenarioError` with the file, line and column or
    key, what was found and what is allowed."""
    return _chainlab.validate(sets=_sets(set), **_source(scenario))


_DTYPES = {
    "blocks.csv": {"hash": "string", "main_chain": "bool", "miner": "Int64", "parent": "Int64"},
    "txs.csv": {"txid": "string", "block_hash": "string", "block_height": "Int64", "reverted": "bool"},
    "propagation.csv": {},
    "forks.csv": {},
    "attacks.csv": {"kind": "string", "outcome": "string"},
    "miners.csv": {},
    "attacks_summary.csv": {"kind": "string"},
    "faults.csv": {"kind": "string"},
    "eclipse.csv": {"eclipsed": "bool"},
    "runs.csv": {},
    "sweep.csv": {},
}


def _table(path: Path) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame()
    return pd.read_csv(path, dtype=_DTYPES.get(path.name, {}))


class Run:
    """A finished run: its results directory and its tables, read when first asked.

    ``summary`` is summary.json as a dict; ``blocks``, ``txs``, ``propagation``,
    ``forks``, ``attacks`` (one row per attempt), ``attack_summary`` (one row per
    attack), ``miners`` and ``faults`` are DataFrames (docs/results.md has every
    column). With replicates, ``runs`` and ``table`` are runs.csv and sweep.csv.
    """

    def __init__(self, directory: Path):
        self.dir = Path(directory)
        self._cache: dict = {}

    def __repr__(self) -> str:
        return f"Run({str(self.dir)!r})"

    def _get(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = _table(self.dir / name)
        return self._cache[name]

    @property
    def summary(self) -> dict:
        if "summary" not in self._cache:
            path = self.dir / "summary.json"
            self._cache["summary"] = json.loads(path.read_text()) if path.exists() else {}
        return self._cache["summary"]

    @property
    def scenario(self) -> str:
        return (self.dir / "scenario.resolved.yaml").read_text()

    blocks = property(lambda self: self._get("blocks.csv"), doc="One row per block (blocks.csv).")
    txs = property(lambda self: self._get("txs.csv"), doc="One row per payment (txs.csv).")
    propagation = property(lambda self: self._get("propagation.csv"), doc="Block arrivals (propagation.csv).")
    forks = property(lambda self: self._get("forks.csv"), doc="Stale branches (forks.csv).")
    attacks = property(lambda self: self._get("attacks.csv"), doc="Attack attempts (attacks.csv).")
    attack_summary = property(lambda self: self._get("attacks_summary.csv"), doc="Per attack (attacks_summary.csv).")
    miners = property(lambda self: self._get("miners.csv"), doc="Per miner (miners.csv).")
    faults = property(lambda self: self._get("faults.csv"), doc="Per fault (faults.csv).")
    eclipse = property(lambda self: self._get("eclipse.csv"), doc="Per eclipse trial (eclipse.csv).")
    runs = property(lambda self: self._get("runs.csv"), doc="With replicates: one row per run (runs.csv).")
    table = property(lambda self: self._get("sweep.csv"), doc="With replicates: means and intervals (sweep.csv).")


def run(
    scenario: Scenario,
    *,
    set: Optional[Mapping[str, Any]] = None,
    seed: Optional[int] = None,
    replicates: Optional[int] = None,
    out: Optional[Union[str, "os.PathLike[str]"]] = None,
    lean: bool = False,
    trace: bool = False,
    progress: bool = True,
) -> Run:
    """Runs a scenario (a path, YAML text or a dict) and returns its :class:`Run`.

    ``set`` overrides keys as the command line's ``--set`` does (``{"network.nodes":
    500}``); ``seed`` replaces the scenario's; ``replicates`` runs it several times
    with derived seeds (runs.csv, sweep.csv). ``out`` is the results directory (a
    fresh temporary one by default); chainlab refuses to write over anything it did
    not write. Same scenario and seed give the same files as ``chainlab run``.
    """
    sets = _sets(set)
    seed = _whole("seed", seed, 0, 2**64 - 1)
    replicates = _whole("replicates", replicates, 1, 1000)
    source = _source(scenario)
    directory = _call(
        _chainlab.run, "run", out, progress,
        sets=sets, seed=seed, replicates=replicates, lean=lean, trace=trace, **source,
    )
    return Run(directory)


def sweep(
    scenario: Scenario,
    *,
    set: Optional[Mapping[str, Any]] = None,
    replicates: Optional[int] = None,
    jobs: Optional[int] = None,
    out: Optional[Union[str, "os.PathLike[str]"]] = None,
    lean: bool = True,
    progress: bool = True,
) -> pd.DataFrame:
    """Runs every point of the scenario's ``sweep:`` grid (``replicates`` times each,
    on ``jobs`` cores) and returns sweep.csv as a DataFrame: one row per point, every
    figure's mean and, with replicates, its 95% half-width (``<figure>_ci95``). The
    per-run table is ``result.attrs["runs"]`` and the directory ``result.attrs["dir"]``.
    Runs are lean by default (figures only)."""
    sets = _sets(set)
    replicates = _whole("replicates", replicates, 1, 1000)
    jobs = _whole("jobs", jobs, 1, 256)
    source = _source(scenario)
    directory = _call(
        _chainlab.sweep, "sweep", out, progress,
        sets=sets, replicates=replicates, jobs=jobs, lean=lean, **source,
    )
    table = _table(directory / "sweep.csv")
    table.attrs["runs"] = _table(directory / "runs.csv")
    table.attrs["dir"] = str(directory)
    return table
