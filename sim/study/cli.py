"""The command line: one run, or a sweep of runs, configured with Hydra.

Single run (defaults: 300 employees, 5,000 customers, 260 weeks, status quo)::

    python -m sim
    python -m sim road=mission seed=3 steps=104 organisation.n_employees=500 road.start_week=26
    python -m sim scenario=retail_bank road=competing_values

Sweep (parallel, one worker per core; resumable; aggregated at the end)::

    python -m sim -m road=engineering,mission seed='range(0,30)'
    python -m sim -m +experiment=five_roads hydra.sweep.dir=results/five_roads

A run that will take a minute or more says what it will take (time, memory) before it starts
and shows a progress line; one that needs more memory than is free, or more than a day, stops
before anything runs unless ``--yes`` is given (:func:`sim.study.sweep.too_large`).

Each run folder holds ``timeseries.parquet`` (one row per step, every metric),
``summary.json`` (final values and means, the resolved config, seed, version, git commit,
wall time), ``status.json`` (ok / failed / invalid, and why) and Hydra's ``.hydra/``.

Example:
    >>> from sim.study.cli import format_table
    >>> print(format_table({"final": {"profit": 1.5}, "mean": {"profit": 1.0}}, ["profit"]))
    metric     final      mean
    profit     1.500     1.000
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, open_dict

from sim.study.config import CONFIG_DIR, config_hash, register_configs, road_warnings, validate
from sim.study.inputs import MULTIRUN, YES, InputError, check_command_line, for_hydra, split_arguments
from sim.study.records import (
    LEVERS_FILE,
    SUMMARY_FILE,
    TIMESERIES_FILE,
    clear_job,
    failure_fields,
    provenance,
    summarise,
    write_json,
    write_parquet,
    write_status,
)
from sim.study.reference import command_line_reference
from sim.study.sweep import (
    COMMAND_LINE,
    LAST_SWEEP,
    LONG_SECONDS,
    SETTLED_DIR,
    RunProgress,
    one_line,
    run_cost,
    too_large,
)

log = logging.getLogger("sim")

register_configs()


#: Weeks run between two looks at the progress line (a few hundredths of a second at the default size).
PROGRESS_WEEKS = 10


def simulate(checked: dict[str, Any], out_dir: Path, overrides: list[str] | None = None,
             shared_dir: Path | None = None, warnings: list[str] | None = None,
             on_warning: Callable[[str], None] | None = None, progress: RunProgress | None = None,
             keep_timeseries: bool = False) -> dict[str, Any]:
    """Run one validated config and write its results into ``out_dir``.

    Writes ``timeseries.parquet`` and ``summary.json``; the caller writes ``status.json``
    last, so a folder marked ok always has both.

    Args:
        checked: a config returned by :func:`sim.study.config.validate`.
        out_dir: the run folder.
        overrides: the command-line overrides that made this config (recorded).
        shared_dir: a folder where the processes of a sweep share settled starts
            (see :meth:`CentricityModel.settled`).
        warnings: what the road cannot do within the run (recorded in ``summary.json``).
        on_warning: called with what the built model warns of (an organisation that loses money
            before any road starts: :meth:`CentricityModel.losing_money`), before the run; the
            warning is recorded in ``summary.json`` (``warnings``, and ``losing_money``) either way.
        progress: shown as the weeks go by (the run is the same: ``model.run`` in pieces of
            :data:`PROGRESS_WEEKS` weeks is ``model.run`` of them all).
        keep_timeseries: also return the table written to ``timeseries.parquet`` (under ``"timeseries"``,
            which ``summary.json`` does not hold).

    Returns:
        The summary written to ``summary.json``.

    Example:
        >>> import tempfile
        >>> from sim.study.config import validate
        >>> cfg = validate({"steps": 2, "organisation": {"n_employees": 20, "n_customers": 200,
        ...                                               "burn_in_weeks": 0}})
        >>> summary = simulate(cfg, Path(tempfile.mkdtemp()))
        >>> summary["road"], summary["steps"]
        ('status_quo', 2)
    """
    from sim import CentricityModel

    started = time.perf_counter()
    # The roads of a seed share its burn-in (identical results, less work): within a process,
    # and in a sweep across its worker processes through files.
    model = CentricityModel.from_config(checked, reuse_burn_in=True, shared_dir=shared_dir)
    # Known once the model is built (burn-in and week 0): said before the run, not after it.
    losing_money = model.losing_money()
    warnings = [*(warnings or []), *([losing_money] if losing_money else [])]
    if losing_money and on_warning is not None:
        on_warning(losing_money)
    if progress is None:
        model.run(checked["steps"])
    else:
        done = 0
        while done < checked["steps"]:
            weeks = min(PROGRESS_WEEKS, checked["steps"] - done)
            model.run(weeks)
            done += weeks
            progress.show(done)
        progress.show(done, force=True)
    timeseries = model.results()
    wall = time.perf_counter() - started
    out_dir.mkdir(parents=True, exist_ok=True)
    write_parquet(timeseries, out_dir / TIMESERIES_FILE)
    # The levers in force each week: replay, or edit and replay, with road=custom road.schedule=<this file>.
    model.levers_applied().reset_index().to_csv(out_dir / LEVERS_FILE, index=False)
    summary = {
        "road": model.road.name,
        "seed": model.seed,
        "steps": checked["steps"],
        "scenario": checked.get("scenario"),
        "overrides": list(overrides or []),
        "wall_time_s": wall,
        **summarise(timeseries),
        "alarms": len(model.management.alarms),
        # Each early-warning alarm as [week, sacrificed value, favoured value] (docs/ODD.md 7.1.6).
        "alarm_log": [[int(week), sacrificed, favoured] for week, sacrificed, favoured in model.management.alarms],
        "warnings": warnings,
        "losing_money": losing_money,       # also in warnings; summary.md says it (sim.study.aggregate)
        "config": {**model.config(), "steps": checked["steps"], "scenario": checked.get("scenario")},
        "config_hash": config_hash(checked),
        **provenance(),
    }
    write_json(out_dir / SUMMARY_FILE, summary)
    return {**summary, "timeseries": timeseries} if keep_timeseries else summary


def run_job(cfg: DictConfig) -> dict[str, Any]:
    """Hydra task: validate, simulate, record. In a sweep it never raises.

    A config out of range is recorded as ``invalid`` and a run that raises as ``failed``,
    each with the message in ``status.json``; the sweep goes on with the other jobs. A
    single run with a bad config prints the message and exits with status 2.
    """
    hc = HydraConfig.get()
    out_dir = Path(hc.runtime.output_dir)
    in_sweep = hc.mode == RunMode.MULTIRUN
    overrides = list(hc.overrides.task)
    clear_job(out_dir)
    try:
        checked = validate(cfg)
    except ValueError as err:
        write_status(out_dir, "invalid", overrides=overrides, error=str(err))
        if in_sweep:
            log.error(f"invalid job {','.join(overrides)}: {err}")
            return {"status": "invalid", "error": str(err)}
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None
    warnings = road_warnings(checked)
    if in_sweep:
        return run_planned(checked, out_dir, overrides, shared_dir=Path(str(hc.sweep.dir)) / SETTLED_DIR,
                           warnings=warnings)
    for warning in warnings:     # a sweep says them once for all its jobs, before they start
        log.warning(f"warning: {warning}")
    digest = config_hash(checked)
    try:
        summary = simulate(checked, out_dir, overrides, warnings=warnings, on_warning=_warn,
                           progress=RunProgress(checked["steps"], run_cost(checked)))
    except Exception as err:
        write_status(out_dir, "failed", overrides=overrides, config_hash=digest, **failure_fields(err))
        raise
    write_status(out_dir, "ok", overrides=overrides, config_hash=digest, wall_time_s=summary["wall_time_s"])
    print(run_report(summary, out_dir))
    return {"status": "ok", "dir": str(out_dir)}


def run_planned(checked: dict[str, Any], out_dir: Path, overrides: list[str], shared_dir: Path | None = None,
                warnings: list[str] | None = None, digest: str | None = None,
                hand_back: bool = False) -> dict[str, Any]:
    """A sweep job whose config the sweeper has validated: simulate and record. It never raises.

    What :func:`run_job` does for a sweep job after validating it; the sweeper's workers call it
    directly with the config it checked when it planned the sweep (:func:`sim.study.sweep.plan_jobs`),
    so a job is not composed and validated a second time. A run that raises is recorded as
    ``failed``, with the error and its traceback in ``status.json``, and the sweep goes on. The
    folder holds no earlier record of the job (the sweeper clears every job to run before any
    starts, so that its progress line never counts an old ``status.json``).

    Args:
        checked: the job's validated config (:func:`sim.study.config.validate`).
        out_dir: the job's folder.
        overrides: the job's overrides (recorded).
        shared_dir: where the sweep's processes share settled starts (burn-ins).
        warnings: what the job's road cannot do within the run (recorded; the sweep has said them).
        digest: ``config_hash(checked)``, if known.
        hand_back: an ok job also returns the table it wrote to ``timeseries.parquet`` (``"timeseries"``),
            so that the sweep's aggregation need not read it back.

    Returns:
        ``{"status": "ok", "dir": ...}`` or ``{"status": "failed", "error": ...}``.

    Example:
        >>> import tempfile
        >>> from sim.study.config import validate
        >>> cfg = validate({"steps": 2, "organisation": {"n_employees": 20, "n_customers": 200,
        ...                                               "burn_in_weeks": 0}})
        >>> run_planned(cfg, Path(tempfile.mkdtemp()), ["steps=2"])["status"]
        'ok'
    """
    digest = digest or config_hash(checked)
    try:
        # A sweep says what its built models warn of once, at its end (sim.study.sweep.warn_at_end).
        summary = simulate(checked, out_dir, overrides, shared_dir=shared_dir, warnings=warnings,
                           keep_timeseries=hand_back)
    except Exception as err:
        fields = failure_fields(err)
        write_status(out_dir, "failed", overrides=overrides, config_hash=digest, **fields)
        log.error(f"job {','.join(overrides) or 'defaults'} failed: {fields['error']}")
        return {"status": "failed", "error": fields["error"]}
    write_status(out_dir, "ok", overrides=overrides, config_hash=digest, wall_time_s=summary["wall_time_s"])
    outcome = {"status": "ok", "dir": str(out_dir)}
    if hand_back:
        outcome["timeseries"] = summary["timeseries"]
    return outcome


def _warn(message: str) -> None:
    """A warning of a single run, in the project's voice, on stderr."""
    print(f"[sim] warning: {message}", file=sys.stderr, flush=True)


