"""Aggregate a sweep folder into tables and figures; safe to rerun at any time.

``python -m sim.study.aggregate SWEEP_DIR`` reads every job folder of the sweep (the jobs listed
in ``sweep.json``, or every folder with a ``status.json``), and writes into ``SWEEP_DIR``:

* ``runs.parquet``: one row per finished job x step: ``job``, every parameter set on the
  command line (named as there: ``road``, ``seed``, ``road.pressure``,
  ``organisation.n_employees``, ...), ``step`` and every metric of the model;
* ``summary.csv``: one row per job (finished, failed or invalid): ``job``, ``status``,
  ``error``, the parameters, ``wall_time_s``, and ``final_<metric>`` / ``mean_<metric>``
  computed exactly as each job's ``summary.json``;
* ``alarms.csv``: one row per early-warning alarm (job, week, sacrificed, favoured);
* ``figures/*.png`` and ``*.svg`` (see :mod:`sim.study.plots`), each titled with what the
  study ran on (:mod:`sim.study.context`);
* ``summary.md``: what the sweep found, in words, from the paired results (see
  :mod:`sim.study.findings`); its first lines are printed at the end of a sweep. When the
  runs' organisation loses money before any road starts, it says so first, once.

On a partial sweep it aggregates what has finished and says how many jobs are missing.

Example:
    >>> parse_override("+road.pressure=0.4")
    ('road.pressure', '0.4')
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sim.study.context import StudyContext
from sim.study.records import (
    MANIFEST_FILE,
    STATUS_FILE,
    SUMMARY_FILE,
    TIMESERIES_FILE,
    read_status,
    said_once,
    summarise,
)

RUNS_FILE = "runs.parquet"
SUMMARY_TABLE = "summary.csv"
ALARMS_TABLE = "alarms.csv"
FIGURES_DIR = "figures"
#: Always columns of both tables, even when not set on the command line.
ALWAYS = ("road", "seed")
#: Overrides that choose what to run rather than being a parameter of it.
NOT_PARAMETERS = ("experiment",)


@dataclass
class Job:
    """One job folder of a sweep and what it holds."""

    dir: Path
    name: str
    status: str                       # ok | failed | invalid | missing
    overrides: list[str] = field(default_factory=list)
    error: str | None = None
    summary: dict[str, Any] | None = None


@dataclass
class Aggregation:
    """The result of aggregating a sweep folder."""

    sweep_dir: Path
    runs: pd.DataFrame
    summary: pd.DataFrame
    parameters: list[str]
    swept: list[str]
    figures: list[Path]
    counts: dict[str, int]
    context: StudyContext | None = None
    summary_md: Path | None = None
    headlines: list[str] = field(default_factory=list)

    def report(self) -> str:
        """A few lines for the console: what was aggregated and where it is."""
        c = self.counts
        parts = [f"{c.get('ok', 0)} finished"] + [f"{c[k]} {k}" for k in ("failed", "invalid", "missing") if c.get(k)]
        lines = [f"[sim] aggregated {sum(c.values())} jobs ({', '.join(parts)}) in {self.sweep_dir}",
                 f"      tables:  {self.sweep_dir / RUNS_FILE}, {self.sweep_dir / SUMMARY_TABLE}"]
        if self.figures:
            lines.append(f"      figures: {self.sweep_dir / FIGURES_DIR}/ ({len(self.figures)} files)")
        if self.summary_md:
            from sim.study.findings import first_figure

            first = first_figure(self.figures)
            lines.append(f"      in words: {self.summary_md}" + (f" (open first: {first})" if first else ""))
            lines += [f"      - {line}" for line in self.headlines]
        return "\n".join(lines)


# ---------------------------------------------------------------------- reading job folders
def parse_override(text: str) -> tuple[str, str]:
    """``key=value`` of a Hydra override, with ``+``, ``++`` and ``~`` prefixes dropped."""
    key, _, value = text.partition("=")
    return key.lstrip("+~"), value


def find_jobs(sweep_dir: Path, everything: bool = False) -> list[Job]:
    """The jobs of a sweep: those planned in ``sweep.json`` (latest sweep), else every job folder.

    Args:
        sweep_dir: the sweep folder.
        everything: ignore ``sweep.json`` and take every folder with a ``status.json``.
    """
    sweep_dir = Path(sweep_dir)
    manifest = sweep_dir / MANIFEST_FILE
    if manifest.exists() and not everything:
        planned = json.loads(manifest.read_text())["jobs"]
        jobs = []
        for entry in planned:
            if entry.get("dir") is None:
                jobs.append(Job(dir=sweep_dir, name=",".join(entry["overrides"]), status="invalid",
                                overrides=entry["overrides"], error=entry.get("error")))
            else:
                jobs.append(read_job(sweep_dir / entry["dir"], sweep_dir, entry["overrides"]))
        return jobs
    dirs = sorted({p.parent for p in sweep_dir.glob(f"*/{STATUS_FILE}")})
    return [read_job(d, sweep_dir) for d in dirs]


def read_job(job_dir: Path, sweep_dir: Path, overrides: list[str] | None = None) -> Job:
    """What a job folder holds: its status, overrides, error and summary."""
    status = read_status(job_dir) or {}
    if overrides is None:
        overrides = status.get("overrides") or _hydra_overrides(job_dir)
    job = Job(dir=job_dir, name=_relative(job_dir, sweep_dir), status=status.get("status", "missing"),
              overrides=list(overrides or []), error=status.get("error"))
    if job.status == "ok":
        if (job_dir / TIMESERIES_FILE).exists() and (job_dir / SUMMARY_FILE).exists():
            job.summary = json.loads((job_dir / SUMMARY_FILE).read_text())
        else:
            job.status, job.error = "failed", "results missing from the job folder"
    return job


def _relative(path: Path, root: Path) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return str(path)


def _hydra_overrides(job_dir: Path) -> list[str]:
    path = job_dir / ".hydra" / "overrides.yaml"
    return list(yaml.safe_load(path.read_text()) or []) if path.exists() else []


def parameter_names(jobs: list[Job]) -> list[str]:
    """Every parameter set on the command line in any job, in first-seen order, plus road and seed."""
    names = list(ALWAYS)
    for job in jobs:
        for text in job.overrides:
            key = parse_override(text)[0]
            if key not in names and key not in NOT_PARAMETERS and not key.startswith("hydra."):
                names.append(key)
    return names


def parameter_values(job: Job, names: list[str]) -> dict[str, Any]:
    """The value of each parameter in this job, read from its resolved config when it finished.

    Values come from the config (typed: ``road.pressure`` 0.0 is a float even if typed ``0``);
    ``road`` is the road's name. Jobs without results fall back to the override text.
    """
    given = dict(parse_override(o) for o in job.overrides)
    config = (job.summary or {}).get("config", {})
    out = {}
    for name in names:
        value = _lookup(config, name) if job.summary else None
        if value is None and name in given:
            value = _parse_value(given[name])
        elif value is None and name == "road" and job.summary:
            value = job.summary.get("road")
        out[name] = value
    return out


def _lookup(config: dict[str, Any], key: str) -> Any:
    node: Any = config
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if isinstance(node, dict):  # a config group such as ``road``: its name
        return node.get("name")
    return node


def _parse_value(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


# ---------------------------------------------------------------------- tables
def build_tables(jobs: list[Job], timeseries: dict[str, pd.DataFrame] | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """``runs`` (job x step), ``summary`` (one row per job) and the parameter names.

    ``timeseries``: the weeks of finished jobs already in memory, by job folder; the others are read
    from their ``timeseries.parquet``.
    """
    names = parameter_names(jobs)
    known = {str(Path(folder).resolve()): frame for folder, frame in (timeseries or {}).items()}
    frames, rows = [], []
    for job in jobs:
        params = parameter_values(job, names)
        row: dict[str, Any] = {"job": job.name, "status": job.status, "error": job.error, **params}
        if job.status == "ok":
            ts = known.get(str(job.dir.resolve()))
            if ts is None:
                ts = pd.read_parquet(job.dir / TIMESERIES_FILE)
            stats = summarise(ts)
            row.update({"steps": job.summary.get("steps"), "wall_time_s": job.summary.get("wall_time_s")})
            row.update({f"final_{k}": v for k, v in stats["final"].items()})
            row.update({f"mean_{k}": v for k, v in stats["mean"].items()})
            frame = ts.reset_index()
            for i, (key, value) in enumerate([("job", job.name), *params.items()]):
                frame.insert(i, key, value)
            frames.append(frame)
        rows.append(row)
    runs = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["job", *names, "step"])
    summary = pd.DataFrame(rows)
    return runs, summary, names


@dataclass
class SweepResults:
    """What a sweep folder's jobs hold, read once: the tables, the swept parameters, the context.

    ``alarms`` is None when the runs did not record their alarms (results of older code), so
    that a reader can say so rather than that none fired.
    """

    jobs: list[Job]
    runs: pd.DataFrame
    summary: pd.DataFrame
    parameters: list[str]
    swept: list[str]
    context: StudyContext
    alarms: pd.DataFrame | None

    @property
    def finished(self) -> pd.DataFrame:
        """The summary rows of the finished runs."""
        return self.summary[self.summary["status"] == "ok"].reset_index(drop=True)


def read_sweep(sweep_dir: Path | str, everything: bool = False,
               timeseries: dict[str, pd.DataFrame] | None = None) -> SweepResults:
    """Read every job of a sweep folder (see :func:`find_jobs`) into tables (``timeseries``: see
    :func:`build_tables`).

    Raises:
        FileNotFoundError: if the folder holds no job at all.
    """
    sweep_dir = Path(sweep_dir)
    jobs = find_jobs(sweep_dir, everything=everything)
    if not jobs:
        raise FileNotFoundError(f"no job folders (with {STATUS_FILE}) or {MANIFEST_FILE} in {sweep_dir}")
    runs, summary, names = build_tables(jobs, timeseries)
    recorded = all("alarm_log" in (j.summary or {}) for j in jobs if j.status == "ok")
    swept = swept_parameters(summary, names)
    return SweepResults(jobs=jobs, runs=runs, summary=summary, parameters=names, swept=swept,
                        context=StudyContext.of(jobs, swept), alarms=alarm_table(jobs) if recorded else None)


def alarm_table(jobs: list[Job]) -> pd.DataFrame:
    """One row per early-warning alarm of a finished job: job, week, sacrificed, favoured."""
    rows = [{"job": job.name, "week": week, "sacrificed": sacrificed, "favoured": favoured}
            for job in jobs if job.status == "ok" and job.summary
            for week, sacrificed, favoured in job.summary.get("alarm_log", [])]
    return pd.DataFrame(rows, columns=["job", "week", "sacrificed", "favoured"])


def swept_parameters(summary: pd.DataFrame, names: list[str]) -> list[str]:
    """Parameters that take more than one value among finished jobs (``seed`` excluded)."""
    done = summary[summary["status"] == "ok"] if "status" in summary else summary
    return [n for n in names if n != "seed" and n in done and done[n].astype(str).nunique() > 1]


# ---------------------------------------------------------------------- the whole thing
def aggregate(sweep_dir: Path | str, figures: bool = True, everything: bool = False,
              timeseries: dict[str, pd.DataFrame] | None = None) -> Aggregation:
    """Aggregate a sweep folder: ``runs.parquet``, ``summary.csv`` and the figures.

    Args:
        sweep_dir: the sweep folder (``hydra.sweep.dir``).
        figures: also draw the figures (into ``SWEEP_DIR/figures``).
        everything: every job folder, not only those of the latest ``sweep.json``.
        timeseries: the weeks of finished jobs already in memory, by job folder (what each wrote to
            its ``timeseries.parquet``; a sweep's workers hand them back), read from the folders if not given.

    Returns:
        The tables, the swept parameters and the figure files.

    Raises:
        FileNotFoundError: if the folder holds no job at all.

    Example:
        >>> result = aggregate("multirun/five_roads")          # doctest: +SKIP
        >>> result.summary.groupby("road")["final_profit"].mean()  # doctest: +SKIP
    """
    from sim.study.findings import write_summary
    from sim.study.plots import draw_figures

    sweep_dir = Path(sweep_dir)
    read = read_sweep(sweep_dir, everything=everything, timeseries=timeseries)
    ok = read.finished
    # The figures are drawn by other processes (where there are cores for them) while the tables
    # and summary.md are written here.
    drawing = draw_figures(read.runs, ok, read.swept, sweep_dir / FIGURES_DIR, context=read.context.subtitle()) \
        if figures else None
    read.runs.to_parquet(sweep_dir / RUNS_FILE, index=False)
    read.summary.to_csv(sweep_dir / SUMMARY_TABLE, index=False)
    if read.alarms is not None:
        read.alarms.to_csv(sweep_dir / ALARMS_TABLE, index=False)
    paths = drawing.paths if drawing is not None else []
    counts = read.summary["status"].value_counts().to_dict()
    result = Aggregation(sweep_dir=sweep_dir, runs=read.runs, summary=read.summary, parameters=read.parameters,
                         swept=read.swept, figures=paths, counts={str(k): int(v) for k, v in counts.items()},
                         context=read.context)
    try:
        if not ok.empty:
            result.summary_md = write_summary(sweep_dir, ok, read.runs, read.swept, read.context, paths, read.alarms,
                                              warnings=losing_money(read.jobs))
            result.headlines = headlines(result.summary_md)
    finally:
        if drawing is not None:
            drawing.wait()
    return result


def losing_money(jobs: list[Job]) -> list[tuple[str, int]]:
    """The finished runs whose organisation loses money before any road starts (their
    ``summary.json``'s ``losing_money``): the warning once, with its figures' ranges, and how many runs."""
    return said_once([job.summary["losing_money"] for job in jobs
                      if job.status == "ok" and (job.summary or {}).get("losing_money")])


def headlines(summary_md: Path, limit: int = 8) -> list[str]:
    """The 'In short' lines of ``summary.md``, for the terminal."""
    lines = summary_md.read_text(encoding="utf-8").splitlines()
    if "## In short" not in lines:
        return []
    start = lines.index("## In short") + 2
    out = []
    for line in lines[start:]:
        if not line.startswith("- "):
            break
        out.append(line[2:])
    return out[:limit]


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.study.aggregate SWEEP_DIR [--no-figures] [--all]``."""
    parser = argparse.ArgumentParser(prog="python -m sim.study.aggregate", description=__doc__.split("\n\n")[0])
    parser.add_argument("sweep_dir", type=Path, help="the sweep folder (hydra.sweep.dir)")
    parser.add_argument("--no-figures", action="store_true", help="write the tables only")
    parser.add_argument("--all", action="store_true",
                        help="every job folder, not only the jobs of the latest sweep.json")
    args = parser.parse_args(argv)
    if not args.sweep_dir.is_dir():
        print(f"error: {args.sweep_dir} is not a folder", file=sys.stderr)
        return 2
    try:
        result = aggregate(args.sweep_dir, figures=not args.no_figures, everything=args.all)
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(result.report())
    failed = result.summary[result.summary["status"].isin(["failed", "invalid"])]
    for _, row in failed.iterrows():
        print(f"  {row['status']:<8} {row['job']}: {row['error']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
