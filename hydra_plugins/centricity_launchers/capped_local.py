"""``hydra/launcher=slurm_local``: submitit's local launcher, at most ``max_running`` jobs at a time.

submitit's local executor starts every job of a sweep at once, which on a laptop means
hundreds of simulations competing for a few cores. This launcher hands it the jobs in
groups of ``max_running`` (each group runs to its end before the next starts); everything
else, the job folders, progress, resume and aggregation, is submitit's and the sweeper's.

Example (command line)::

    python -m sim -m road=mission,engineering seed=0,1 hydra/launcher=slurm_local
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hydra.core.config_store import ConfigStore

try:
    from hydra_plugins.hydra_submitit_launcher.config import LocalQueueConf
    from hydra_plugins.hydra_submitit_launcher.submitit_launcher import LocalLauncher
except ImportError:  # submitit not installed: no slurm_local
    LocalQueueConf = LocalLauncher = None


if LocalLauncher is not None:

    @dataclass
    class CappedLocalConf(LocalQueueConf):
        """submitit's local settings plus ``max_running``."""

        _target_: str = "hydra_plugins.centricity_launchers.capped_local.CappedLocalLauncher"
        max_running: int = 2

    class CappedLocalLauncher(LocalLauncher):
        """submitit's local launcher, launching at most ``max_running`` jobs at a time."""

        def __init__(self, max_running: int = 2, **params: Any) -> None:
            if max_running < 1:
                raise ValueError(f"hydra.launcher.max_running = {max_running} must be at least 1")
            super().__init__(**params)
            self.max_running = max_running

        def launch(self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int) -> Sequence[Any]:
            returns: list[Any] = []
            for start in range(0, len(job_overrides), self.max_running):
                group = job_overrides[start:start + self.max_running]
                returns += super().launch(group, initial_job_idx=initial_job_idx + start)
            return returns

    ConfigStore.instance().store(group="schema/launcher", name="slurm_local", node=CappedLocalConf,
                                 provider="centricity_launchers")
