"""The two social networks: employees' internal ties and customers' word-of-mouth ties.

Both are built from the model's generator, so a seed fixes them.

*Employees* sit on seats. Seats are the nodes of a small-world graph (Watts & Strogatz
1998) built within each function (ring lattice, rewired inside the function), plus
sparser ties across functions, more of them the higher the integration ladder (seed 004,
rungs 1-2: informal networks formalised into cross-functional teams). When someone leaves,
the newcomer on that seat inherits its ties.

*Customers* keep a fixed number of tie slots: a few strong ties inside their own
job-to-be-done segment (homophily) and weak ties anywhere (Granovetter 1973; Goldenberg,
Libai & Muller 2001). Newcomers pick ties among present customers and are added back to
their targets where a slot is free.
"""

from __future__ import annotations

import numpy as np

from sim.effects import SOURCE_MECHANISM, EffectSizes, effect
from sim.jit import njit
from sim.population import release, reserve

NETWORK_EFFECTS = EffectSizes(
    "networks", "docs/ODD.md 2.6, 7.4.6-7.4.7",
    weak_tie_weight=effect(
        0.5, 0.25, 0.75, SOURCE_MECHANISM,
        "a weak tie's chance of being told, and of feeling a leaver's defection, relative to a strong tie's",
        "Brown & Reingen 1987 and Granovetter 1973: strong ties are activated for word of mouth more often than "
        "weak ones; how much more is not given, half is chosen"),
)

FUNCTIONS = ("front_line", "sales", "marketing", "operations", "back_office")


def assign_functions(n: int, shares: list[float]) -> np.ndarray:
    """Function index of each seat, in contiguous blocks (largest remainder rounding)."""
    shares = np.asarray(list(shares) + [max(0.0, 1.0 - sum(shares))])
    raw = shares * n
    counts = np.floor(raw).astype(int)
    counts[np.argsort(raw - counts)[::-1][: n - counts.sum()]] += 1
    return np.repeat(np.arange(len(FUNCTIONS)), counts)


