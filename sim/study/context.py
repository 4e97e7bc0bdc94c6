"""What a study was run on, in one line: the organisation, the horizon, the seeds, the settings.

Every figure of a sweep carries this line under its title, ``summary.md`` and the board brief
open with it, so a figure taken out of its folder still says what it shows. It is read from
the finished jobs' records (``summary.json``), not from the command that made them.

A *setting* is listed when every finished job holds the same value and that value differs from
the default of the organisation it ran on (the model's default, or the scenario's value).
Swept parameters are not settings: the figure's axes and legends show them.

Example:
    >>> from sim.study.aggregate import Job
    >>> from pathlib import Path
    >>> job = Job(dir=Path("."), name="a", status="ok", summary={"steps": 104, "seed": 0, "config": {
    ...     "scenario": None, "road": {"name": "mission", "pressure": 0.5},
    ...     "organisation": {"n_customers": 2000}, "customers": {}, "levers": {}}})
    >>> print(StudyContext.of([job], swept=["road"]).subtitle())
    Organisation: default · 104 weeks (2 years) · 1 seed · settings: organisation.n_customers=2000, road.pressure=0.5
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sim.params import GROUPS, describe
from sim.roads import ROADS
from sim.study.config import CONFIG_DIR

#: How many settings a subtitle names before it says "and N more".
MAX_SETTINGS = 8


@dataclass
class StudyContext:
    """What the finished jobs of a study share.

    Attributes:
        scenario: the named organisation, or None for the model's default one.
        scenario_title: its one-line description ("" for the default).
        weeks: the horizon(s) in weeks.
        seeds: how many seeds each condition ran (the paired seeds: common to all conditions).
        settings: ``key=value`` for every shared setting that differs from its organisation's default.
        runs: the number of finished runs.
    """

    scenario: str | None = None
    scenario_title: str = ""
    weeks: list[int] = field(default_factory=list)
    seeds: int = 0
    settings: list[str] = field(default_factory=list)
    runs: int = 0

    @classmethod
    def of(cls, jobs: list, swept: list[str] = ()) -> StudyContext:
        """The context of a sweep's finished jobs (``sim.study.aggregate.Job``)."""
        done = [job for job in jobs if job.status == "ok" and job.summary]
        if not done:
            return cls()
        configs = [job.summary.get("config", {}) for job in done]
        scenarios = {c.get("scenario") for c in configs}
        scenario = scenarios.pop() if len(scenarios) == 1 else None
        weeks = sorted({int(job.summary.get("steps", c.get("steps", 0))) for job, c in zip(done, configs, strict=True)})
        return cls(scenario=scenario, scenario_title=scenario_titles().get(scenario, "") if scenario else "",
                   weeks=weeks, seeds=_paired_seeds(done), settings=_shared_settings(configs, set(swept)),
                   runs=len(done))

    @property
    def organisation(self) -> str:
        """'retail_bank (Retail bank with a large call centre)' or 'default'."""
        if not self.scenario:
            return "default"
        return f"{self.scenario} ({self.scenario_title})" if self.scenario_title else self.scenario

    @property
    def horizon(self) -> str:
        if not self.weeks:
            return "no finished runs"
        if len(self.weeks) > 1:
            return f"{self.weeks[0]} to {self.weeks[-1]} weeks"
        w = self.weeks[0]
        years = f" ({w / 52:.0f} years)" if w >= 104 and w % 52 == 0 else ""
        return f"{w} week{'s' if w != 1 else ''}{years}"

    def subtitle(self) -> str:
        """One line for a figure: organisation, horizon, seeds, settings."""
        parts = [f"Organisation: {self.organisation}", self.horizon,
                 f"{self.seeds} seed{'s' if self.seeds != 1 else ''}" + (" (paired)" if self.seeds > 1 else "")]
        if self.settings:
            shown = self.settings[:MAX_SETTINGS]
            more = len(self.settings) - len(shown)
            parts.append("settings: " + ", ".join(shown) + (f" and {more} more" if more else ""))
        return " · ".join(parts)


def _paired_seeds(done: list) -> int:
    """Seeds common to every condition (a condition: the job's overrides other than the seed)."""
    by_condition: dict[tuple, set] = {}
    for job in done:
        condition = tuple(sorted(o for o in job.overrides if not o.startswith("seed=")))
        by_condition.setdefault(condition, set()).add(job.summary.get("seed"))
    return len(set.intersection(*by_condition.values())) if by_condition else 0


def _shared_settings(configs: list[dict[str, Any]], swept: set[str]) -> list[str]:
    """``key=value`` for each setting all runs share that differs from its organisation's default."""
    values: dict[str, set] = {}
    for config in configs:
        base = organisation_defaults(config.get("scenario"))
        for group in GROUPS:
            for key, value in (config.get(group) or {}).items():
                name = f"{group}.{key}"
                values.setdefault(name, set()).add(_hashable(value) if value != base.get(name) else None)
        road = dict(config.get("road") or {})
        declared = ROADS[road.pop("name")].defaults() if road.get("name") in ROADS else {}
        for key, value in road.items():
            if key in declared and value != declared[key]:
                values.setdefault(f"road.{key}", set()).add(_hashable(value))
    out = []
    for name, seen in values.items():
        if name in swept or len(seen) != 1 or None in seen:
            continue
        out.append(f"{name}={_text(seen.pop())}")
    return out


@lru_cache(maxsize=16)
def organisation_defaults(scenario: str | None) -> dict[str, Any]:
    """Every organisation, customer and lever setting's default, with the scenario's values on top."""
    out = {f"{group}.{k}": spec["default"] for group, cls in GROUPS.items() for k, spec in describe(cls).items()}
    if scenario:
        from omegaconf import OmegaConf

        path = CONFIG_DIR / "scenario" / f"{scenario}.yaml"
        if path.exists():
            data = OmegaConf.to_container(OmegaConf.load(path))
            for group in GROUPS:
                out.update({f"{group}.{k}": v for k, v in (data.get(group) or {}).items()})
    return out


@lru_cache(maxsize=1)
def scenario_titles() -> dict[str, str]:
    """Each named scenario with its one-line description."""
    from sim.study.reference import described

    return described("scenario")


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
