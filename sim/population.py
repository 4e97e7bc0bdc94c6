"""Agent state held as arrays: one row per agent held.

A :class:`Population` owns one numpy array per state variable, and ``ids``: the agent id
of each row. Ids are never reused; an agent that leaves is masked (``active[row] =
False``), and its row stays until :meth:`Population.compact` drops the rows of those who
left, keeping the others in id order. Random streams are keyed by id, not row, so
dropping rows changes no draw. Arrays grow by doubling when new agents arrive. Mesa
``Agent`` objects (see ``sim.agents``) are thin views on one agent's row.

Rows are allocated ahead, but they cost memory only once written (:func:`reserve`): the
resident state is the rows held, not the rows allocated; a row gets its defaults when it
is added. A pickled population keeps only the rows held.

Example:
    >>> import numpy as np
    >>> pop = Population({"satisfaction": (np.float64, 0.5)}, capacity=2)
    >>> rows = pop.add(3)
    >>> rows.tolist(), pop.satisfaction[:3].tolist()
    ([0, 1, 2], [0.5, 0.5, 0.5])
    >>> pop.remove(np.array([1]))
    >>> pop.compact().tolist(), pop.ids[:pop.n].tolist()   # where each old row went; the ids kept
    ([0, -1, 1], [0, 2])
"""

from __future__ import annotations

import mmap
from collections import namedtuple

import numpy as np

NEVER = np.iinfo(np.int32).min  # "no such week yet": burn-in weeks are negative, so -1 is a real week

#: Rows of agents who left are dropped (:meth:`Population.compact`) once they outnumber this share of
#: those present: a week then passes over at most a tenth more rows than it needs, and a drop (a
#: gather of every column) comes about once per tenth of the population replaced.
DEPARTED_SHARE = 0.1   # numerical: bounds the rows held; no effect on results
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


def release(column: np.ndarray, start: int, stop: int) -> None:
    """Give back the memory of rows ``start..stop-1`` of ``column``, a lazily reserved array
    (:func:`reserve`): the whole pages inside those rows return to the system (``MADV_DONTNEED``)
    and cost nothing until written again. Their contents are left undefined: a row is set whole
    when it is added. Arrays not reserved lazily keep their memory.
    """
    pages = column.base
    while pages is not None and not isinstance(pages, mmap.mmap):
        pages = getattr(pages, "obj", None) or getattr(pages, "base", None)   # frombuffer's view, then the map
    if pages is None or not hasattr(mmap, "MADV_DONTNEED"):
        return
    row_bytes = column.itemsize * (column.shape[1] if column.ndim > 1 else 1)
    first = -(-start * row_bytes // mmap.PAGESIZE) * mmap.PAGESIZE   # whole pages only: round inward
    last = stop * row_bytes // mmap.PAGESIZE * mmap.PAGESIZE
    if last > first:
        pages.madvise(mmap.MADV_DONTNEED, first, last - first)


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
        self.next_id = 0
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
        active, ids = reserve(capacity, bool), reserve(capacity, np.int64)
        if held:
            active[:held] = self.active[:held]
            ids[:held] = self.ids[:held]
        self.active, self.ids = active, ids
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
        """Mark agents as gone; their rows stay until :meth:`compact` (ids are never reused)."""
        self.active[rows] = False
        self._present = None

    @property
    def n_departed(self) -> int:
        """Rows still held for agents who left."""
        return self.n - self.n_active

    def holds_many_departed(self) -> bool:
        """Whether the rows of those who left outnumber ``DEPARTED_SHARE`` of those present: time to :meth:`compact`."""
        return self.n_departed > DEPARTED_SHARE * self.n_active

    def compact(self) -> np.ndarray:
        """Drop the rows of agents who left; the others move up, in the same (id) order.

        Returns where each old row went: ``moved[old_row]`` is its new row, or -1 if dropped.
        Whoever holds rows (a tie table, a pool, a view) maps them through it. The memory of the
        rows freed is given back (:func:`release`).
        """
        kept = self.active_rows()
        moved = np.full(self.n, -1, dtype=np.int64)
        moved[kept] = np.arange(len(kept))
        k = len(kept)
        for name in ("active", "ids", *self._fields):
            column = getattr(self, name)
            column[:k] = column[kept]       # kept rows only move up: a gather, then a write
            release(column, k, self.n)
        self.n = k
        self._present = None
        return moved

    def rows_of(self, ids) -> np.ndarray:
        """The rows of agents ``ids`` (-1 for an id no longer held or never made).

        Example:
            >>> pop = Population({"x": (np.float64, 0.0)})
            >>> _ = pop.add(3)
            >>> pop.rows_of([2, 7]).tolist()
            [2, -1]
        """
        ids = np.asarray(ids, dtype=np.int64)
        if self.n == 0:
            return np.full(ids.shape, -1, dtype=np.int64)
        held = self.ids[: self.n]                  # ascending: rows are kept in id order
        rows = np.minimum(np.searchsorted(held, ids), self.n - 1)
        return np.where(held[rows] == ids, rows, -1)

    def add(self, k: int) -> np.ndarray:
        """Append ``k`` new agents with default state; return their ids."""
        k = int(k)
        if self.n + k > self._capacity:
            self._allocate(max(2 * self._capacity, self.n + k))
        start = self.n
        for name, spec in self._fields.items():
            getattr(self, name)[start:start + k] = spec[1]
        rows = np.arange(start, start + k)
        self.ids[start:start + k] = np.arange(self.next_id, self.next_id + k)
        self.next_id += k
        self.n += k
        self.active[start:start + k] = True
        if self._present is not None:   # the newcomers' ids are the largest: the cache stays ascending
            self._present = np.concatenate([self._present, rows])
        return rows

    def nbytes(self) -> int:
        """Memory held by the state arrays (the rows allocated; only the rows written are resident)."""
        return self.active.nbytes + self.ids.nbytes + sum(getattr(self, f).nbytes for f in self._fields)

    def __getstate__(self) -> dict:
        """The rows held only (the rows allocated ahead are made again when unpickled)."""
        state = dict(self.__dict__)
        state["_record"] = None
        for name in ("active", "ids", *self._fields):
            state[name] = np.array(state[name][: self.n])
        return state

    def __setstate__(self, state: dict) -> None:
        if "_record_type" not in state:          # pickled before populations had records
            state["_record_type"] = _RECORDS.get(("active", *state["_fields"]))
            state["_record"] = None
        if "ids" not in state:                   # pickled before rows were compacted: every row its id
            state["ids"], state["next_id"] = np.arange(state["n"], dtype=np.int64), state["n"]
        held = {name: state.pop(name) for name in ("active", "ids", *state["_fields"])}
        self.__dict__.update(state)
        self.active, self.ids = held["active"], held["ids"]
        for name in self._fields:
            setattr(self, name, held[name])
        self._allocate(self._capacity)
