"""Composite indices the way COINr builds them, in NumPy: read, build, analyse, vary.

Entry points for the Study app (plain arrays in, frozen dataclasses out):

- `Framework.from_tree(...)`, `Dataset.from_arrays(...)`: the structure and the data;
- `build(dataset, framework, pipeline)`: every step up to scores and ranks;
- `fit_normaliser(...)` / `build(..., normaliser=...)`: score later editions on the
  scale of a base edition;
- `analysis`, `uncertainty`, `sensitivity`, `panel`: statistics, correlations, weights,
  uncertainty and sensitivity analyses, trends.

`IndexResult.warnings` lists indicators whose normalisation divided by zero
(`DivisionByZeroWarning`): their normalised values are missing and the index is built
from the others.
"""

from .data import Dataset
from .errors import DivisionByZeroWarning, IndexEngineError
from .framework import Framework
from .normalise import NormaliseMethod, Normaliser
from .pipeline import IndexResult, build, fit_normaliser
from .spec import PipelineSpec

__all__ = [
    "Dataset",
    "DivisionByZeroWarning",
    "Framework",
    "IndexEngineError",
    "IndexResult",
    "NormaliseMethod",
    "Normaliser",
    "PipelineSpec",
    "build",
    "fit_normaliser",
]
