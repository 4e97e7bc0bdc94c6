"""Sweeps that never lose a finished result: plans, resume, progress, the final report.

Every job folder ends with a ``status.json`` written last, atomically (``sim.study.records``),
so a folder with ``status: ok`` always has complete results, and a job that raised says why.
The sweep folder holds ``sweep.json``, the plan of the latest sweep (every job, its
overrides, folder and config fingerprint). Rerunning the same sweep into the same folder
skips jobs whose results exist for the same config and reruns only missing or failed ones.

The Hydra side lives in ``hydra_plugins/centricity_sweeper`` (Hydra only loads sweepers
from that namespace); it calls :func:`plan_jobs`, :class:`Progress` and :func:`finish_sweep`.

What a run or a sweep will take is estimated before it starts (:func:`run_cost`, :func:`sweep_cost`):
one that takes a minute or more says so and shows a progress line (:class:`RunProgress` for a
single run); one that needs more memory than the machine has free, or more than a day, stops
before anything runs and says how to go ahead (``--yes``: :func:`too_large`).

What bounds memory: the agents present and the run's output. The model holds a row per agent
present (the rows of those who left are dropped once they outnumber a tenth of those present,
``sim.population``) and reads back only its last few weeks of metrics (``sim.history``); what
grows with the weeks is the output, each week's metrics in Mesa's data collector and the levers
in force: about 7.5 KB a week (:data:`WEEK_BYTES`), on top of about 300 MB for the process and
the agents present (:data:`CUSTOMER_BYTES`). So memory grows with ``steps`` (and the burn-in)
and the organisation's size, and with nothing else: 260 weeks need about 0.3 GB, 100,000 weeks
about 1 GB, the largest allowed (10,000,000) about 75 GB, which the estimate refuses on a
machine without that much free. Time grows linearly with the weeks (a week follows the agents
present). A sweep's memory is that of its largest job times its workers.

Example:
    >>> import tempfile, pathlib
    >>> forget_settled_starts(pathlib.Path(tempfile.mkdtemp()))   # no shared burn-ins left behind
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim._version import __version__
from sim.study.records import (
    MANIFEST_FILE,
    STATUS_FILE,
    SUMMARY_FILE,
    clear_job,
    is_done,
    provenance,
    read_status,
    said_once,
    write_json,
    write_status,
)

#: Folder of the sweep where workers share settled starts (burn-ins) while the sweep runs.
SETTLED_DIR = ".settled"

#: Outcome of the last sweep run in this process (read by ``sim.study.cli`` for the exit code).
LAST_SWEEP: dict[str, Any] = {}

#: What the command line said (``--yes``: go ahead with a run or sweep the estimate finds too large).
COMMAND_LINE: dict[str, Any] = {"yes": False}


def follow_roads(jobs: list[list[str]], default_road: str) -> tuple[list[list[str]], dict[str, list[str]]]:
    """Each job keeps the road parameters its road declares; the others are dropped, and jobs
    that become the same are run once.

    In ``road=status_quo,mission road.pressure=0.5,0.6`` the status quo has no pressure: its
    jobs run once per seed, and the comparison pairs them with each pressure of the mission.

    Returns:
        (the jobs, in order, and per road the parameters it ignored).

    Example:
        >>> jobs = [["road=status_quo", "road.pressure=0.5"], ["road=status_quo", "road.pressure=0.6"],
        ...         ["road=mission", "road.pressure=0.5"]]
        >>> follow_roads(jobs, "status_quo")
        ([['road=status_quo'], ['road=mission', 'road.pressure=0.5']], {'status_quo': ['pressure']})
    """
    from sim.study.inputs import road_parameters_for

    kept, seen, ignored = [], set(), {}
    for job in jobs:
        road = next((text.split("=", 1)[1] for text in job if text.split("=", 1)[0].lstrip("+") == "road"),
                    default_road)
        overrides, dropped = road_parameters_for(road, job)
        for name in dropped:
            ignored.setdefault(road, [])
            if name not in ignored[road]:
                ignored[road].append(name)
        if tuple(overrides) not in seen:
            seen.add(tuple(overrides))
            kept.append(overrides)
    return kept, ignored


def forget_settled_starts(sweep_dir: Path) -> None:
    """Remove the burn-ins the workers shared; each sweep starts from none (a change of code
    between two sweeps must not reuse a burn-in made by the old one)."""
    shutil.rmtree(Path(sweep_dir) / SETTLED_DIR, ignore_errors=True)


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
    checked: dict[str, Any] | None = field(default=None, repr=False)   # the validated config, for the launch
    warnings: list[str] = field(default_factory=list)   # what its road cannot do within the run
    cost: Cost | None = None       # what it will take (run_cost)

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
    from sim.study.config import config_hash, road_warnings, validate

    jobs = []
    for num, overrides in enumerate(job_overrides):
        job = PlannedJob(num=num, overrides=list(overrides))
        try:
            job.config, job_dir = compose(list(overrides))
            job.dir = str(job_dir)
            job.checked = checked = validate(job.config)
            job.config_hash = config_hash(checked)
            job.warnings = road_warnings(checked)
            job.cost = run_cost(checked)
        except Exception as err:  # any composition or validation error makes this one job invalid
            job.state, job.error = "invalid", one_line(err)
        else:
            if resume and is_done(Path(job.dir), job.config_hash):
                job.state = "done"
        if job.state != "to_run":
            job.config = job.checked = None
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


def one_line(err: BaseException) -> str:
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


def warn_once(plan: SweepPlan) -> None:
    """What roads of the sweep cannot do within their runs: each message once, with how many jobs."""
    counts: dict[str, int] = {}
    for job in plan.with_state("to_run"):
        for warning in job.warnings:
            counts[warning] = counts.get(warning, 0) + 1
    _say_warnings(list(counts.items()))


def _say_warnings(said: list[tuple[str, int]]) -> None:
    for warning, n in said:
        print(f"[sim] warning: {warning} ({n} job{'s' if n > 1 else ''})", file=sys.stderr, flush=True)


def warn_at_end(plan: SweepPlan) -> list[tuple[str, int]]:
    """What the finished jobs' models warned of that was not said before the sweep started (an
    organisation that loses money before any road starts is known once a job's model is built):
    read from each job's ``summary.json``, each warning once with how many jobs (see :func:`said_once`)."""
    later = []
    for job in plan.jobs:
        if job.state == "invalid" or not job.dir or (read_status(Path(job.dir)) or {}).get("status") != "ok":
            continue
        try:
            recorded = json.loads((Path(job.dir) / SUMMARY_FILE).read_text()).get("warnings") or []
        except (OSError, json.JSONDecodeError):
            continue
        later += [warning for warning in dict.fromkeys(recorded) if warning not in job.warnings]
    said = said_once(later)
    _say_warnings(said)
    return said


