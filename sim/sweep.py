"""Sweeps that never lose a finished result: job records, resume, progress, the final report.

Every job folder ends with a ``status.json`` written last, atomically::

    {"status": "ok" | "failed" | "invalid", "config_hash": ..., "overrides": [...],
     "error": ..., "traceback": ..., "wall_time_s": ..., "finished": ...}

so a folder with ``status: ok`` always has complete results, and a job that raised says why.
The sweep folder holds ``sweep.json``, the plan of the latest sweep (every job, its
overrides, folder and config fingerprint). Rerunning the same sweep into the same folder
skips jobs whose results exist for the same config and reruns only missing or failed ones.

The Hydra side lives in ``hydra_plugins/centricity_sweeper`` (Hydra only loads sweepers
from that namespace); it calls :func:`plan_jobs`, :class:`Progress` and :func:`finish_sweep`.

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
import shutil
import subprocess
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from sim import __version__

STATUS_FILE = "status.json"
SUMMARY_FILE = "summary.json"
TIMESERIES_FILE = "timeseries.parquet"
LEVERS_FILE = "levers.csv"          # the levers in force each week, a schedule the custom road replays
MANIFEST_FILE = "sweep.json"
#: Folder of the sweep where workers share settled starts (burn-ins) while the sweep runs.
SETTLED_DIR = ".settled"

#: Outcome of the last sweep run in this process (read by ``sim.cli`` for the exit code).
LAST_SWEEP: dict[str, Any] = {}


# ---------------------------------------------------------------------- job records
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


def forget_settled_starts(sweep_dir: Path) -> None:
    """Remove the burn-ins the workers shared; each sweep starts from none (a change of code
    between two sweeps must not reuse a burn-in made by the old one)."""
    shutil.rmtree(Path(sweep_dir) / SETTLED_DIR, ignore_errors=True)


def clear_job(job_dir: Path) -> None:
    """Remove a job's previous record and results before it runs again."""
    for name in (STATUS_FILE, SUMMARY_FILE, TIMESERIES_FILE, LEVERS_FILE):
        (Path(job_dir) / name).unlink(missing_ok=True)


def failure_fields(err: BaseException) -> dict[str, str]:
    """The error and traceback of an exception, for ``status.json``."""
    return {"error": f"{type(err).__name__}: {err}",
            "traceback": "".join(traceback.format_exception(type(err), err, err.__traceback__))}


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
    root = Path(__file__).resolve().parent.parent
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


# ---------------------------------------------------------------------- sweep plan
@dataclass
class PlannedJob:
    """One job of a sweep: its overrides, folder, config fingerprint and state before launch."""

    num: int
    overrides: list[str]
    dir: str | None = None
    config_hash: str | None = None
    state: str = "to_run"          # to_run | done | invalid
    error: str | None = None
    config: Any = field(default=None, repr=False)   # the composed config, for the launch

    @property
    def name(self) -> str:
        return ",".join(o for o in self.overrides if not o.lstrip("+~").startswith("experiment=")) or "defaults"


@dataclass
class SweepPlan:
    """Every job of a sweep, as the sweeper found them before launching any."""

    sweep_dir: Path
    jobs: list[PlannedJob]
    session: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    started: float = field(default_factory=time.time)

    def with_state(self, state: str) -> list[PlannedJob]:
        return [j for j in self.jobs if j.state == state]

    def relative(self, job_dir: str | None) -> str | None:
        """A job folder relative to the sweep folder (the manifest stays valid if the folder moves)."""
        if job_dir is None:
            return None
        try:
            return str(Path(job_dir).relative_to(self.sweep_dir))
        except ValueError:
            return str(job_dir)

    def save(self) -> None:
        """Write ``sweep.json``: the plan aggregation and resume read back."""
        write_json(self.sweep_dir / MANIFEST_FILE, {
            "session": self.session, "started": self.started, "total": len(self.jobs),
            "version": __version__,
            "jobs": [{"num": j.num, "overrides": j.overrides, "dir": self.relative(j.dir), "config_hash": j.config_hash,
                      "planned": j.state, "error": j.error} for j in self.jobs],
        })


