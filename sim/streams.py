"""Named random streams for common random numbers (CRN).

Every stochastic decision (``"turnover"``, ``"churn"``, ...) draws from its own stream,
keyed by (run seed, decision name) and positioned by the week. A stream draws one value
per agent slot and the caller indexes it by agent id, so agent 17's churn draw in week 40
is the same number whatever else differs between two runs. Two roads that share a seed
therefore meet the same random events wherever their states agree, and the comparison
between them is paired.

Philox is counter based: the week goes into the counter, so opening a stream costs a few
microseconds and needs no state carried from week to week.

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


class RandomStreams:
    """Counter-based random streams, one per (decision, week)."""

    def __init__(self, seed: int):
        self.seed = int(seed)

    def generator(self, decision: str, step: int) -> np.random.Generator:
        """A generator private to this decision in this week."""
        key = np.array([self.seed & 0xFFFFFFFFFFFFFFFF, zlib.crc32(decision.encode())], dtype=np.uint64)
        counter = np.array([0, int(step) & 0xFFFFFFFFFFFFFFFF, 0, 0], dtype=np.uint64)
        return np.random.Generator(np.random.Philox(key=key, counter=counter))

    def uniform(self, decision: str, step: int, n: int) -> np.ndarray:
        """``n`` uniforms on [0, 1), one per agent slot."""
        return self.generator(decision, step).random(n)

    def normal(self, decision: str, step: int, n: int) -> np.ndarray:
        """``n`` standard normals, one per agent slot."""
        return self.generator(decision, step).standard_normal(n)