def refuse_invalid(plan: SweepPlan) -> None:
    """Say which jobs are invalid and why, once each, and that none was run (exit status 2)."""
    invalid = plan.with_state("invalid")
    lines = [f"error: {len(invalid)} of {len(plan.jobs)} jobs of this sweep are invalid, so none was run "
             "(hydra.sweeper.skip_invalid=true runs the valid ones):"]
    lines += [f"  {job.name}: {job.error}" for job in invalid]
    print("\n".join(lines), file=sys.stderr, flush=True)
    LAST_SWEEP.update(refused=len(invalid), jobs=len(plan.jobs))


def refuse_too_large(cost: Cost) -> bool:
    """Say that a sweep is too large to start and how to go ahead (exit status 2), unless the command
    line said ``--yes``; True if it is refused."""
    refusal = too_large(cost)
    if refusal is None or COMMAND_LINE["yes"]:
        return False
    print(f"error: {refusal}; nothing was run", file=sys.stderr, flush=True)
    LAST_SWEEP.update(refused=1, too_large=refusal)
    return True


def interrupted(plan: SweepPlan) -> None:
    """Ctrl-C: say in one line what was kept and how to go on (the exit status is 130)."""
    kept = sum(1 for job in plan.jobs if job.dir and (read_status(Path(job.dir)) or {}).get("status") == "ok")
    print(f"\ninterrupted: {kept} of {len(plan.jobs)} jobs kept; run the same command again to resume",
          file=sys.stderr, flush=True)
    LAST_SWEEP.update(interrupted=True, ok=kept, total=len(plan.jobs))