def plan_jobs(sweep_dir: Path, job_overrides: list[list[str]], compose, resume: bool = True) -> SweepPlan:
    """Compose and validate every job before any runs; find those already done.

    Args:
        sweep_dir: the sweep folder.
        job_overrides: the overrides of every job, in launch order.
        compose: ``compose(overrides) -> (config, job_dir)``; raises for configs Hydra
            cannot compose (wrong type, unknown key). The config of each job to run is kept
            in ``PlannedJob.config`` for the launch.
        resume: skip jobs whose folder holds results for the same config.

    Returns:
        The plan: each job ``to_run``, ``done`` (results exist) or ``invalid`` (with the message).
    """
    from sim.config import config_hash, validate

    jobs = []
    for num, overrides in enumerate(job_overrides):
        job = PlannedJob(num=num, overrides=list(overrides))
        try:
            job.config, job_dir = compose(list(overrides))
            job.dir = str(job_dir)
            job.config_hash = config_hash(validate(job.config))
        except Exception as err:  # any composition or validation error makes this one job invalid
            job.state, job.error = "invalid", _one_line(err)
        else:
            if resume and is_done(Path(job.dir), job.config_hash):
                job.state = "done"
        if job.state != "to_run":
            job.config = None
        jobs.append(job)
    return SweepPlan(sweep_dir=Path(sweep_dir), jobs=jobs)


def made_by_other_code(plan: SweepPlan) -> dict[str, int]:
    """The code versions that made the plan's resumed results, where not this one: {version: jobs}.

    Resume keys on the config alone, so results of an older version of the model are kept
    when the same sweep is run again; the caller says so. A version is the package version
    and git commit recorded in each job's ``summary.json``.
    """
    now = provenance()
    mine = (now["version"], now["git_commit"])
    others: dict[str, int] = {}
    for job in plan.with_state("done"):
        try:
            made = json.loads((Path(job.dir) / SUMMARY_FILE).read_text())
        except (OSError, json.JSONDecodeError):
            continue
        theirs = (made.get("version"), made.get("git_commit"))
        if theirs != mine:
            label = f"{theirs[0]} (commit {theirs[1] or 'unknown'})"
            others[label] = others.get(label, 0) + 1
    return others


def _one_line(err: BaseException) -> str:
    """One line from an error and its causes.

    Hydra's messages span lines and put the reason in the cause ('Error merging override
    seed=abc' caused by "Value 'abc' of type 'str' could not be converted to Integer").
    """
    parts, seen = [], set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        parts += [line.strip() for line in str(err).strip().splitlines() if line.strip()]
        err = err.__cause__ or err.__context__
    unique = list(dict.fromkeys(parts))
    return " | ".join(unique) or "error"


def record_invalid(plan: SweepPlan) -> None:
    """Report invalid jobs at once and record them in their folders, so the rest can run."""
    for job in plan.with_state("invalid"):
        print(f"[sim] invalid job {job.name}: {job.error}", file=sys.stderr, flush=True)
        if job.dir:
            clear_job(Path(job.dir))
            write_status(Path(job.dir), "invalid", overrides=job.overrides, error=job.error,
                         config_hash=job.config_hash)