def run_report(summary: dict[str, Any], out_dir: Path) -> str:
    """The console report of a single run: what ran, where it is, a table of final metrics."""
    from sim.measurement import REQUIRED

    head = (f"road={summary['road']} seed={summary['seed']} steps={summary['steps']}"
            + (f" scenario={summary['scenario']}" if summary.get("scenario") else "")
            + f"  ({summary['wall_time_s']:.1f} s)")
    return f"{head}\n{format_table(summary, REQUIRED)}\nresults: {out_dir}"


def format_table(summary: dict[str, Any], metrics) -> str:
    """A short table of final values and means over the run."""
    width = max(len("metric"), *(len(m) for m in metrics))
    rows = [f"{'metric':<{width}}  {'final':>8}  {'mean':>8}"]
    for m in metrics:
        rows.append(f"{m:<{width}}  {_num(summary['final'].get(m)):>8}  {_num(summary['mean'].get(m)):>8}")
    return "\n".join(rows)


def _num(value) -> str:
    if value is None or value != value:
        return "n/a"
    return f"{value:.0f}" if abs(value) >= 1000 else f"{value:.3f}"


_hydra_main = hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")(run_job)


def main() -> None:
    """Entry point of ``python -m sim``: the inputs are checked, then Hydra runs the job or the
    sweep. Exit status: 0 when every job finished, 1 when a job of a sweep failed, 2 when an input
    is wrong, a sweep has invalid jobs, or a run or sweep is too large without ``--yes`` (then nothing
    runs), 130 when interrupted (Ctrl-C)."""
    if not CONFIG_DIR.is_dir():
        # An install without the repository (pip install .) has the model but not the config tree.
        print(f"error: the command line reads its configs from {CONFIG_DIR}, which is missing: run it from a "
              "checkout of the repository (pip install -e . there); the model itself works from any install "
              "(from sim import CentricityModel)", file=sys.stderr)
        sys.exit(2)
    if {"--help", "-h"} & set(sys.argv[1:]):
        print(command_line_reference(), end="")       # every key, from the model's declarations
        return
    argv = sys.argv[1:]
    COMMAND_LINE["yes"] = YES in argv
    # Every input is checked here first, in one format, before Hydra composes anything; a single run's
    # whole config too, and what it will take, before Hydra makes its folder (a sweep's: in the sweeper).
    try:
        check_command_line(argv)
        argv = for_hydra(argv)
        checked = check_single_run(argv) if _runs_one_job(argv) else None
        if checked is not None:
            _say_what_it_takes(checked)
    except InputError as err:
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)
        sys.exit(2)
    sys.argv[1:] = argv
    LAST_SWEEP.clear()
    try:
        _hydra_main()
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        sys.exit(130)
    if LAST_SWEEP.get("interrupted"):
        sys.exit(130)
    if LAST_SWEEP.get("refused"):
        sys.exit(2)
    if LAST_SWEEP.get("failed"):
        sys.exit(1)


