"""Numbers and tables as the validation documents print them (docs/VALIDATION.md and its kin).

Example:
    >>> fmt(1234.567), fmt(0.41234), fmt(float("nan"))
    ('1,235', '0.412', 'n/a')
    >>> print(markdown_table(pd.DataFrame({"lever": ["pressure"], "share": [0.25]})))
    | lever | share |
    |---|---|
    | pressure | 0.250 |
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def fmt(x: float) -> str:
    """A number at a precision that suits its size; 'n/a' for NaN."""
    if x is None or not np.isfinite(x):
        return "n/a"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}"


def cell(x) -> str:
    """A table cell: numbers formatted by size, counts with thousands separators."""
    if isinstance(x, bool | np.bool_):
        return "yes" if x else "no"
    if isinstance(x, int | np.integer):
        return f"{x:,}"
    return fmt(float(x)) if isinstance(x, float | np.floating) else str(x)


def markdown_table(df: pd.DataFrame) -> str:
    """A DataFrame as a GitHub markdown table (no tabulate needed)."""
    cells = [[cell(x) for x in row] for row in df.itertuples(index=False)]
    lines = ["| " + " | ".join(map(str, df.columns)) + " |", "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in row) + " |" for row in cells]
    return "\n".join(lines)
