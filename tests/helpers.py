"""Small, fast model settings shared by the unit tests."""

from sim import CentricityModel

TINY = {"n_employees": 60, "n_customers": 600, "burn_in_weeks": 8}


def road_params_of(road: str) -> dict | None:
    """The road parameters a road needs to run: a schedule for the custom road (which has none
    by default: without one it is an input error), nothing for the others."""
    if road != "custom":
        return None
    import pandas as pd

    return {"schedule": pd.DataFrame({"week": [1, 10], "pressure": [0.3, 0.5], "participation": [0.4, 0.4]})}


def tiny_model(road="status_quo", seed=0, **kw) -> CentricityModel:
    """A small model: 60 employees, 600 customers, 8 burn-in weeks (a custom road gets a schedule)."""
    kw.setdefault("road_params", road_params_of(road))
    return CentricityModel(road=road, seed=seed, **{**TINY, **kw})


def sweep_master_config(experiment: str, sweep_dir):
    """Hydra's config loader and the multirun config of ``+experiment=...``, as a sweeper gets them.

    Also sets it as the current Hydra config, which the sweepers' composers read.
    """
    from hydra._internal.config_loader_impl import ConfigLoaderImpl
    from hydra._internal.utils import create_config_search_path
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    import sim.study.cli  # noqa: F401  (registers the schemas)
    from sim.study.config import CONFIG_DIR

    loader = ConfigLoaderImpl(config_search_path=create_config_search_path(str(CONFIG_DIR)))
    master = loader.load_configuration("config", overrides=[f"+experiment={experiment}", f"hydra.sweep.dir={sweep_dir}"],
                                       run_mode=RunMode.MULTIRUN)
    HydraConfig.instance().set_config(master)
    return loader, master
