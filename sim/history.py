"""The weekly metric records a run still needs: a bounded window, addressed by absolute index.

The model measures every week (phase 6) and two readers look back: management observes the
record of ``reporting_lag`` weeks ago (phase 1), the early-warning monitors the last
``comparison_window`` records. Nothing reads further back, so a run keeps only
``max(reporting_lag, comparison_window)`` records (26 by default) however long it runs; the run's
output, every week's metrics, is Mesa's data collector (``CentricityModel.results()``).

Records keep the numbers they had for the whole run (record 0 is the first burn-in week), so a
reader's arithmetic on ``len(history)`` is the same as on a list that was never trimmed; a
record no longer kept is an ``IndexError`` that says which is the oldest one kept, never a
silently different week.
"""

from __future__ import annotations

from collections import deque


class MetricHistory:
    """The last ``keep`` weekly metric records, each with whether a pulse survey ran that week.

    A sequence indexed like the list of every record ever appended: ``len`` counts them all,
    ``history[i]`` is record ``i`` (negative: from the end), a slice gives the records it
    names; asking for a record that is no longer kept raises ``IndexError``. Whether a pulse
    survey ran (the ``employee_survey`` lever, which lets management see how employees feel)
    belongs to the week measured, so it is kept with the record and trimmed with it.

    Args:
        keep: records kept (at least 1): the longest look back of any reader.
        first_week: the week of record 0 (``-burn_in_weeks``), to name weeks in errors.

    Example:
        >>> h = MetricHistory(keep=3, first_week=-2)
        >>> for week in range(-2, 4):
        ...     h.append({"profit": float(week)}, surveyed=week >= 2)
        >>> len(h), h.oldest, h[5]["profit"], h[-1] is h[5], h.surveyed(4)
        (6, 3, 3.0, True, True)
        >>> [r["profit"] for r in h[4:]], [r["profit"] for r in h[-2:]]
        ([2.0, 3.0], [2.0, 3.0])
        >>> h[2]
        Traceback (most recent call last):
        ...
        IndexError: metric record 2 (week 0) is no longer kept: the oldest kept is record 3 (week 1), of 6 (the last 3)
    """

    def __init__(self, keep: int, first_week: int = 0):
        if int(keep) < 1:
            raise ValueError(f"a metric history keeps at least 1 record, not {keep}")
        self.keep = int(keep)
        self.first_week = int(first_week)
        # (record, surveyed) pairs in one deque: a week's survey flag cannot drift from its record.
        self._kept: deque[tuple[dict[str, float], bool]] = deque(maxlen=self.keep)
        self._appended = 0

    def append(self, record: dict[str, float], surveyed: bool = False) -> None:
        """Add the latest week's record (the oldest kept one goes once ``keep`` are kept)."""
        self._kept.append((record, bool(surveyed)))
        self._appended += 1

    def __len__(self) -> int:
        """Records ever appended (kept or not): the index the next one will have."""
        return self._appended

    @property
    def oldest(self) -> int:
        """Index of the oldest record still kept (``len(self)`` when none is)."""
        return self._appended - len(self._kept)

    def __getitem__(self, index):
        if isinstance(index, slice):
            wanted = range(*index.indices(self._appended))
            if wanted and min(wanted) < self.oldest:
                self._gone(min(wanted))
            return [self._kept[i - self.oldest][0] for i in wanted]
        return self._kept[self._position(index)][0]

    def surveyed(self, index: int) -> bool:
        """Whether a pulse survey ran in the week of record ``index`` (indexed as the records)."""
        return self._kept[self._position(index)][1]

    def __iter__(self):
        """The kept records, oldest first."""
        return (record for record, _ in self._kept)

    def _position(self, index: int) -> int:
        i = index + self._appended if index < 0 else index
        if i >= self._appended or i < 0:
            raise IndexError(f"metric record {index} out of range: {self._appended} appended")
        if i < self.oldest:
            self._gone(i)
        return i - self.oldest

    def _gone(self, i: int):
        raise IndexError(f"metric record {i} (week {self.first_week + i}) is no longer kept: the oldest kept is record "
                         f"{self.oldest} (week {self.first_week + self.oldest}), of {self._appended} "
                         f"(the last {self.keep})")

    def __repr__(self) -> str:
        return f"MetricHistory(keep={self.keep}, appended={self._appended}, oldest={self.oldest})"
