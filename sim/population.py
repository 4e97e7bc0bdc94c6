"""Agent state held as arrays: one row per agent ever created.

A :class:`Population` owns one numpy array per state variable. Rows are agent ids: they
are never reused, and an agent that leaves is masked (``active[row] = False``), not
deleted, so histories stay addressable and random streams stay aligned with ids. Arrays
grow by doubling when new agents arrive. Mesa ``Agent`` objects (see ``sim.agents``) are
thin views on one row.

Example:
    >>> import numpy as np
    >>> pop = Population({"satisfaction": (np.float64, 0.5)}, capacity=2)
    >>> rows = pop.add(3)
    >>> rows.tolist(), pop.satisfaction[:3].tolist()
    ([0, 1, 2], [0.5, 0.5, 0.5])
"""

from __future__ import annotations

import numpy as np

NEVER = np.iinfo(np.int32).min  # "no such week yet": burn-in weeks are negative, so -1 is a real week


class Population:
    """Growable column store of agent state; ``active`` masks agents that left."""

    def __init__(self, fields: dict[str, tuple], capacity: int = 16):
        """Create an empty population.

        Args:
            fields: name -> (dtype, default) or (dtype, default, width) for a 2-D column.
            capacity: initial number of rows allocated.
        """
        self._fields = dict(fields)
        self._capacity = max(int(capacity), 1)
        self.n = 0
        self.active = np.zeros(self._capacity, dtype=bool)
        self._present: np.ndarray | None = None
        for name, spec in self._fields.items():
            setattr(self, name, self._blank(spec, self._capacity))

    @staticmethod
    def _blank(spec, rows):
        dtype, default = spec[0], spec[1]
        shape = (rows,) if len(spec) == 2 else (rows, spec[2])
        return np.full(shape, default, dtype=dtype)

    @property
    def n_active(self) -> int:
        return len(self.active_rows())

    def active_rows(self) -> np.ndarray:
        """Ids of the agents currently present (cached until ``add`` or ``remove``; do not modify)."""
        if self._present is None:
            self._present = np.flatnonzero(self.active[: self.n])
        return self._present

    def remove(self, rows: np.ndarray) -> None:
        """Mark agents as gone; their rows stay (ids are never reused)."""
        self.active[rows] = False
        self._present = None

    def add(self, k: int) -> np.ndarray:
        """Append ``k`` new agents with default state; return their ids."""
        k = int(k)
        if self.n + k > self._capacity:
            self._grow(max(2 * self._capacity, self.n + k))
        rows = np.arange(self.n, self.n + k)
        self.n += k
        self.active[rows] = True
        self._present = None
        return rows

    def _grow(self, capacity: int) -> None:
        def extend(old, spec=None):
            new = self._blank(spec, capacity) if spec else np.zeros(capacity, dtype=old.dtype)
            new[: self._capacity] = old[: self._capacity]
            return new

        self.active = extend(self.active)
        for name, spec in self._fields.items():
            setattr(self, name, extend(getattr(self, name), spec))
        self._capacity = capacity

    def nbytes(self) -> int:
        """Memory held by the state arrays."""
        return self.active.nbytes + sum(getattr(self, f).nbytes for f in self._fields)
