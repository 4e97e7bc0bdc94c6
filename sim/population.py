"""Agent state held as arrays: one row per agent ever created.

A :class:`Population` owns one numpy array per state variable. Rows are agent ids: they
are never reused, and an agent that leaves is masked (``active[row] = False``), not
deleted, so histories stay addressable and random streams stay aligned with ids. Arrays
grow by doubling when new agents arrive. Mesa ``Agent`` objects (see ``sim.agents``) are
thin views on one row.

Rows are allocated ahead, but they cost memory only once written (:func:`reserve`): the
resident state is the rows held, not the rows allocated; a row gets its defaults when it
is added. A pickled population keeps only the rows held.

Example:
    >>> import numpy as np
    >>> pop = Population({"satisfaction": (np.float64, 0.5)}, capacity=2)
    >>> rows = pop.add(3)
    >>> rows.tolist(), pop.satisfaction[:3].tolist()
    ([0, 1, 2], [0.5, 0.5, 0.5])
"""

from __future__ import annotations

import mmap
from collections import namedtuple

import numpy as np

NEVER = np.iinfo(np.int32).min  # "no such week yet": burn-in weeks are negative, so -1 is a real week

#: Arrays at least this large are reserved lazily (smaller ones are plain zeroed arrays).
LAZY_BYTES = 1 << 20
#: Every record made by :func:`state_record`, by its field names.
_RECORDS: dict[tuple[str, ...], type] = {}


def state_record(name: str, fields: dict[str, tuple], module: str) -> type:
    """The named tuple of a population's state arrays: ``active`` then every field, in order.

    Kernels take it as one argument instead of one per array (``Population.state``). Made once,
    at the import of ``module``, which holds it as ``name`` (so that compiled kernels that take
    it can be cached, and populations pickled before it existed find it again).

    Example:
        >>> Pair = state_record("Pair", {"x": (np.float64, 0.0)}, __name__)
        >>> Pair._fields
        ('active', 'x')
    """
    record = namedtuple(name, ("active", *fields), module=module)
    _RECORDS[record._fields] = record
    return record


def reserve(shape, dtype) -> np.ndarray:
    """A zeroed array whose memory pages are mapped when first written.

    Large arrays come from an anonymous memory map (as numpy's own do above the allocator's
    threshold, which moves), so the rows reserved ahead of need cost address space, not
    memory; transparent huge pages are asked for, as numpy asks for its large arrays.

    Example:
        >>> reserve((3, 2), np.int32).tolist()
        [[0, 0], [0, 0], [0, 0]]
    """
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dtype.itemsize
    if nbytes < LAZY_BYTES or not hasattr(mmap, "MAP_PRIVATE"):
        return np.zeros(shape, dtype=dtype)
    # Private: a forked process gets its own copy on write, as with any array (an anonymous map is shared by default).
    pages = mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    if hasattr(mmap, "MADV_HUGEPAGE"):
        pages.madvise(mmap.MADV_HUGEPAGE)
    return np.frombuffer(pages, dtype=dtype).reshape(shape)


class Population:
    """Growable column store of agent state; ``active`` masks agents that left."""

    def __init__(self, fields: dict[str, tuple], capacity: int = 16, record: type | None = None):
        """Create an empty population.

        Args:
            fields: name -> (dtype, default) or (dtype, default, width) for a 2-D column.
            capacity: initial number of rows allocated.
            record: the named tuple of ``active`` and every field, in order (:func:`state_record`):
                :meth:`state` gives the arrays as one, which the kernels take instead of an argument
                per array.
        """
        self._fields = dict(fields)
        if record is not None and tuple(record._fields) != ("active", *self._fields):
            raise ValueError(f"the record {record.__name__} must name active and the fields, in order")
        self._record_type = record
        self._record = None
        self._capacity = max(int(capacity), 1)
        self.n = 0
        self._present: np.ndarray | None = None
        self._allocate(self._capacity)

    def state(self):
        """The state arrays as one record (the ``record`` named tuple): ``state().affective`` is
        ``self.affective``. Made again when the arrays grow."""
        if self._record is None:
            self._record = self._record_type(self.active, *(getattr(self, name) for name in self._fields))
        return self._record

    @staticmethod
    def _shape(spec, rows):
        return (rows,) if len(spec) == 2 else (rows, spec[2])

    def _allocate(self, capacity: int) -> None:
        """Arrays of ``capacity`` rows, the rows held copied over (the others are set when added)."""
        held = self.n
        active = reserve(capacity, bool)
        if held:
            active[:held] = self.active[:held]
        self.active = active
        for name, spec in self._fields.items():
            column = reserve(self._shape(spec, capacity), spec[0])
            if held:
                column[:held] = getattr(self, name)[:held]
            setattr(self, name, column)
        self._capacity = capacity
        self._record = None

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
            self._allocate(max(2 * self._capacity, self.n + k))
        start = self.n
        for name, spec in self._fields.items():
            getattr(self, name)[start:start + k] = spec[1]
        rows = np.arange(start, start + k)
        self.n += k
        self.active[start:start + k] = True
        if self._present is not None:   # the newcomers' ids are the largest: the cache stays ascending
            self._present = np.concatenate([self._present, rows])
        return rows

    def nbytes(self) -> int:
        """Memory held by the state arrays (the rows allocated; only the rows written are resident)."""
        return self.active.nbytes + sum(getattr(self, f).nbytes for f in self._fields)

    def __getstate__(self) -> dict:
        """The rows held only (the rows allocated ahead are made again when unpickled)."""
        state = dict(self.__dict__)
        state["_record"] = None
        for name in ("active", *self._fields):
            state[name] = np.array(state[name][: self.n])
        return state

    def __setstate__(self, state: dict) -> None:
        if "_record_type" not in state:          # pickled before populations had records
            state["_record_type"] = _RECORDS.get(("active", *state["_fields"]))
            state["_record"] = None
        held = {name: state.pop(name) for name in ("active", *state["_fields"])}
        self.__dict__.update(state)
        self.active = held["active"]
        for name in self._fields:
            setattr(self, name, held[name])
        self._allocate(self._capacity)