#: Flags with which Hydra runs no job (it prints, or composes elsewhere): no single-run check.
_NO_JOB = {"--cfg", "-c", "--info", "-i", "--hydra-help", "--version", "--shell-completion", "-sc",
           "--config-path", "-cp", "--config-name", "-cn", "--config-dir", "-cd", "--experimental-rerun"}


def _runs_one_job(argv: list[str]) -> bool:
    flags = split_arguments(argv)[1]
    return not flags & (MULTIRUN | _NO_JOB)


def check_single_run(argv: list[str]) -> dict[str, Any] | None:
    """A single run's config, composed as Hydra will compose it and validated, before Hydra makes the
    run's folder: what only the whole config shows (shares of the workforce over 1, a schedule file
    that cannot be read) is refused before anything exists, as a wrong value is.

    Args:
        argv: the command line as Hydra will see it (:func:`sim.study.inputs.for_hydra`).

    Returns:
        The validated config (:func:`sim.study.config.validate`), or None if the command line is a
        sweep after all (``+experiment=...`` sets ``hydra.mode``): the sweeper checks its jobs.

    Raises:
        InputError: what is wrong, in one line.

    Example:
        >>> check_single_run(["seed=3", "steps=10"])["seed"]
        3
        >>> check_single_run(["organisation.share_front_line=0.9", "organisation.share_sales=0.5"])
        Traceback (most recent call last):
        ...
        sim.study.inputs.InputError: parameters 'organisation.share_front_line + share_sales + ...
    """
    from hydra import compose, initialize_config_dir

    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3", job_name="sim"):
            cfg = compose(config_name="config", overrides=split_arguments(argv)[0], return_hydra_config=True)
        if cfg.hydra.mode == RunMode.MULTIRUN:
            return None
        with open_dict(cfg):
            del cfg["hydra"]
        return validate(cfg)
    except ValueError as err:
        raise InputError([str(err)]) from None
    except Exception as err:  # Hydra's composition errors, said in one line
        raise InputError([one_line(err)]) from None


def _say_what_it_takes(checked: dict[str, Any]) -> None:
    """A run too large to start without --yes is refused; a long one says what it will take."""
    cost = run_cost(checked)
    refusal = too_large(cost)
    if refusal and not COMMAND_LINE["yes"]:
        raise InputError([refusal])
    if refusal or cost.seconds >= LONG_SECONDS:
        print(f"[sim] {cost.what} takes {cost.text()}; a progress line follows (Ctrl-C stops it)",
              file=sys.stderr, flush=True)
