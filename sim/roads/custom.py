"""A road of your own: replay a schedule of levers, week by week.

The schedule is a table with a ``week`` column and one column per lever (any of
``sim.levers.LEVERS``), as a CSV or Parquet file or, from Python, a DataFrame; the road needs
one (without it, it would be the status quo under another name). In a week the
table lists, the listed levers take the listed values; a week it does not list keeps the
values of the last week it did; a lever it does not list (or a blank cell before the lever's
first value) stays at business as usual. ``model.levers_applied()`` writes exactly such a
table, so any run's levers can be replayed, changed and replayed again.

Example:
    >>> import pandas as pd
    >>> from sim import CentricityModel
    >>> plan = pd.DataFrame({"week": [1, 27], "pressure": [0.3, 0.5], "participation": [0.5, 0.5]})
    >>> m = CentricityModel(road="custom", road_params={"schedule": plan}, n_employees=40, n_customers=300)
    >>> m.run(30)
    >>> m.levers_applied().loc[[0, 1, 26, 27, 30], "pressure"].tolist()
    [0.15, 0.3, 0.3, 0.5, 0.5]
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from sim.levers import LEVERS, SWITCHES
from sim.roads.base import Road, road_param

#: Said when the road is chosen without a schedule (on the command line before anything runs).
NO_SCHEDULE = ("road 'custom' needs a schedule: road.schedule=<a CSV or Parquet file with a 'week' column and one "
               "column per lever; a run's levers.csv replays it>")


class Custom(Road):
    """A user-designed road: the levers of a schedule.

    Raises:
        ValueError: for no schedule, a missing or unreadable file, a table without whole, distinct,
            non-negative ``week`` values, an unknown lever, or a value out of a lever's range (naming the week).
    """

    name = "custom"
    title = "Custom (your schedule of levers)"
    summary = ("Your own road: a table of lever settings by week, replayed by the same engine and "
               "at the same prices as every other road.")
    watch_for = "Whatever you designed it for; compare it with the status quo and the five roads on the same seeds."
    parameters = {
        "schedule": road_param("", doc="CSV or Parquet file: a week column and one column per lever (required)"),
    }

    def __init__(self, **params):
        given = params.pop("schedule", "")
        super().__init__(**params)
        if given is None or isinstance(given, str) and given == "":
            raise ValueError(f"{NO_SCHEDULE} (from Python: road_params={{'schedule': a file or a table}})")
        table = read_schedule(given)
        self.schedule = _describe(given, table)
        self._weeks = table["week"].to_numpy(dtype=np.int64)
        filled = table.drop(columns="week").ffill()
        names = list(filled.columns)
        self._rows = [[(name, float(v)) for name, v in zip(names, row, strict=True) if v == v]
                      for row in filled.to_numpy(dtype=float)]

    def set_levers(self, levers, seen):
        i = int(np.searchsorted(self._weeks, seen.week, side="right")) - 1
        if i < 0:
            return
        for name, value in self._rows[i]:
            setattr(levers, name, int(value) if LEVERS[name]["type"] is int else value)


def read_schedule(source) -> pd.DataFrame:
    """The schedule as a checked table sorted by week (an empty table for an empty source).

    Example:
        >>> read_schedule(pd.DataFrame({"week": [3, 1], "nudging": [0.0, 1.0]})).week.tolist()
        [1, 3]
    """
    if isinstance(source, pd.DataFrame):
        table, where = source.copy(), "the schedule"
    elif source is None or str(source) == "":
        return pd.DataFrame({"week": pd.Series([], dtype=np.int64)})
    else:
        path = Path(source)
        where = f"road.schedule '{source}'"
        if not path.is_file():
            raise ValueError(f"{where}: no such file")
        readers = {".csv": pd.read_csv, ".parquet": pd.read_parquet, ".pq": pd.read_parquet}
        reader = readers.get(path.suffix.lower())
        if reader is None:
            raise ValueError(f"{where}: must be a .csv or .parquet file")
        try:
            table = reader(path)
        except Exception as error:   # the readers raise many kinds; name the file
            raise ValueError(f"{where}: cannot be read ({error})") from error
    return _checked(table, where)


def _checked(table: pd.DataFrame, where: str) -> pd.DataFrame:
    if "week" not in table.columns:
        raise ValueError(f"{where}: needs a 'week' column (and one column per lever)")
    unknown = [c for c in table.columns if c != "week" and c not in LEVERS]
    if unknown:
        raise ValueError(f"{where}: unknown lever(s) {', '.join(map(repr, unknown))}; known levers: {', '.join(LEVERS)}")
    weeks = pd.to_numeric(table["week"], errors="coerce")
    if weeks.isna().any() or (weeks != np.floor(weeks)).any() or (weeks < 0).any():
        raise ValueError(f"{where}: 'week' must hold whole numbers >= 0")
    if weeks.duplicated().any():
        raise ValueError(f"{where}: week {int(weeks[weeks.duplicated()].iloc[0])} is listed twice")
    table = table.assign(week=weeks.astype(np.int64)).sort_values("week", kind="stable").reset_index(drop=True)
    for name in table.columns.drop("week"):
        spec = LEVERS[name]
        column = table[name]
        if column.dtype == bool or column.dtype == object and column.dropna().isin([True, False]).all():
            column = column.astype(float)
        values = pd.to_numeric(column, errors="coerce")
        bad = values.isna() & column.notna()
        bad |= (values < spec["low"]) | (values > spec["high"])
        if spec["type"] is int:
            bad |= values.notna() & (values != np.floor(values))
        if name in SWITCHES:
            bad |= values.notna() & ~values.isin([0.0, 1.0])
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            kind = "0 or 1 (a switch), a number" if name in SWITCHES else "a whole number" if spec["type"] is int \
                else "a number"
            value = column.iloc[i]
            value = value.item() if hasattr(value, "item") else value
            raise ValueError(f"{where}: lever '{name}' = {value!r} in week {table.week.iloc[i]} must be "
                             f"{kind} in the allowed range [{spec['low']}, {spec['high']}]")
        table[name] = values.astype(float)
    return table


def _describe(given, table: pd.DataFrame) -> str:
    """How the schedule is recorded in the run's config: its path, or a digest of a table given from Python."""
    if isinstance(given, pd.DataFrame):
        digest = hashlib.sha256(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes()).hexdigest()[:16]
        return f"<table {digest}, {len(table)} weeks>"
    return str(given or "")
