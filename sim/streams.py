"""Named random streams for common random numbers (CRN).

Every stochastic decision (``"turnover"``, ``"churn"``, ...) draws from its own stream,
keyed by (run seed, decision name) and positioned by the week. A stream draws one value
per agent slot and the caller indexes it by agent id, so agent 17's churn draw in week 40
is the same number whatever else differs between two runs. Two roads that share a seed
therefore meet the same random events wherever their states agree, and the comparison
between them is paired.

Each decision owns a PCG64 generator seeded once from (seed, decision); week ``w`` starts
``(w + 2**20) * 2**40`` draws into it (``advance`` is O(1)), so weeks never overlap and
opening a week costs a few microseconds.

Example:
    >>> s = RandomStreams(seed=3)
    >>> a = s.uniform("churn", step=5, n=4)
    >>> b = s.uniform("churn", step=5, n=10)
    >>> bool((a == b[:4]).all())   # the same slot gets the same draw
    True
"""

from __future__ import annotations

import zlib

import numpy as np

WEEK_SPAN = 1 << 40    # draws reserved for one decision in one week
WEEK_OFFSET = 1 << 20  # keeps burn-in weeks (negative) inside the stream


class RandomStreams:
    """Named random streams, one per (decision, week)."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._streams: dict[str, tuple] = {}

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

    def normal(self, decision: str, step: int, n: int) -> np.ndarray:
        """``n`` standard normals, one per agent slot."""
        return self.generator(decision, step).standard_normal(n)
