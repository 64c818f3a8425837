from os import PathLike
from typing import Callable, Optional, Sequence

__version__: str

class ScenarioError(ValueError):
    """A scenario, results directory or output path chainlab refuses."""

def validate(path: Optional[str | PathLike[str]] = ..., text: Optional[str] = ..., sets: Sequence[str] = ...) -> str: ...
def run(
    out: str,
    path: Optional[str] = ...,
    text: Optional[str] = ...,
    sets: Sequence[str] = ...,
    seed: Optional[int] = ...,
    replicates: Optional[int] = ...,
    lean: bool = ...,
    trace: bool = ...,
    jobs: Optional[int] = ...,
    progress: Optional[Callable[[float, str], None]] = ...,
) -> str: ...
def sweep(
    out: str,
    path: Optional[str] = ...,
    text: Optional[str] = ...,
    sets: Sequence[str] = ...,
    replicates: Optional[int] = ...,
    jobs: Optional[int] = ...,
    lean: bool = ...,
    progress: Optional[Callable[[float, str], None]] = ...,
) -> str: ...
def default_out(path: Optional[str] = ..., text: Optional[str] = ..., sets: Sequence[str] = ...) -> str: ...
def nakamoto(q: float, z: int) -> float: ...
def rosenfeld(q: float, z: int) -> float: ...
def exact_without_premine(q: float, z: int) -> float: ...
def selfish_revenue(alpha: float, gamma: float) -> float: ...
def selfish_threshold(gamma: float) -> float: ...
