"""Make the launcher plugins' schemas extendable by ``configs/hydra/launcher/*.yaml``.

Our launcher settings live in readable files, ``configs/hydra/launcher/{joblib,ray,slurm,
slurm_local}.yaml``, each extending its plugin's structured config through its defaults
list, so a wrong key or type is still caught by the plugin's schema.

``joblib.yaml`` and ``ray.yaml`` have the names users type (``hydra/launcher=ray``), which
are also the names under which the plugins store their schemas in Hydra's ConfigStore.
A file and a ConfigStore entry of the same name trigger Hydra's deprecated "automatic
schema matching" (a warning on every run, and a merge error for joblib; with a defaults
list naming itself, endless recursion). Hydra's migration guide says to store the schema
under another name and extend it in the defaults list; the plugins do not, so
:class:`LauncherSchemas` moves their entries to ``schema/launcher/<name>`` (next to the
model's ``schema/road/<name>``). The SLURM files extend submitit's own ``submitit_slurm``
and ``submitit_local`` entries, whose names do not clash.

The move happens in a search-path plugin because that is the one hook Hydra calls after it
has imported every plugin (each import registers the plugin's schema again) and before it
composes any config; the search path itself is left as it is.

Ray is an optional extra: without it, ``schema/launcher/ray`` is a stand-in whose launcher
says what to install.

Example:
    >>> from hydra.core.config_store import ConfigStore
    >>> import hydra_plugins.hydra_joblib_launcher.config   # what Hydra's plugin scan does
    >>> move_launcher_schemas()
    >>> "joblib.yaml" in ConfigStore.instance().repo["schema"]["launcher"]
    True
"""

import importlib.util
from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_search_path import ConfigSearchPath
from hydra.core.config_store import ConfigStore
from hydra.plugins.search_path_plugin import SearchPathPlugin
from omegaconf import OmegaConf

#: Launchers whose plugin schema is moved: our name -> (the plugin's package, its ConfigStore entry).
MOVED = {
    "joblib": ("hydra_plugins.hydra_joblib_launcher", "joblib"),
    "ray": ("hydra_plugins.hydra_ray_launcher", "ray"),
}
#: What to install for a launcher whose plugin is missing.
EXTRAS = {"ray": "pip install -e '.[ray]'  (hydra-ray-launcher and Ray)"}
SCHEMA_GROUP = "schema/launcher"


class LauncherSchemas(SearchPathPlugin):
    """Hydra calls this after loading its plugins and before composing: move the schemas."""

    def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:
        move_launcher_schemas()


def move_launcher_schemas() -> None:
    """Move each plugin's ``hydra/launcher/<entry>`` to ``schema/launcher/<name>`` (idempotent).

    A plugin that is not installed gets a stand-in schema whose launcher says what to install.
    """
    cs = ConfigStore.instance()
    launchers = cs.repo.get("hydra", {}).get("launcher", {})
    for name, (package, entry) in MOVED.items():
        stored = launchers.pop(f"{entry}.yaml", None)
        if stored is not None:
            cs.store(group=SCHEMA_GROUP, name=name, node=stored.node, provider=stored.provider)
        elif not _has_schema(name) and importlib.util.find_spec(package) is None:
            cs.store(group=SCHEMA_GROUP, name=name, node=MissingLauncherConf(install=EXTRAS.get(name, "")),
                     provider="centricity_launchers")
    register_resolvers()


def _has_schema(name: str) -> bool:
    return f"{name}.yaml" in ConfigStore.instance().repo.get("schema", {}).get("launcher", {})


def missing_extra(**settings: Any) -> None:
    """The launcher of a plugin that is not installed: says what to install."""
    raise ImportError(f"this launcher needs an optional extra: {settings.get('install', '')}")


@dataclass
class MissingLauncherConf:
    """Stand-in schema for a launcher whose plugin is not installed (takes any ``ray`` settings)."""

    _target_: str = "hydra_plugins.centricity_launchers.launcher_schemas.missing_extra"
    install: str = ""
    ray: dict[str, Any] = field(default_factory=dict)


def register_resolvers() -> None:
    """The resolver ``configs/hydra/launcher/ray.yaml`` uses."""
    if not OmegaConf.has_resolver("sim.local_ray"):
        OmegaConf.register_new_resolver("sim.local_ray", local_ray_only)


def local_ray_only(address: Any, value: Any) -> Any:
    """``value`` if ``address`` means a new local Ray cluster, else None.

    ``ray.init`` refuses settings of the cluster itself (``object_store_memory``,
    ``num_cpus``) when it connects to a running one, and hydra-ray-launcher 1.2.2 sets
    ``object_store_memory`` unless the config has the key; so ``ray.yaml`` sets such
    values through this resolver.

    Example:
        >>> local_ray_only("local", 100), local_ray_only("ray://head:10001", 100)
        (100, None)
    """
    return value if address in (None, "local") else None


register_resolvers()
