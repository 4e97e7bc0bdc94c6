"""What a run folder holds, and how it is written: the records every sweep and single run share.

A finished job folder holds ``timeseries.parquet`` (one row per week), ``levers.csv`` (the
levers in force each week), ``summary.json`` (final values and means, the config, seed and
provenance) and, written last and atomically, ``status.json``::

    {"status": "ok" | "failed" | "invalid", "config_hash": ..., "overrides": [...],
     "error": ..., "traceback": ..., "wall_time_s": ..., "finished": ...}

so a folder with ``status: ok`` always has complete results, and a job that raised says why.

Example:
    >>> import tempfile, pathlib
    >>> job = pathlib.Path(tempfile.mkdtemp())
    >>> write_status(job, "failed", config_hash="abc", error="RuntimeError: boom")
    >>> read_status(job)["status"], is_done(job, "abc")
    ('failed', False)
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import time
import traceback
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from sim._version import __version__

STATUS_FILE = "status.json"
SUMMARY_FILE = "summary.json"
TIMESERIES_FILE = "timeseries.parquet"
LEVERS_FILE = "levers.csv"          # the levers in force each week, a schedule the custom road replays
MANIFEST_FILE = "sweep.json"



#: A number in a message: 500, -13,718, 0.35 (a minus sign only where it is not a hyphen).
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:,\d{3})*(?:\.\d+)?")


def said_once(messages: list[str]) -> list[tuple[str, int]]:
    """Messages that differ only in their numbers, said once: each number that differs becomes its
    range, with how many messages were merged.

    The runs of different seeds warn with their own figures (an organisation's weekly loss);
    a sweep says the warning once for all of them.

    Example:
        >>> said_once(["loses money (profit -13,718 a week, 8 per head)", "loses money (profit -12,551 a week, "
        ...            "8 per head)", "road 'mission' starts in week 500"])
        [('loses money (profit -13,718 to -12,551 a week, 8 per head)', 2), ("road 'mission' starts in week 500", 1)]
    """
    groups: dict[str, list[str]] = {}
    for message in messages:
        groups.setdefault(_NUMBER.sub("\0", message), []).append(message)
    said = []
    for template, texts in groups.items():
        numbers = [_NUMBER.findall(text) for text in texts]
        pieces = template.split("\0")
        words = pieces[0]
        for i, piece in enumerate(pieces[1:]):
            values = sorted({found[i] for found in numbers}, key=lambda text: float(text.replace(",", "")))
            words += (values[0] if len(values) == 1 else f"{values[0]} to {values[-1]}") + piece
        said.append((words, len(texts)))
    return said


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON atomically (a reader never sees half a file); NaN becomes null."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(_json_safe(data), indent=2, sort_keys=False))
    os.replace(tmp, path)


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return _json_safe(value.item())
    return value


def write_status(job_dir: Path, status: str, **fields: Any) -> None:
    """Record how a job ended (``ok``, ``failed`` or ``invalid``) in ``job_dir/status.json``."""
    job_dir = Path(job_dir)
    job_dir.mkdir(parents=True, exist_ok=True)
    write_json(job_dir / STATUS_FILE, {"status": status, "finished": time.time(), **fields})


def read_status(job_dir: Path) -> dict[str, Any] | None:
    """The job's ``status.json`` as a dict, or None if the job has not finished."""
    path = Path(job_dir) / STATUS_FILE
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def is_done(job_dir: Path, config_hash: str) -> bool:
    """True if ``job_dir`` holds complete results of a config with fingerprint ``config_hash``."""
    status = read_status(job_dir)
    return (status is not None and status.get("status") == "ok" and status.get("config_hash") == config_hash
            and (Path(job_dir) / TIMESERIES_FILE).exists() and (Path(job_dir) / SUMMARY_FILE).exists())


def clear_job(job_dir: Path) -> None:
    """Remove a job's previous record and results before it runs again."""
    for name in (STATUS_FILE, SUMMARY_FILE, TIMESERIES_FILE, LEVERS_FILE):
        (Path(job_dir) / name).unlink(missing_ok=True)


def failure_fields(err: BaseException) -> dict[str, str]:
    """The error and traceback of an exception, for ``status.json``."""
    return {"error": f"{type(err).__name__}: {err}",
            "traceback": "".join(traceback.format_exception(type(err), err, err.__traceback__))}


#: The Arrow schemas of the tables written lately (:func:`write_parquet`), by their shape.
_PARQUET_SCHEMAS: dict[tuple, Any] = {}


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """``frame.to_parquet(path)``: the same file, in half the time for a table shaped like one written before.

    Converting a table to Arrow writes its pandas metadata column by column, which took longer than
    writing the file; the weeks of every job of a sweep have the same columns, types and index, so
    the schema of the first (metadata included) serves the others. Tables of one type (all float, as
    the model's results) with a plain 0..n index take that path; any other is written by pandas.

    Example:
        >>> import tempfile
        >>> frame = pd.DataFrame({"profit": [1.0, 2.5]}).rename_axis("step")
        >>> path = Path(tempfile.mkdtemp()) / "weeks.parquet"
        >>> write_parquet(frame, path); write_parquet(frame, path)
        >>> pd.read_parquet(path).equals(frame)
        True
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    index, dtypes = frame.index, set(frame.dtypes)
    plain = (isinstance(index, pd.RangeIndex) and not frame.attrs and len(dtypes) == 1
             and next(iter(dtypes)).kind in "fiub" and frame.columns.is_unique
             and all(isinstance(name, str) for name in frame.columns))
    if not plain:
        frame.to_parquet(path)
        return
    key = (tuple(frame.columns), str(next(iter(dtypes))), index.name, index.start, index.stop, index.step)
    schema = _PARQUET_SCHEMAS.get(key)
    if schema is None:
        table = pa.Table.from_pandas(frame)
        if len(_PARQUET_SCHEMAS) >= 16:
            _PARQUET_SCHEMAS.clear()
        _PARQUET_SCHEMAS[key] = table.schema
    else:
        block = frame.to_numpy()
        table = pa.Table.from_arrays([block[:, i] for i in range(block.shape[1])], schema=schema)
    pq.write_table(table, path, compression="snappy")     # pandas' default


def summarise(timeseries: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Final value and mean over the simulated weeks (steps 1..end) of every metric.

    The initial state (step 0) is left out of the mean unless it is the only row. The
    aggregation uses this same function, so its numbers equal the per-run files.

    Example:
        >>> df = pd.DataFrame({"profit": [0.0, 1.0, 3.0]})
        >>> summarise(df)
        {'final': {'profit': 3.0}, 'mean': {'profit': 2.0}}
    """
    weeks = timeseries.iloc[1:] if len(timeseries) > 1 else timeseries
    return {"final": {k: float(v) for k, v in timeseries.iloc[-1].items()},
            "mean": {k: float(v) for k, v in weeks.mean().items()}}


@lru_cache(maxsize=1)
def git_commit() -> str | None:
    """The git commit of the source tree (with ``-dirty`` if it has local changes), or None."""
    root = Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                              timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}-dirty" if dirty else head or None


def provenance() -> dict[str, Any]:
    """Package version, git commit and Python version, for ``summary.json``."""
    return {"version": __version__, "git_commit": git_commit(), "python": sys.version.split()[0]}