class EmployeeNetwork:
    """Undirected seat graph stored as an edge list sorted by destination."""

    def __init__(self, function: np.ndarray, degree: int, rewiring: float, cross_ties: float,
                 rng: np.random.Generator):
        self.n_seats = len(function)
        src, dst = [], []
        for f in range(len(FUNCTIONS)):
            members = np.flatnonzero(function == f)
            m = len(members)
            if m < 2:
                continue
            half = max(1, min(degree // 2, (m - 1) // 2 or 1))
            i = np.repeat(np.arange(m), half)
            j = (i + np.tile(np.arange(1, half + 1), m)) % m
            rewire = rng.random(len(j)) < rewiring
            j = np.where(rewire, rng.integers(0, m, len(j)), j)
            src.append(members[i])
            dst.append(members[j])
        n_cross = rng.poisson(cross_ties, self.n_seats)
        a = np.repeat(np.arange(self.n_seats), n_cross)
        src.append(a)
        dst.append(rng.integers(0, self.n_seats, len(a)))
        s, d = np.concatenate(src), np.concatenate(dst)
        keep = s != d
        pairs = np.unique(np.sort(np.stack([s[keep], d[keep]], axis=1), axis=1), axis=0)
        both = np.concatenate([pairs, pairs[:, ::-1]])
        order = np.lexsort((both[:, 0], both[:, 1]))
        self.src = both[order, 0]
        self.dst = both[order, 1]
        self.degree = np.bincount(self.dst, minlength=self.n_seats)

    def neighbour_mean(self, values: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Weighted mean of ``values`` over each seat's neighbours (own value if isolated)."""
        w = weights[self.src]
        num = np.bincount(self.dst, weights=w * values[self.src], minlength=self.n_seats)
        den = np.bincount(self.dst, weights=w, minlength=self.n_seats)
        return np.where(den > 0, num / np.maximum(den, 1e-12), values)


class PoolBySegment:
    """Customer ids grouped by segment (ascending ids within each), kept up to date week by week.

    ``ids[starts[s]:starts[s + 1]]`` are the customers of segment ``s``. Updating it as
    customers leave and arrive costs a pass over the ids instead of a sort.

    Example:
        >>> seg = np.array([1, 0, 1, 0])
        >>> pool = PoolBySegment(np.arange(4), seg, n_segments=2)
        >>> pool.ids.tolist(), pool.starts.tolist()
        ([1, 3, 0, 2], [0, 2, 4])
    """

    def __init__(self, ids: np.ndarray, segment: np.ndarray, n_segments: int | None = None):
        n_segments = int(segment.max()) + 1 if n_segments is None else n_segments
        order = np.argsort(segment[ids], kind="stable")
        self.ids = ids[order]
        self.starts = np.searchsorted(segment[self.ids], np.arange(n_segments + 1))

    def keep(self, present: np.ndarray) -> None:
        """Drop the ids whose ``present`` flag (indexed by id) is False."""
        self.ids, self.starts = _keep(self.ids, self.starts, present)

    def add(self, new: np.ndarray, segment: np.ndarray) -> None:
        """Add ids larger than all present ones, each at the end of its segment."""
        self.ids, self.starts = _add_to_pool(self.ids, self.starts, new, segment)


#: A tie slot never filled.
EMPTY = -1
#: A tie to a customer who left and whose row was dropped (``WordOfMouthNetwork.compact``): it
#: keeps its slot and its weight, and a message sent along it is lost, as to a departed row.
GONE = -2


class WordOfMouthNetwork:
    """Fixed-slot tie table: ``ties[c, k]`` is the row of customer c's k-th contact (``EMPTY``, ``GONE``)."""

    def __init__(self, strong_ties: int, weak_ties: int, capacity: int,
                 weak_tie_weight: float = NETWORK_EFFECTS.weak_tie_weight):
        self.n_strong = int(strong_ties)
        self.n_weak = int(weak_ties)
        self.weak = np.float32(weak_tie_weight)
        self.slots = max(1, 2 * (self.n_strong + self.n_weak))
        self.rows = 0   # rows in use (customers 0..rows-1); the others are allocated ahead (sim.population.reserve)
        self._allocate(capacity)
        golden = 0.6180339887498949   # numerical: the golden ratio's fraction spreads the slots' rotations evenly
        self.rotation = ((golden * np.arange(self.slots)) % 1.0).astype(np.float32)

    def _allocate(self, capacity: int) -> None:
        """Tables of ``capacity`` rows, the rows in use copied over."""
        held = self.rows
        ties = reserve((capacity, self.slots), np.int32)
        strong = reserve((capacity, self.slots), bool)
        degree = reserve(capacity, np.int32)
        # Row sums of the ties' weights (a strong tie 1, a weak one ``weak_tie_weight``: the
        # relative chance of being told), kept as ties are added, in a fixed order.
        capacity_ = reserve(capacity, np.float32)
        if held:
            ties[:held], strong[:held], degree[:held] = self.ties[:held], self.strong[:held], self.degree[:held]
            capacity_[:held] = self.capacity[:held]
        self.ties, self.strong, self.degree, self.capacity = ties, strong, degree, capacity_

    def _ensure(self, rows: int) -> None:
        """Rows 0..rows-1 in use: new ones start with every slot empty."""
        if rows <= self.rows:
            return
        if rows > len(self.degree):
            self._allocate(max(2 * len(self.degree), rows))
        self.ties[self.rows:rows] = -1
        self.rows = rows

    def __getstate__(self) -> dict:
        """The rows in use only (the rows allocated ahead are made again when unpickled)."""
        state = dict(self.__dict__)
        state["allocated"] = len(self.degree)
        for name in ("ties", "strong", "degree", "capacity"):
            state[name] = np.array(state[name][: self.rows])
        return state

    def __setstate__(self, state: dict) -> None:
        if "rows" not in state:                 # pickled before the rows in use were tracked: every row allocated
            state["rows"] = state["allocated"] = len(state["degree"])
        allocated = state.pop("allocated")
        self.__dict__.update(state)
        self._allocate(allocated)

    def connect(self, new: np.ndarray, segment: np.ndarray, pool: np.ndarray,
                draws: np.ndarray, by_segment: PoolBySegment | None = None) -> None:
        """Give customers ``new`` their ties among ``pool`` (present customers).

        Args:
            new: ids of the arriving customers, ascending.
            segment: segment of every customer id (indexed by id).
            pool: ids that can be picked (may include ``new``), ascending.
            draws: uniforms, shape (len(new), n_strong + n_weak).
            by_segment: ``pool`` grouped by segment, if the caller keeps it (saves a sort).
        """
        self._ensure(int(new.max()) + 1 if len(new) else 0)
        if len(new) == 0 or len(pool) == 0:
            return
        if self.n_strong and by_segment is None:
            by_segment = PoolBySegment(pool, segment)
        # Every newcomer takes its own ties first; then the ties are returned, in order.
        self._pick(new, segment, pool, draws, by_segment)
        self._reciprocate(new)

    def _pick(self, new, segment, pool, draws, by_segment) -> None:
        """Own ties of ``new``: strong ties within the segment, weak ties anywhere; the first slots."""
        starts = by_segment.starts if self.n_strong else np.zeros(1, dtype=np.int64)
        sorted_pool = by_segment.ids if self.n_strong else pool
        _pick(new, segment, pool, draws, sorted_pool, starts, self.n_strong, self.ties, self.strong,
              self.capacity, self.degree, self.weak)

    def _reciprocate(self, new) -> None:
        """Reciprocal ties of ``new``'s own ties go into free slots of the targets, first come first served."""
        _reciprocate(new, self.n_strong, self.n_strong + self.n_weak, self.ties, self.strong,
                     self.capacity, self.degree, self.weak)

    def spread(self, talkers: np.ndarray, reach: np.ndarray, draws: np.ndarray):
        """Messages from ``talkers`` to their ties.

        Each talker tells about ``reach`` of its ties, a weak tie ``weak_tie_weight`` as
        likely as a strong one. Which ties is fixed by the talker's own uniform ``draws`` (a rotation), so
        the stream stays indexed by customer id.

        Returns:
            (recipients, senders, unsent): ids told, the teller of each message, and per
            talker the reach that found no tie (broadcast outside the network).
        """
        return _spread(talkers, np.asarray(reach, dtype=np.float64), np.asarray(draws, dtype=np.float64), self.ties,
                       self.strong, self.capacity, self.rotation, self.weak)

    def expose(self, exposure: np.ndarray, leavers: np.ndarray, decay: float) -> None:
        """Contagion: ``exposure`` (indexed by id) decays by ``decay``, then each tie of a leaver
        receives a signal (a strong tie 1, a weak one ``weak_tie_weight``)."""
        _expose(exposure, leavers, decay, self.ties, self.strong, self.weak)

    def compact(self, kept: np.ndarray, moved: np.ndarray) -> None:
        """Follow the customers' rows as ``Population.compact`` moved them: the rows ``kept`` move up,
        in order, and every tie is mapped through ``moved`` (a tie to a dropped row becomes ``GONE``)."""
        k, held = len(kept), self.rows
        for table in (self.ties, self.strong, self.degree, self.capacity):
            table[:k] = table[kept]
            release(table, k, held)
        _follow(self.ties, k, moved)
        self.rows = k

    def nbytes(self) -> int:
        return self.ties.nbytes + self.strong.nbytes + self.degree.nbytes + self.capacity.nbytes


# ---------------------------------------------------------------------------- kernels
@njit
def _tie_weight(tie, is_strong, weak):
    """A tie's relative chance of being told: 1 strong, ``weak`` weak, 0 for an empty slot (float32)."""
    return np.float32(0.0) if tie == EMPTY else (np.float32(1.0) if is_strong else weak)


@njit
def _spread(talkers, reach, draws, ties, strong, capacity, rotation, weak):
    """Each talker's ties told, in talker then slot order; in float32 as the tie tables are."""
    slots = ties.shape[1]
    recipients = np.empty(len(talkers) * slots, dtype=np.int64)
    senders = np.empty(len(talkers) * slots, dtype=np.int64)
    unsent = np.empty(len(talkers))
    m = 0
    for t in range(len(talkers)):
        c = talkers[t]
        p_strong = np.float32(min(1.0, reach[t] / np.float64(max(capacity[c], np.float32(1e-9)))))
        u0 = np.float32(draws[t])
        sent = 0
        for k in range(slots):
            u = u0 + rotation[k]
            u -= np.floor(u)         # the fractional part: the rotated draw of this slot
            if u < p_strong * _tie_weight(ties[c, k], strong[c, k], weak):
                if ties[c, k] != GONE:     # told, and heard by a customer still on the books
                    recipients[m] = ties[c, k]
                    senders[m] = c
                    m += 1
                sent += 1
        unsent[t] = max(0.0, reach[t] - sent)
    return recipients[:m], senders[:m], unsent


@njit
def _keep(ids, starts, present):
    """``ids`` without those not ``present``, and the segments' new starts."""
    kept = np.empty_like(ids)
    new_starts = np.empty_like(starts)
    m, s = 0, 0
    for i in range(len(ids)):
        while s < len(starts) and starts[s] == i:
            new_starts[s] = m
            s += 1
        if present[ids[i]]:
            kept[m] = ids[i]
            m += 1
    new_starts[s:] = m
    return kept[:m], new_starts


@njit
def _add_to_pool(ids, starts, new, segment):
    """``ids`` grouped by segment with ``new`` (larger than every id) appended to their segments."""
    n_segments = len(starts) - 1
    counts = np.zeros(n_segments, dtype=np.int64)
    for c in new:
        counts[segment[c]] += 1
    new_starts = np.empty_like(starts)
    new_starts[0] = starts[0]
    for s in range(n_segments):
        new_starts[s + 1] = starts[s + 1] + counts[:s + 1].sum()
    out = np.empty(len(ids) + len(new), dtype=ids.dtype)
    for s in range(n_segments):
        size = starts[s + 1] - starts[s]
        out[new_starts[s]:new_starts[s] + size] = ids[starts[s]:starts[s + 1]]
        m = new_starts[s] + size
        for c in new:
            if segment[c] == s:
                out[m] = c
                m += 1
    return out, new_starts


@njit
def _pick(new, segment, pool, draws, sorted_pool, starts, n_strong, ties, strong, capacity, degree, weak):
    """Own ties of each newcomer: strong ones within its segment, weak ones anywhere; the first slots."""
    own = draws.shape[1]
    for r in range(len(new)):
        c = new[r]
        total = np.float32(0.0)
        for k in range(own):
            if k < n_strong:
                lo, hi = starts[segment[c]], starts[segment[c] + 1]
                size = hi - lo
                pick = sorted_pool[min(lo + np.int64(np.floor(draws[r, k] * size)), len(pool) - 1)] if size > 0 else -1
            else:
                pick = pool[np.int64(np.floor(draws[r, k] * len(pool)))]
            if pick == c:
                pick = -1                  # no tie to oneself
            ties[c, k] = pick
            strong[c, k] = k < n_strong and pick >= 0
            total += _tie_weight(pick, k < n_strong, weak)
        capacity[c] = total
        degree[c] = own


@njit
def _reciprocate(new, n_strong, own, ties, strong, capacity, degree, weak):
    """Each own tie of ``new`` (in order) returned in the target's next free slot, while one is free."""
    slots = ties.shape[1]
    for r in range(len(new)):
        c = new[r]
        for k in range(own):
            target = ties[c, k]
            if target < 0 or degree[target] >= slots:
                continue
            slot = degree[target]
            ties[target, slot] = c
            strong[target, slot] = k < n_strong
            capacity[target] += _tie_weight(c, k < n_strong, weak)
            degree[target] += 1


@njit
def _follow(ties, rows, moved):
    """Each tie of rows 0..rows-1 to the row it moved to, ``GONE`` if that row was dropped."""
    for c in range(rows):
        for k in range(ties.shape[1]):
            t = ties[c, k]
            if t >= 0:
                ties[c, k] = moved[t] if moved[t] >= 0 else GONE


@njit
def _expose(exposure, leavers, decay, ties, strong, weak):
    n = len(exposure)
    signal = np.zeros(n)
    for leaver in leavers:
        for k in range(ties.shape[1]):
            if ties[leaver, k] >= 0:
                signal[ties[leaver, k]] += 1.0 if strong[leaver, k] else np.float64(weak)
    for i in range(n):
        exposure[i] = exposure[i] * decay + signal[i]
