"""The one interval every table and figure uses: the 95% t interval of a mean across seeds.

Paired runs give one difference per seed; its mean and this interval are what the studies,
the figures and the validation report show.
"""

from __future__ import annotations

import numpy as np


def t_quantile(df, q: float = 0.975):
    """The ``q`` quantile of Student's t with ``df`` degrees of freedom (``scipy.stats.t.ppf(q, df)``,
    the same numbers, without importing ``scipy.stats``, which takes a few tenths of a second).

    Example:
        >>> round(float(t_quantile(29)), 4)
        2.0452
    """
    from scipy.special import stdtrit

    return stdtrit(df, q)


def t_interval(values) -> tuple[float, float]:
    """The 95% t interval of the mean of ``values`` (NaN dropped); a point for n < 2.

    Example:
        >>> lo, hi = t_interval([1.0, 2.0, 3.0])
        >>> round(lo, 3), round(hi, 3)
        (-0.484, 4.484)
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return (np.nan, np.nan)
    mean = float(x.mean())
    if len(x) < 2:
        return (mean, mean)
    half = float(t_quantile(len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return (mean - half, mean + half)
