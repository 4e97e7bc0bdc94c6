"""Named random streams for common random numbers (CRN).

Every stochastic decision (``"turnover"``, ``"churn"``, ...) draws from its own stream,
keyed by (run seed, decision name) and positioned by the week. A stream draws one value
per agent slot and the caller indexes it by agent id, so agent 17's churn draw in week 40
is the same number whatever else differs between two runs. Two roads that share a seed
therefore meet the same random events wherever their states agree, and the comparison
between them is paired.

Two kinds of draw, for two kinds of decision:

* Decisions about (nearly) everyone, such as who buys or who leaves, draw a block with
  :meth:`RandomStreams.uniform`: each decision owns a PCG64 generator seeded once from
  (seed, decision); week ``w`` starts ``(w + 2**20) * 2**40`` draws into it (``advance``
  is O(1)), so weeks never overlap and opening a week costs a few microseconds.
* Decisions about a few, such as how a contact is handled or whether a dissatisfied
  customer complains, draw only for those agents with :meth:`RandomStreams.at`: the
  uniform of agent ``i`` is a hash of (seed, decision, week, column, ``i``), the
  SplitMix64 output function (Steele, Lea & Flood 2014) applied to a Weyl sequence. It is
  the same number whichever other agents are drawn for, and costs nothing for the agents
  not asked about.

Example:
    >>> s = RandomStreams(seed=3)
    >>> a = s.uniform("churn", step=5, n=4)
    >>> b = s.uniform("churn", step=5, n=10)
    >>> bool((a == b[:4]).all())   # the same slot gets the same draw
    True
    >>> import numpy as np
    >>> u = s.at("voice", step=5, ids=np.array([7, 40]))
    >>> bool(u[1] == s.at("voice", step=5, ids=np.array([40]))[0])  # the same id, the same draw
    True
"""

from __future__ import annotations

import zlib

import numpy as np
from scipy.special import ndtri

from sim.jit import njit

WEEK_SPAN = 1 << 40    # draws reserved for one decision in one week
WEEK_OFFSET = 1 << 20  # keeps burn-in weeks (negative) inside the stream

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15   # SplitMix64's Weyl increment
_MIX1, _MIX2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
_U64 = np.uint64
# numpy scalars made once: building one per operation costs as much as the operation.
_GOLDEN_U, _MIX1_U, _MIX2_U = _U64(_GOLDEN), _U64(_MIX1), _U64(_MIX2)
_S30, _S27, _S31, _S11, _ONE = _U64(30), _U64(27), _U64(31), _U64(11), _U64(1)
_TO_UNIT = np.float64(2.0 ** -53)


def _mix(z: int) -> int:
    """SplitMix64's output function on one Python integer."""
    z = ((z ^ (z >> 30)) * _MIX1) & _MASK
    z = ((z ^ (z >> 27)) * _MIX2) & _MASK
    return z ^ (z >> 31)


class RandomStreams:
    """Named random streams, one per (decision, week)."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._streams: dict[str, tuple] = {}
        self._decision_keys: dict[str, int] = {}

    def generator(self, decision: str, step: int) -> np.random.Generator:
        """The generator of this decision, positioned at the start of week ``step``.

        The returned object is reused: draw from it before asking for the same decision again.
        """
        entry = self._streams.get(decision)
        if entry is None:
            bits = np.random.PCG64(np.random.SeedSequence([self.seed, zlib.crc32(decision.encode())]))
            entry = (bits, np.random.Generator(bits), bits.state)
            self._streams[decision] = entry
        bits, gen, start = entry
        bits.state = start
        bits.advance((int(step) + WEEK_OFFSET) * WEEK_SPAN)
        return gen

    def uniform(self, decision: str, step: int, n: int) -> np.ndarray:
        """``n`` single-precision uniforms on [0, 1), one per agent slot (half the random bits of float64)."""
        return self.generator(decision, step).random(n, dtype=np.float32)

    def at(self, decision: str, step: int, ids: np.ndarray, columns: int = 1) -> np.ndarray:
        """Uniforms on (0, 1) for the agents ``ids`` only: shape ``(len(ids),)``, or ``(len(ids), columns)``.

        Column ``j`` of agent ``i`` is a pure function of (seed, decision, week, j, i), so a
        decision that concerns few agents costs little and keeps common random numbers.
        Several related decisions share one call as columns. Kernels draw the same numbers
        themselves with :func:`keyed_uniform` and the :meth:`keys` of the decision.
        """
        ids = np.asarray(ids, dtype=np.int64)
        u = _keyed_block(ids, self.keys(decision, step, columns))
        return u if columns > 1 else u[:, 0]

    def keys(self, decision: str, step: int, columns: int = 1) -> np.ndarray:
        """The keys of one (decision, week), one per column, for :func:`keyed_uniform`."""
        base = self._base(decision, step)
        return np.array([_mix((base + j) & _MASK) for j in range(columns)], dtype=_U64)

    def normal_at(self, decision: str, step: int, ids: np.ndarray, columns: int = 1) -> np.ndarray:
        """Standard normals for the agents ``ids`` only (the inverse normal CDF of :meth:`at`)."""
        return ndtri(self.at(decision, step, ids, columns))

    def _base(self, decision: str, step: int) -> int:
        """Key of one (decision, week); column ``j`` starts its Weyl sequence at ``mix(base + j)``."""
        z = self._decision_keys.get(decision)
        if z is None:
            z = self._decision_keys[decision] = _mix((self.seed * _GOLDEN + zlib.crc32(decision.encode())) & _MASK)
        return _mix((z + (int(step) + WEEK_OFFSET) * _GOLDEN) & _MASK)


@njit
def keyed_uniform(key, i):
    """The uniform on (0, 1) of agent ``i`` under ``key`` (a column of ``RandomStreams.keys``).

    SplitMix64's output function on ``i * golden + key``; the 53 high bits, made odd, so
    never exactly 0 or 1. The same number :meth:`RandomStreams.at` gives.
    """
    z = np.uint64(i) * _GOLDEN_U + key
    z ^= z >> _S30
    z *= _MIX1_U
    z ^= z >> _S27
    z *= _MIX2_U
    z ^= z >> _S31
    z >>= _S11                     # 53 bits: a double's mantissa
    z |= _ONE                      # odd: never exactly 0 (or 1)
    return np.float64(z) * _TO_UNIT


@njit
def _keyed_block(ids, keys):
    out = np.empty((len(ids), len(keys)))
    for r in range(len(ids)):
        for j in range(len(keys)):
            out[r, j] = keyed_uniform(keys[j], ids[r])
    return out
