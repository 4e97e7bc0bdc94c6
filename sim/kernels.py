"""The model's compiled kernels, compiled (or loaded from numba's disk cache) up front.

The kernels live beside the mechanisms they implement (``sim/customers.py`` and so on) and
compile on first use (``sim/jit.py``). A sweep has :func:`warm_up` run before its jobs: by the
joblib launcher's workers, one at a time (``Workers`` in hydra_plugins/centricity_sweeper), or by
the launching process with other launchers. On a machine's first run the first of them compiles
every kernel once and writes it to the cache (``sim/__pycache__``, or ``NUMBA_CACHE_DIR``); the
others then load the compiled code instead of compiling the same kernels side by side.

Example:
    >>> from sim.kernels import warm_up
    >>> report = warm_up()
    >>> report.kernels > 20 and report.seconds >= 0
    True
"""

from __future__ import annotations

import importlib
import logging
import time
from dataclasses import dataclass

#: The modules that hold kernels: every function made with ``sim.jit.njit``.
KERNEL_MODULES = ("sim.streams", "sim.networks", "sim.accounting", "sim.customers", "sim.service", "sim.employees",
                  "sim.measurement")
#: The size of the models run to compile the kernels: every road, a few weeks, a few hundred customers.
WARM_UP_SIZE = {"n_employees": 30, "n_customers": 250, "burn_in_weeks": 2}
WARM_UP_WEEKS = 6


@dataclass(frozen=True)
class WarmUp:
    """What :func:`warm_up` did: kernels found, signatures compiled, loaded from the cache, and the time."""

    kernels: int
    compiled: int
    loaded: int
    seconds: float

    def __str__(self) -> str:
        if self.compiled == 0 and self.loaded == 0:
            return f"{self.kernels} ready (compiled earlier in this process)"
        return (f"{self.kernels} ready in {self.seconds:.1f} s ({self.compiled} compiled, "
                f"{self.loaded} loaded from numba's cache)")


def kernels() -> dict[str, object]:
    """Every compiled kernel of the model by qualified name (``sim.customers._buy``).

    Under ``NUMBA_DISABLE_JIT=1`` the kernels are plain functions and none is listed.
    """
    from numba.core.registry import CPUDispatcher

    found = {}
    for name in KERNEL_MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if isinstance(value, CPUDispatcher) and value.py_func.__module__ == name:
                found[f"{name}.{attr}"] = value
    return found


def _tallies(found: dict[str, object]) -> tuple[int, int]:
    """(cache misses, cache hits) over every signature of every kernel so far in this process."""
    misses = sum(sum(k.stats.cache_misses.values()) for k in found.values())
    hits = sum(sum(k.stats.cache_hits.values()) for k in found.values())
    return misses, hits


def warm_up() -> WarmUp:
    """Compile (or load) every kernel with the signatures the model uses, by running a small
    model on every named road for a few weeks. Cheap once done: the second call in a process
    costs a few small runs.
    """
    import sim.population
    from sim.model import CentricityModel
    from sim.roads import NAMED_ROADS

    found = kernels()
    misses, hits = _tallies(found)
    mesa_log = logging.getLogger("MESA")          # Mesa logs every step at INFO: not for these runs
    level = mesa_log.level
    mesa_log.setLevel(logging.WARNING)
    share = sim.population.DEPARTED_SHARE
    start = time.perf_counter()
    try:
        for road in NAMED_ROADS:
            CentricityModel(road=road, seed=0, **WARM_UP_SIZE).run(WARM_UP_WEEKS)
        # Rows dropped at the first leaver: the kernels that follow dropped rows compile too.
        sim.population.DEPARTED_SHARE = 0.0
        CentricityModel(seed=0, **WARM_UP_SIZE).run(2)
    finally:
        sim.population.DEPARTED_SHARE = share
        mesa_log.setLevel(level)
    seconds = time.perf_counter() - start
    after_misses, after_hits = _tallies(found)
    return WarmUp(kernels=len(found), compiled=after_misses - misses, loaded=after_hits - hits, seconds=seconds)