def record_invalid(plan: SweepPlan) -> None:
    """Report invalid jobs at once and record them in their folders, so the rest can run."""
    for job in plan.with_state("invalid"):
        print(f"[sim] invalid job {job.name}: {job.error}", file=sys.stderr, flush=True)
        if job.dir:
            clear_job(Path(job.dir))
            write_status(Path(job.dir), "invalid", overrides=job.overrides, error=job.error,
                         config_hash=job.config_hash)


# ---------------------------------------------------------------------- what a run costs
#: Seconds a simulated week takes: a fixed part, and a part per employee and per customer,
#: measured on the reference machine (2 shared cores; 1.5 ms a week for the default organisation).
#: A week goes over the agents present (the rows of those who left are dropped, ``sim.population``),
#: so a run's time grows linearly with its weeks. A busy or slower machine takes longer: hence
#: "about", and a progress line.
WEEK_SECONDS = (1.0e-3, 1.5e-7, 1.0e-7)
#: Bytes a run holds per week it runs, the burn-in included: each week's metrics (about 90 numbers in
#: Mesa's data collector), the levers in force and what they cost, 5.2 KB measured for the default
#: organisation over 1,500 weeks; and at the end the time series and the levers as tables, 2 KB.
WEEK_BYTES = 7_500
#: Bytes per employee and per customer present (state arrays and ties, 250 and 283 bytes measured a
#: row; up to a tenth more rows for those who left until they are dropped, and the arrays' growth).
EMPLOYEE_BYTES, CUSTOMER_BYTES = 500, 570
#: Bytes of a process before its run (Python, numpy, pandas, numba, Mesa, Hydra): 270 MB measured.
PROCESS_BYTES = 300e6
#: A run or sweep that takes this long says so and what it will take, and shows its progress.
LONG_SECONDS = 60.0
#: A run or sweep that takes longer than this stops before it starts unless told to go ahead (--yes).
TOO_LONG_SECONDS = 24 * 3600.0


@dataclass(frozen=True)
class Cost:
    """What a run, or a sweep, will take: wall time and peak memory, estimated before it starts.

    ``seconds_to(week)`` is the estimated time to reach a week of a run (see :data:`WEEK_SECONDS`);
    :class:`RunProgress` scales it by the speed seen.

    Example:
        >>> cost = run_cost({"steps": 100_000})
        >>> cost.text(), round(cost.per_week)
        ('about 2 min 35 s and 1.1 GB of memory', 7500)
    """

    seconds: float
    memory: float            # bytes, at the peak (for a sweep: every worker at once)
    weeks: int               # weeks a run simulates, its burn-in included (for a sweep: its longest job)
    what: str = "this run"   # what is estimated, in words
    per_week: float = WEEK_BYTES   # bytes memory grows by a week
    start_seconds: float = 0.0     # seconds a week

    def text(self) -> str:
        return f"about {duration(self.seconds)} and {self.memory / 1e9:.1f} GB of memory"

    def seconds_to(self, week: int) -> float:
        return week * self.start_seconds


def run_cost(checked: dict[str, Any]) -> Cost:
    """What one run of a validated config will take (see :data:`WEEK_SECONDS`, :data:`WEEK_BYTES`).

    Memory grows with the weeks run (their metrics and levers, the run's output) and so does time
    (each week goes over the agents present).
    """
    org = checked.get("organisation") or {}
    employees, customers = org.get("n_employees", 300), org.get("n_customers", 5000)
    weeks = int(checked.get("steps", 260)) + int(org.get("burn_in_weeks", 52))
    base, per_employee, per_customer = WEEK_SECONDS
    start = base + per_employee * employees + per_customer * customers
    memory = PROCESS_BYTES + EMPLOYEE_BYTES * employees + CUSTOMER_BYTES * customers + WEEK_BYTES * weeks
    what = f"this run ({weeks:,} weeks with the burn-in, {employees:,} employees, {customers:,} customers)"
    cost = Cost(seconds=0.0, memory=memory, weeks=weeks, what=what, per_week=WEEK_BYTES, start_seconds=start)
    return dataclasses.replace(cost, seconds=cost.seconds_to(weeks))


