import os
from pathlib import Path
from typing import Any, Mapping, Optional, Union

import pandas as pd

from . import theory as theory
from ._chainlab import ScenarioError as ScenarioError

__version__: str
Scenario = Union[str, os.PathLike[str], Mapping[str, Any]]

class Run:
    dir: Path
    def __init__(self, directory: Path) -> None: ...
    @property
    def summary(self) -> dict[str, Any]: ...
    @property
    def scenario(self) -> str: ...
    @property
    def blocks(self) -> pd.DataFrame: ...
    @property
    def txs(self) -> pd.DataFrame: ...
    @property
    def propagation(self) -> pd.DataFrame: ...
    @property
    def forks(self) -> pd.DataFrame: ...
    @property
    def attacks(self) -> pd.DataFrame: ...
    @property
    def attack_summary(self) -> pd.DataFrame: ...
    @property
    def miners(self) -> pd.DataFrame: ...
    @property
    def faults(self) -> pd.DataFrame: ...
    @property
    def runs(self) -> pd.DataFrame: ...
    @property
    def table(self) -> pd.DataFrame: ...

def validate(scenario: Scenario, *, set: Optional[Mapping[str, Any]] = ...) -> str: ...
def run(
    scenario: Scenario,
    *,
    set: Optional[Mapping[str, Any]] = ...,
    seed: Optional[int] = ...,
    replicates: Optional[int] = ...,
    out: Optional[Union[str, os.PathLike[str]]] = ...,
    lean: bool = ...,
    trace: bool = ...,
    progress: bool = ...,
) -> Run: ...
def sweep(
    scenario: Scenario,
    *,
    set: Optional[Mapping[str, Any]] = ...,
    replicates: Optional[int] = ...,
    jobs: Optional[int] = ...,
    out: Optional[Union[str, os.PathLike[str]]] = ...,
    lean: bool = ...,
    progress: bool = ...,
) -> pd.DataFrame: ...
