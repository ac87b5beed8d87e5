"""Screen units by data availability."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def availability(X: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Share of available indicators per unit: `(n_units,)` in [0, 1]."""
    return np.count_nonzero(~np.isnan(X), axis=1) / X.shape[1]


def screen_units(X: npt.NDArray[np.float64], *, dat_thresh: float) -> npt.NDArray[np.bool_]:
    """Mask of the units kept: those whose availability is at least `dat_thresh`."""
    return ~(availability(X) < dat_thresh)