# ---------------------------------------------------------------------- progress
class Progress:
    """A progress line: jobs done / total, failures and time left, while a sweep runs.

    Polls the job folders of the jobs being run (their ``status.json`` appears when a job
    ends), so it works with any launcher that shares the file system. On a terminal the
    line is rewritten in place; otherwise a new line is printed at most every
    ``interval`` seconds.

    Example:
        >>> p = Progress(total=10, already_done=4, running=["job_a", "job_b"], invalid=1)
        >>> p.line(now=p.started)
        '[sim] 5/10 jobs done | 0 failed | 1 invalid | 4 resumed | 0:00 elapsed | ETA --'
    """

    def __init__(self, total: int, already_done: int, running: list[str], invalid: int = 0,
                 stream=None, interval: float | None = None):
        self.total, self.already_done, self.invalid = total, already_done, invalid
        self.pending = list(running)
        self.ok = self.failed = 0
        self.failures: list[tuple[str, str]] = []
        self.stream = stream or sys.stdout
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval if interval is not None else (0.5 if self.tty else 5.0)
        self.started = time.time()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_print = 0.0
        self._last_text = ""

    def poll(self) -> bool:
        """Look for newly finished jobs; True if any finished."""
        still = []
        for job_dir in self.pending:
            status = read_status(Path(job_dir))
            if status is None:
                still.append(job_dir)
            elif status.get("status") == "ok":
                self.ok += 1
            else:
                self.failed += 1
                self.failures.append((job_dir, status.get("error", "")))
        changed = len(still) != len(self.pending)
        self.pending = still
        return changed

    def line(self, now: float | None = None) -> str:
        now = time.time() if now is None else now
        elapsed = now - self.started
        finished = self.ok + self.failed
        done = self.already_done + finished + self.invalid
        eta = "--"
        if finished and self.pending:
            eta = _clock(elapsed / finished * len(self.pending))
        elif not self.pending:
            eta = "0:00"
        return (f"[sim] {done}/{self.total} jobs done | {self.failed} failed | {self.invalid} invalid | "
                f"{self.already_done} resumed | {_clock(elapsed)} elapsed | ETA {eta}")

    def show(self, force: bool = False) -> None:
        text = self.line()
        now = time.time()
        if not force and (text == self._last_text or now - self._last_print < self.interval):
            return
        if self.tty:
            self.stream.write("\r\033[K" + text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
        self._last_print, self._last_text = now, text

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.poll()
            self.show()

    def __enter__(self) -> Progress:
        self.show(force=True)
        self._thread = threading.Thread(target=self._run, name="sim-progress", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.poll()
        self.show(force=True)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(round(max(seconds, 0.0)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


# ---------------------------------------------------------------------- the end of a sweep
def finish_sweep(plan: SweepPlan, aggregate: bool = True, figures: bool = True) -> dict[str, Any]:
    """Print which jobs failed, aggregate the rest, and remember the outcome for the exit code.

    Reads every job's ``status.json`` (not the launcher's return values), so a job that
    died without one counts as failed too.
    """
    failed = []
    ok = 0
    for job in plan.jobs:
        status = read_status(Path(job.dir)) if job.dir else None
        if job.state == "invalid":
            failed.append((job, "invalid", job.error))
        elif status is None:
            failed.append((job, "failed", "the job ended without recording a result"))
        elif status.get("status") != "ok":
            failed.append((job, status.get("status", "failed"), status.get("error", "")))
        else:
            ok += 1
    if failed:
        print(f"[sim] {len(failed)} of {len(plan.jobs)} jobs did not finish:", file=sys.stderr)
        for job, kind, error in failed:
            where = f" (see {job.dir}/{STATUS_FILE})" if job.dir else ""
            print(f"  {kind:<8} {job.name}: {error}{where}", file=sys.stderr)
        sys.stderr.flush()
    outcome = {"sweep_dir": str(plan.sweep_dir), "total": len(plan.jobs), "ok": ok, "failed": len(failed)}
    if aggregate and ok:
        try:
            from sim.aggregate import aggregate as run_aggregation

            result = run_aggregation(plan.sweep_dir, figures=figures)
            print(result.report(), flush=True)
        except Exception as err:  # a plotting error must not hide the finished results
            print(f"[sim] aggregation failed ({_one_line(err)}); rerun it with "
                  f"`python -m sim.aggregate {plan.sweep_dir}`", file=sys.stderr)
            outcome["aggregation_error"] = _one_line(err)
    LAST_SWEEP.clear()
    LAST_SWEEP.update(outcome)
    return outcome
