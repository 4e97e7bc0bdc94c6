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
        kept = present[self.ids]
        before = np.zeros(len(kept) + 1, dtype=np.int64)
        np.cumsum(kept, out=before[1:])
        self.ids = self.ids[kept]
        self.starts = before[self.starts]

    def add(self, new: np.ndarray, segment: np.ndarray) -> None:
        """Add ids larger than all present ones, each at the end of its segment."""
        seg = segment[new]
        starts = self.starts
        parts, counts = [], np.zeros(len(starts), dtype=np.int64)
        for s in range(len(starts) - 1):
            arriving = new[seg == s]
            parts += [self.ids[starts[s]:starts[s + 1]], arriving]
            counts[s + 1] = len(arriving)
        self.ids = np.concatenate(parts)
        self.starts = starts + np.cumsum(counts)


class WordOfMouthNetwork:
    """Fixed-slot tie table: ``ties[c, k]`` is the k-th contact of customer c (-1 = empty)."""

    def __init__(self, strong_ties: int, weak_ties: int, capacity: int):
        self.n_strong = int(strong_ties)
        self.n_weak = int(weak_ties)
        self.slots = max(1, 2 * (self.n_strong + self.n_weak))
        self.ties = np.full((capacity, self.slots), -1, dtype=np.int32)
        self.strong = np.zeros((capacity, self.slots), dtype=bool)
        self.degree = np.zeros(capacity, dtype=np.int32)
        # Relative chance of being told: 1 for a strong tie, 0.5 for a weak one, 0 for an empty slot.
        self.weight = np.zeros((capacity, self.slots), dtype=np.float32)
        # Row sums of ``weight``, kept as ties are added (sums of halves: exact in any order).
        self.capacity = np.zeros(capacity, dtype=np.float32)
        golden = 0.6180339887498949
        self._rotation = ((golden * np.arange(self.slots)) % 1.0).astype(np.float32)

    def _ensure(self, rows: int) -> None:
        cap = len(self.degree)
        if rows <= cap:
            return
        new = max(2 * cap, rows)
        ties = np.full((new, self.slots), -1, dtype=np.int32)
        strong = np.zeros((new, self.slots), dtype=bool)
        weight = np.zeros((new, self.slots), dtype=np.float32)
        degree = np.zeros(new, dtype=np.int32)
        capacity = np.zeros(new, dtype=np.float32)
        ties[:cap], strong[:cap], weight[:cap], degree[:cap] = self.ties, self.strong, self.weight, self.degree
        capacity[:cap] = self.capacity
        self.ties, self.strong, self.weight, self.degree, self.capacity = ties, strong, weight, degree, capacity

    def connect(self, new: np.ndarray, segment: np.ndarray, pool: np.ndarray,
                draws: np.ndarray, by_segment: PoolBySegment | None = None, block: int = 16384) -> None:
        """Give customers ``new`` their ties among ``pool`` (present customers).

        Args:
            new: ids of the arriving customers, ascending.
            segment: segment of every customer id (indexed by id).
            pool: ids that can be picked (may include ``new``), ascending.
            draws: uniforms, shape (len(new), n_strong + n_weak).
            by_segment: ``pool`` grouped by segment, if the caller keeps it (saves a sort).
            block: newcomers handled at a time; bounds the temporary memory when all the
                initial customers connect at once, without changing the result.
        """
        self._ensure(int(new.max()) + 1 if len(new) else 0)
        if len(new) == 0 or len(pool) == 0:
            return
        if self.n_strong and by_segment is None:
            by_segment = PoolBySegment(pool, segment)
        # Every newcomer takes its own ties first; then the ties are returned, in order.
        for start in range(0, len(new), block):
            part = slice(start, start + block)
            self._pick(new[part], segment, pool, draws[part], by_segment)
        for start in range(0, len(new), block):
            self._reciprocate(new[start:start + block])

    def _pick(self, new, segment, pool, draws, by_segment) -> None:
        """Own ties of ``new``: strong ties within the segment, weak ties anywhere; the first slots."""
        picks = np.full((len(new), self.n_strong + self.n_weak), -1, dtype=np.int64)
        if self.n_strong:
            sorted_pool, starts = by_segment.ids, by_segment.starts
            lo, hi = starts[segment[new]], starts[segment[new] + 1]
            size = hi - lo
            idx = lo[:, None] + np.floor(draws[:, : self.n_strong] * size[:, None]).astype(np.int64)
            ok = size[:, None] > 0
            picks[:, : self.n_strong] = np.where(ok, sorted_pool[np.minimum(idx, len(pool) - 1)], -1)
        if self.n_weak:
            idx = np.floor(draws[:, self.n_strong:] * len(pool)).astype(np.int64)
            picks[:, self.n_strong:] = pool[idx]
        picks[picks == new[:, None]] = -1
        own = self.n_strong + self.n_weak
        is_strong = np.arange(own) < self.n_strong
        self.ties[new, :own] = picks
        self.strong[new, :own] = is_strong & (picks >= 0)
        weight = np.where(picks >= 0, np.where(is_strong, 1.0, 0.5), 0.0)
        self.weight[new, :own] = weight
        self.capacity[new] = weight.sum(1)
        self.degree[new] = own

    def _reciprocate(self, new) -> None:
        """Reciprocal ties of ``new``'s own ties go into free slots of the targets, first come first served."""
        picks = self.ties[new, : self.n_strong + self.n_weak]
        who, column = np.nonzero(picks >= 0)
        target = picks[who, column]
        source = new[who]
        strong = column < self.n_strong
        order = np.argsort(target, kind="stable")
        target, source, strong = target[order], source[order], strong[order]
        first = np.searchsorted(target, target, side="left")
        slot = self.degree[target] + (np.arange(len(target)) - first)
        fits = slot < self.slots
        self.ties[target[fits], slot[fits]] = source[fits]
        self.strong[target[fits], slot[fits]] = strong[fits]
        # In the tables' own dtypes: ``np.add.at`` with a cast takes a path six times slower.
        returned = np.where(strong[fits], np.float32(1.0), np.float32(0.5))
        self.weight[target[fits], slot[fits]] = returned
        np.add.at(self.capacity, target[fits], returned)
        # A target gains one tie per fitting slot; slots are numbered from its degree, so it stays <= slots.
        np.add.at(self.degree, target[fits], np.int32(1))

    def spread(self, talkers: np.ndarray, reach: np.ndarray, draws: np.ndarray):
        """Messages from ``talkers`` to their ties.

        Each talker tells about ``reach`` of its ties, strong ties twice as likely as weak
        ones. Which ties is fixed by the talker's own uniform ``draws`` (a rotation), so
        the stream stays indexed by customer id.

        Returns:
            (recipients, senders, unsent): ids told, the teller of each message, and per
            talker the reach that found no tie (broadcast outside the network).
        """
        if len(talkers) == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        weight = self.weight[talkers]
        p_strong = np.minimum(1.0, reach / np.maximum(self.capacity[talkers], 1e-9)).astype(np.float32)
        u = draws.astype(np.float32)[:, None] + self._rotation
        u -= np.floor(u)             # the fractional part: equal to u % 1 here, and far cheaper
        told = u < p_strong[:, None] * weight
        rows, cols = np.nonzero(told)
        sent = np.bincount(rows, minlength=len(talkers))
        unsent = np.maximum(0.0, reach - sent)
        return self.ties[talkers[rows], cols].astype(np.int64), talkers[rows], unsent

    def exposure_from(self, leavers: np.ndarray, n: int) -> np.ndarray:
        """Contagion signal each customer receives from the ``leavers`` (strong ties count 1, weak 0.5)."""
        if len(leavers) == 0:
            return np.zeros(n)
        ties = self.ties[leavers]
        w = np.where(self.strong[leavers], 1.0, 0.5)
        ok = ties >= 0
        return np.bincount(ties[ok], weights=w[ok], minlength=n)[:n]

    def nbytes(self) -> int:
        return self.ties.nbytes + self.strong.nbytes + self.weight.nbytes + self.degree.nbytes + self.capacity.nbytes