def sweep_cost(costs: list[Cost], workers: int) -> Cost:
    """What the jobs of a sweep will take on ``workers`` processes side by side.

    Example:
        >>> one = Cost(seconds=60.0, memory=0.5e9, weeks=312)
        >>> sweep_cost([one] * 10, workers=2).text()
        'about 5 min and 1.3 GB of memory'
    """
    workers = max(1, min(workers, len(costs) or 1))
    largest = max((c.memory for c in costs), default=0.0)      # each worker is a process of its own
    return Cost(seconds=sum(c.seconds for c in costs) / workers, memory=PROCESS_BYTES + workers * largest,
                weeks=max((c.weeks for c in costs), default=0),
                what=f"this sweep ({len(costs):,} jobs on {workers} worker{'s' if workers > 1 else ''})")


def memory_free() -> float | None:
    """Bytes of memory free for a new process (Linux: MemAvailable), or None where unknown."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def too_large(cost: Cost, free: float | None = None) -> str | None:
    """Why ``cost`` is too large to start without being told to (``--yes``), in one line; None if it is not.

    Too large: more memory than is free (the system would stop it, perhaps after hours), or more
    than a day.

    Example:
        >>> print(too_large(run_cost({"steps": 10_000_000}), free=16e9))  # doctest: +NORMALIZE_WHITESPACE
        this run (10,000,052 weeks with the burn-in, 300 employees, 5,000 customers) needs about 4 h 17 min and
        75.3 GB of memory, more than the 16.0 GB free (memory grows by 7.5 KB a week: each week's results), so at
        most about 2,000,000 weeks fit; lower steps, or add --yes to start it anyway
    """
    free = memory_free() if free is None else free
    if free is not None and cost.memory > free:
        fit = max(0.0, (free - (cost.memory - cost.per_week * cost.weeks)) / cost.per_week)
        unit = 10 ** max(0, len(str(int(fit))) - 2)         # two significant digits, rounded down
        fit = int(fit // unit * unit)
        return (f"{cost.what} needs {cost.text()}, more than the {free / 1e9:.1f} GB free (memory grows by "
                f"{cost.per_week / 1000:.1f} KB a week: each week's results), so at most "
                f"about {fit:,} weeks fit; lower steps, or add --yes to start it anyway")
    if cost.seconds > TOO_LONG_SECONDS:
        return f"{cost.what} needs {cost.text()}: lower steps, or add --yes to start it anyway"
    return None


def duration(seconds: float) -> str:
    """A duration in words a reader takes in at once.

    Example:
        >>> duration(42), duration(156), duration(4 * 3600 + 600), duration(3 * 86400 + 7200), duration(4e7)
        ('42 s', '2 min 36 s', '4 h 10 min', '3 days 2 h', '1.3 years')
    """
    if seconds >= 365 * 86400:
        return f"{seconds / (365 * 86400):.1f} years"
    seconds = int(round(max(seconds, 0.0)))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} day{'s' if days > 1 else ''} {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s" if minutes < 10 and secs else f"{minutes} min"
    return f"{secs} s"


# ---------------------------------------------------------------------- progress
class RunProgress:
    """The progress line of a single run: weeks done, time elapsed and left.

    Quiet for a run that ends within ``delay`` seconds; after that, on a terminal one line
    rewritten in place, otherwise a new line at most every ``interval`` seconds; on stderr.
    The time left follows the run's estimate (``cost``, see :data:`WEEK_SECONDS`; the burn-in's
    weeks are in it), scaled by the speed seen so far.

    Example:
        >>> p = RunProgress(weeks=1000)
        >>> p.line(week=250, elapsed=30.0)
        '[sim] week 250 of 1,000 | 0:30 elapsed | ETA 1:30'
        >>> RunProgress(weeks=1000, cost=run_cost({"steps": 1000})).line(week=250, elapsed=30.0)
        '[sim] week 250 of 1,000 | 0:30 elapsed | ETA 1:30'
    """

    def __init__(self, weeks: int, cost: Cost | None = None, stream=None, delay: float = 3.0,
                 interval: float | None = None):
        self.weeks, self.delay, self.cost = weeks, delay, cost
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval if interval is not None else (0.5 if self.tty else 30.0)
        self.started = time.perf_counter()
        self._last_print: float | None = None

    def _expected(self, week: int) -> float:
        """Estimated seconds from the run's first week to ``week`` (the burn-in is behind it)."""
        if self.cost is None:
            return float(week)
        before = self.cost.weeks - self.weeks
        return self.cost.seconds_to(before + week) - self.cost.seconds_to(before)

    def line(self, week: int, elapsed: float) -> str:
        eta = "--"
        if week:
            eta = _clock(elapsed * (self._expected(self.weeks) - self._expected(week)) / self._expected(week))
        return f"[sim] week {week:,} of {self.weeks:,} | {_clock(elapsed)} elapsed | ETA {eta}"

    def show(self, week: int, force: bool = False) -> None:
        """Say how far the run is, if it is time to (``force``: at the end, if anything was said)."""
        now = time.perf_counter()
        elapsed = now - self.started
        due = elapsed >= self.delay and (self._last_print is None or now - self._last_print >= self.interval)
        if not (due or force and self._last_print is not None):
            return
        text = self.line(week, elapsed)
        self.stream.write(("\r\033[K" + text) if self.tty else text + "\n")
        if self.tty and force:
            self.stream.write("\n")
        self.stream.flush()
        self._last_print = now


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
def finish_sweep(plan: SweepPlan, aggregate: bool = True, figures: bool = True,
                 timeseries: dict[str, Any] | None = None) -> dict[str, Any]:
    """Print which jobs failed, aggregate the rest, and remember the outcome for the exit code.

    Reads every job's ``status.json`` (not the launcher's return values), so a job that
    died without one counts as failed too. ``timeseries``: the weeks of finished jobs the
    workers handed back, by job folder (:func:`sim.study.aggregate.aggregate`).
    """
    failed = []
    ok = invalid = 0
    for job in plan.jobs:
        status = read_status(Path(job.dir)) if job.dir else None
        if job.state == "invalid":
            invalid += 1        # listed, with the reason, before the sweep started
        elif status is None:
            failed.append((job, "failed", "the job ended without recording a result"))
        elif status.get("status") != "ok":
            failed.append((job, status.get("status", "failed"), status.get("error", "")))
        else:
            ok += 1
    if failed or invalid:
        skipped = f", and {invalid} invalid were skipped (listed at the start)" if invalid else ""
        print(f"[sim] {len(failed)} of {len(plan.jobs)} jobs failed{skipped}{':' if failed else ''}", file=sys.stderr)
        for job, kind, error in failed:
            where = f" (see {job.dir}/{STATUS_FILE})" if job.dir else ""
            print(f"  {kind:<8} {job.name}: {error}{where}", file=sys.stderr)
        sys.stderr.flush()
    outcome = {"sweep_dir": str(plan.sweep_dir), "total": len(plan.jobs), "ok": ok, "failed": len(failed),
               "invalid": invalid}
    # Said before the aggregation's report, whose last lines are summary.md's in words.
    warned = warn_at_end(plan)
    if warned:
        outcome["warnings"] = [{"warning": warning, "jobs": n} for warning, n in warned]
    if aggregate and ok:
        try:
            from sim.study.aggregate import aggregate as run_aggregation

            result = run_aggregation(plan.sweep_dir, figures=figures, timeseries=timeseries)
            print(result.report(), flush=True)
        except Exception as err:  # a plotting error must not hide the finished results
            print(f"[sim] aggregation failed ({one_line(err)}); rerun it with "
                  f"`python -m sim.study.aggregate {plan.sweep_dir}`", file=sys.stderr)
            outcome["aggregation_error"] = one_line(err)
    LAST_SWEEP.clear()
    LAST_SWEEP.update(outcome)
    return outcome
