"""Denominate: divide indicators by a size variable (GDP, population, area...)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from .errors import DenominatorZeroError, MissingColumnError


def denominate(
    X: npt.NDArray[np.float64],
    denominators: Mapping[str, npt.NDArray[np.float64]],
    denominator_of: Sequence[str | None],
    *,
    unit_codes: Sequence[str] | npt.NDArray[np.str_],
    indicator_codes: Sequence[str],
) -> npt.NDArray[np.float64]:
    """`X / denominator` column by column; `X` is `(n_units, n_indicators)`.

    A missing denominator gives a missing value; a zero one is an error (never ±inf).
    """
    out = X.copy()
    for j, code in enumerate(denominator_of):
        if code is None:
            continue
        if code not in denominators:
            raise MissingColumnError(code, role="denominator")
        d = denominators[code]
        zero = (d == 0) & ~np.isnan(X[:, j])
        if zero.any():
            i = int(np.flatnonzero(zero)[0])
            raise DenominatorZeroError(
                unit=str(unit_codes[i]), indicator=indicator_codes[j], denominator=code
            )
        out[:, j] = X[:, j] / d
    return out
