"""Starting grids: pins first, then the previous grid where it still holds, then greedy."""

from __future__ import annotations

import numpy as np

from .arrays import IntArray
from .search import Grid


def place_greedily(
    grid: Grid, order: IntArray, *, zero_gain: bool = False, force: bool = False
) -> None:
    """Put each left-out topic of ``order`` into its best free cell, if that pays.

    Topics go in order (most voted first, say), each into the free cell with the best
    score delta. With ``zero_gain`` a move that changes nothing is taken too: that is
    how topics nobody voted for get a cell when the grid has room to spare. With
    ``force`` the best cell is taken even at a loss (topics pinned to a slot).
    """
    n_t, n_cells = grid.n_t, grid.n_cells
    for t in order:
        t = int(t)
        if grid.cell[t] < n_cells or not grid.movable[t]:
            continue
        delta = grid.neighbourhood(t)
        # Only blanks sitting in a cell: a move into a free cell, displacing nobody.
        delta[:n_t] = -np.inf
        delta[grid.cell >= n_cells] = -np.inf
        if zero_gain:
            # Among equal cells, the smallest room: leave the big ones to later changes.
            capacity = np.append(grid.arrays.capacity, 0)[grid.room]
            delta -= 1e-6 * capacity
        k = int(np.argmax(delta))
        if delta[k] == -np.inf:
            continue
        if force or delta[k] > 1e-9 or (zero_gain and delta[k] > -1e-3):
            grid.swap(t, k)


def keep_previous(grid: Grid, previous_cell: IntArray) -> None:
    """Put back every left-out topic whose previous cell is still free and allowed.

    ``previous_cell`` (T,) holds each topic's cell in the published grid, or
    ``n_cells`` when it had none (new topic) and -1 when its room or slot was lost.
    """
    for t in np.flatnonzero((previous_cell >= 0) & (previous_cell < grid.n_cells)):
        c = int(previous_cell[t])
        s = int(grid.slot_of_cell[c])
        if (
            grid.cell[t] == grid.n_cells
            and grid.movable[t]
            and grid.holder(c) < 0
            and grid.allowed[t, s]
            and grid.K[t, s] == 0
        ):
            grid.move(int(t), c)
