"""Structured configs for Hydra, built from the model's own parameter declarations.

One source of truth: the schemas below are generated from :mod:`sim.params` (the
organisation, customer and lever groups) and from each road's ``declared()`` parameters,
so no default is typed twice. Hydra checks types and rejects unknown keys when it composes
a config; :func:`validate` then checks every value against its declared range before any
simulation work, with a message naming the key, the value and the allowed range.

Config tree (``configs/``)::

    config.yaml            defaults: schema, road=status_quo, scenario=null
    road/<name>.yaml       one per road: ``name`` plus the road's parameters (generated)
    scenario/<name>.yaml   organisations a change lead recognises
    experiment/<name>.yaml named studies (sweeps)

Example:
    >>> from omegaconf import OmegaConf
    >>> cfg = OmegaConf.structured(RunConfig)
    >>> cfg.organisation.n_employees, cfg.steps
    (300, 260)
    >>> validate({**OmegaConf.to_container(cfg), "road": road_defaults("mission")})["road"]["name"]
    'mission'
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING, DictConfig, OmegaConf

from sim._version import __version__
from sim.params import GROUPS, Customers, Levers, Organisation, build_group, check_value
from sim.roads import ROADS

#: Where the Hydra config tree lives (the repository's ``configs/``).
CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"

#: Allowed ranges of the run-level keys (same message format as the model's parameters).
STEPS_RANGE = (0, 10_000_000)
SEED_RANGE = (0, 2**63 - 1)


@dataclass
class RunConfig:
    """Schema of one run: the keys users override on the command line.

    ``road`` is a config group (``road=mission``); its schema depends on the road chosen,
    see :func:`road_schema`. ``scenario`` records the scenario chosen (``scenario=retail_bank``)
    and is set by the scenario file itself.
    """

    seed: int = 0
    steps: int = 260
    scenario: str | None = None
    organisation: Organisation = field(default_factory=Organisation)
    customers: Customers = field(default_factory=Customers)
    levers: Levers = field(default_factory=Levers)
    road: Any = MISSING
    #: Effect sizes other than the declared ones (``sim.effects``), for studies of the model's
    #: own assumptions: ``+effects.customers.promoter=0.8``.
    effects: dict[str, Any] = field(default_factory=dict)


class _RoadSchemas(SimpleNamespace):
    """The road schemas by class name (``MissionRoad``), each made on first use (:func:`road_schema`)."""

    def __getattr__(self, cls_name: str) -> type:
        for name, road in ROADS.items():
            if f"{road.__name__}Road" == cls_name:
                return road_schema(name)
        raise AttributeError(cls_name)


#: The road schemas made by :func:`road_schema`: importable as ``sim.study.config.ROAD_SCHEMAS.<class
#: name>`` in any process (made there when first looked up), so a composed config pickles by reference
#: to them (a sweep copies each job's config from a shared one, and sends it to workers, by pickling it).
ROAD_SCHEMAS = _RoadSchemas()


@functools.cache
def road_schema(name: str) -> type:
    """A dataclass for road ``name``: ``name`` plus every declared parameter with its default.

    Made once per road (the same class each time), and importable (:data:`ROAD_SCHEMAS`).

    Example:
        >>> schema = road_schema("engineering")
        >>> schema().name, schema().pressure
        ('engineering', 0.5)
        >>> import pickle; pickle.loads(pickle.dumps(schema)) is schema
        True
    """
    road = ROADS[name]
    fields = [("name", str, field(default=name))]
    for param, spec in road.declared().items():
        fields.append((param, type(spec["default"]), field(default=spec["default"])))
    cls_name = f"{road.__name__}Road"
    cls = dataclasses.make_dataclass(cls_name, fields, module=__name__)
    cls.__qualname__ = f"ROAD_SCHEMAS.{cls_name}"
    setattr(ROAD_SCHEMAS, cls_name, cls)
    return cls


def road_defaults(name: str) -> dict[str, Any]:
    """The road's config node with every default, as a plain dict.

    Example:
        >>> road_defaults("status_quo")
        {'name': 'status_quo', 'start_week': 0}
    """
    return {"name": name, **ROADS[name].defaults()}


def register_configs() -> None:
    """Store the schemas in Hydra's ConfigStore (idempotent).

    ``schema`` is the run schema used by ``configs/config.yaml``; ``schema/road/<name>``
    is the schema each ``configs/road/<name>.yaml`` extends.
    """
    cs = ConfigStore.instance()
    cs.store(name="schema", node=RunConfig)
    for name in ROADS:
        cs.store(group="schema/road", name=name, node=road_schema(name))


def _register_resolvers() -> None:
    # A multirun with no overrides at all has an empty override_dirname; give it a folder
    # of its own so job folders are always below the sweep folder. A value with a slash (a
    # schedule's path) would nest folders: it is written %2F, as in a URL.
    if not OmegaConf.has_resolver("sim.jobdir"):
        OmegaConf.register_new_resolver("sim.jobdir", lambda dirname: (dirname or "defaults").replace("/", "%2F"))


def group_options(group: str) -> str:
    """The options of a config group in ``configs/``, comma separated.

    Example:
        >>> group_options("scenario")
        'industrial_b2b, retail_bank, subscription_software'
    """
    return ", ".join(sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml")))


_register_resolvers()


# ---------------------------------------------------------------------- validation
def description(path: Path) -> list[str]:
    """The paragraphs of a config file's leading comment block: its description in plain words.

    The first paragraph is the file's title line (a scenario's one-line description); the
    ``@package`` directive and ``Use:`` lines (commands) are left out.

    Example:
        >>> description(CONFIG_DIR / "scenario" / "retail_bank.yaml")[0]
        'Retail bank with a large call centre.'
    """
    paragraphs: list[str] = []
    current: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        text = line.lstrip("#").strip()
        if text.startswith(("@package", "Use:")):
            continue
        if text:
            current.append(text)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs + ([" ".join(current)] if current else [])


def as_plain(cfg: Any) -> dict[str, Any]:
    """A composed config (DictConfig, dataclass or dict) as a plain nested dict, without ``hydra``."""
    if isinstance(cfg, DictConfig):
        # Only the task keys: the hydra node holds interpolations that resolve only inside a job.
        out = {key: OmegaConf.to_container(value, resolve=True) if OmegaConf.is_config(value) else value
               for key, value in cfg.items_ex(resolve=True) if key != "hydra"}
    elif dataclasses.is_dataclass(cfg):
        out = dataclasses.asdict(cfg)
    else:
        out = json.loads(json.dumps(cfg, default=str))
    out.pop("hydra", None)
    return out


def validate(cfg: Any) -> dict[str, Any]:
    """Check every value of a composed run config against its declared type and range.

    Runs in microseconds and before any simulation work. Unknown keys and unknown roads
    are errors too (Hydra rejects them at composition; this repeats the check for configs
    built by hand).

    Args:
        cfg: the composed config (DictConfig from Hydra, or a plain nested dict).

    Returns:
        The checked config as a plain dict (values converted to their declared types).

    Raises:
        ValueError: naming the key, the value and the allowed range.

    Example:
        >>> cfg = {"seed": 1, "steps": 10, "road": {"name": "mission", "pressure": 2.0}}
        >>> validate(cfg)
        Traceback (most recent call last):
        ...
        ValueError: parameter 'road.pressure' = 2.0 is out of range; allowed range [0.0, 1.0]
    """
    plain = as_plain(cfg)
    known = {"seed", "steps", "scenario", "road", "effects", *GROUPS}
    unknown = sorted(set(plain) - known)
    if unknown:
        raise ValueError(f"unknown key '{unknown[0]}'; known keys: {', '.join(sorted(known))}")
    out: dict[str, Any] = {
        "seed": check_value("seed", plain.get("seed", 0), 0, *SEED_RANGE),
        "steps": check_value("steps", plain.get("steps", 260), 0, *STEPS_RANGE),
        "scenario": plain.get("scenario"),
    }
    for group, cls in GROUPS.items():
        out[group] = dataclasses.asdict(build_group(cls, dict(plain.get(group) or {}), group))
    out["road"] = validate_road(plain.get("road") or {"name": "status_quo"})
    if plain.get("effects"):   # recorded only when given: a run at the declared values keeps its fingerprint
        from sim.effects import EffectValues

        out["effects"] = EffectValues(plain["effects"]).overrides
    return out


def validate_road(road: dict[str, Any] | str) -> dict[str, Any]:
    """Check a road node (``name`` plus parameters); return it complete with defaults.

    Example:
        >>> validate_road({"name": "engineering", "pressure_stop_week": 130})["pressure_stop_week"]
        130
    """
    road = {"name": road} if isinstance(road, str) else dict(road)
    name = road.pop("name", "status_quo")
    if name not in ROADS:
        raise ValueError(f"unknown road '{name}'; allowed roads: {', '.join(ROADS)}")
    return {"name": name, **ROADS[name](**road).values()}


def road_warnings(checked: dict[str, Any]) -> list[str]:
    """What the road of a validated config cannot do within the run, in words (empty: nothing).

    Example:
        >>> road_warnings(validate({"steps": 4, "road": {"name": "mission", "start_week": 500}}))[0][:40]
        "road 'mission' starts in week 500, after"
    """
    road = dict(checked["road"])
    name = road.pop("name")
    return ROADS[name](**road).idle_within(checked["steps"])


def config_hash(checked: dict[str, Any]) -> str:
    """A short fingerprint of a validated config and the package version.

    Resume keys on it: a job whose folder holds results with the same fingerprint is done.

    Example:
        >>> a = validate({"seed": 1, "steps": 10})
        >>> config_hash(a) == config_hash(validate({"steps": 10, "seed": 1}))
        True
    """
    text = json.dumps({"config": checked, "version": __version__}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# ---------------------------------------------------------------------- road files
def road_yaml(name: str) -> str:
    """The text of ``configs/road/<name>.yaml``: the road described, its schema, its name.

    The parameters and defaults are listed as comments generated from the road's
    declarations, so the file documents them without becoming a second source of truth
    (``tests/test_config.py`` checks the files are current; regenerate with
    ``python -m sim.study.config``).
    """
    road = ROADS[name]
    lines = [f"# {road.title or name}", "#"]
    lines += [f"# {text}" for text in _wrap(road.summary)]
    if road.watch_for:
        lines += ["#"] + [f"# {text}" for text in _wrap("Watch for: " + road.watch_for)]
    lines += ["#", f"# Parameters (override with road.<parameter>=value; defaults from sim/roads/{_module(road)}.py):"]
    width = max(len(p) for p in road.declared())
    for param, spec in road.declared().items():
        rng = f"[{spec['low']}, {spec['high']}]" if spec["low"] is not None else _kind_text(spec["default"])
        lines.append(f"#   {param:<{width}}  {spec['default']!r:>8}  {rng:<16} {spec['doc']}")
    lines += [
        "#",
        "# Generated by `python -m sim.study.config`; edit the road's declarations, not this file.",
        "defaults:",
        f"  - /schema/road/{name}@_here_",
        "  - _self_",
        "",
        f"name: {name}",
        "",
    ]
    return "\n".join(lines)


def _kind_text(default: Any) -> str:
    return "true or false" if isinstance(default, bool) else "a file path" if isinstance(default, str) else ""


def _module(road: type) -> str:
    return road.__module__.rsplit(".", 1)[-1]


def _wrap(text: str, width: int = 92) -> list[str]:
    import textwrap

    return textwrap.wrap(" ".join(text.split()), width) or [""]


def write_road_configs(config_dir: Path = CONFIG_DIR) -> list[Path]:
    """Write ``configs/road/<name>.yaml`` for every road; return the paths written."""
    folder = config_dir / "road"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in ROADS:
        path = folder / f"{name}.yaml"
        path.write_text(road_yaml(name))
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_road_configs():
        print(f"wrote {written}")
