"""The curves of the value trade-off (issue 23, item 2), defined in sim/validation/value_curves.py.

The mechanics at a tiny scale (the curve table's shape, the argmax helpers on made-up curves,
the report's markdown and figures), and the issue's check at the default organisation: the
customer reward weight that maximises five-year profit lies strictly inside its range, and
the one that maximises satisfaction is at least as high (DOMAIN.md, "The tension").
"""

import doctest
import importlib

import numpy as np
import pandas as pd
import pytest

from sim.levers import BASELINE_KPI
from sim.validation import value_curves as vc

PNG = b"\x89PNG\r\n\x1a\n"

TINY = vc.CurveScale(size=0.1, seeds=2, weeks=6, burn_in_weeks=2, grid=(0.0, 0.5, 1.0),
                     organisations=("default", "industrial_b2b"))
TINY_DESIGN = vc.DesignScale(points=7, seeds=1, n_employees=20, n_customers=200, weeks=6, burn_in_weeks=2,
                             grid=(0.0, 0.5, 1.0))

#: The check of the issue: the default organisation's proportions at 0.4 of its size (120 employees,
#: 2,000 customers), five years, 12 paired seeds, customer weights 0, 0.1, ..., 1 (about 45 s of CPU).
CHECK = vc.CurveScale(size=0.4, seeds=12, weeks=260, burn_in_weeks=52, organisations=("default",),
                      weights=("kpi_customer",))


@pytest.fixture(scope="module")
def tiny():
    return vc.curves(TINY)


def synthetic(curve, seeds=4, noise=0.0, grid=(0.0, 0.25, 0.5, 0.75, 1.0)) -> pd.DataFrame:
    """One row per seed and grid value: ``curve(w)`` plus a seed's noise."""
    rng = np.random.default_rng(1)
    return pd.DataFrame([{"seed": s, "w": w, "y": curve(w) + noise * rng.normal()} for s in range(seeds) for w in grid])


# ------------------------------------------------------------------------------- mechanics
def test_docstring_examples():
    result = doctest.testmod(importlib.import_module("sim.validation.value_curves"), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_curve_table_has_one_row_per_organisation_arm_and_seed(tiny):
    arms = 1 + len(TINY.weights) * len(TINY.grid)
    assert len(tiny) == len(TINY.organisations) * arms * TINY.seeds
    assert list(tiny.columns) == ["organisation", "weight", "w", "seed", "profit", "centricity", "satisfaction",
                                  "d_profit", "d_centricity", "d_satisfaction"]
    assert tiny.groupby(["organisation", "weight", "w"], dropna=False).size().eq(TINY.seeds).all()
    status_quo = tiny[tiny.weight == vc.STATUS_QUO]
    assert status_quo.w.isna().all() and (status_quo[["d_profit", "d_centricity", "d_satisfaction"]] == 0).all().all()
    assert tiny[["profit", "centricity", "satisfaction"]].notna().all().all()


def test_the_arms_of_a_seed_are_paired(tiny):
    """Arms differ only in their rewards: a weight at the status quo's share gives the status quo's outcomes."""
    customer, efficiency, profit = BASELINE_KPI
    assert efficiency == profit, "the status quo's mix is on the customer weight's curve"
    params = {**vc.organisation_params("default", 0.1), "burn_in_weeks": 2}
    sq, same = vc.run_arms(params, 0, [(vc.STATUS_QUO, np.nan), ("kpi_customer", customer)], TINY.weeks)
    assert [sq[k] for k in vc.OUTCOMES] == [same[k] for k in vc.OUTCOMES]


def test_organisations_keep_their_proportions():
    bank = vc.organisation_params("retail_bank", 0.4)
    assert (bank["n_employees"], bank["n_customers"]) == (240, 6000)
    assert bank["wage"] == 800.0   # the scenario's own settings come along
    assert vc.organisation_params("industrial_b2b", 0.01)["n_customers"] == 50   # never below the model's bound
    with pytest.raises(ValueError, match="no_such_org"):
        vc.organisation_params("no_such_org")


def test_best_on_grid_finds_an_inside_peak_and_is_sure_of_it():
    best = vc.best_on_grid(synthetic(lambda w: -(w - 0.5) ** 2, noise=0.001), "y")
    assert best.at == 0.5 and best.share > 0.95 and best.low == best.high == 0.5


def test_best_on_grid_is_unsure_on_a_flat_noisy_curve():
    best = vc.best_on_grid(synthetic(lambda w: 0.0, seeds=6, noise=1.0), "y")
    assert best.share < 0.9 and best.low < best.high


def test_best_on_grid_takes_the_lower_weight_on_a_tie():
    assert vc.best_on_grid(synthetic(lambda w: min(w, 0.5)), "y").at == 0.5
    assert vc.best_on_grid(synthetic(lambda w: 1.0), "y").at == 0.0


def test_trade_off_checks():
    grid = (0.0, 0.25, 0.5, 0.75, 1.0)
    frame = pd.concat([synthetic(lambda w: -(w - 0.25) ** 2, grid=grid).rename(columns={"y": "profit"}),
                       synthetic(lambda w: w, grid=grid)[["y"]].rename(columns={"y": "centricity"}),
                       synthetic(lambda w: -(w - 0.75) ** 2, grid=grid)[["y"]].rename(columns={"y": "satisfaction"})],
                      axis=1).assign(organisation="o", weight="kpi_customer")
    t = vc.trade_off(frame, "o")
    assert (t.profit.at, t.centricity.at, t.satisfaction.at) == (0.25, 1.0, 0.75)
    assert t.inside and t.satisfaction_not_below and t.satisfaction_above
    assert t.share_inside == 1.0 and t.share_above == 1.0
    with pytest.raises(ValueError, match="no runs"):
        vc.trade_off(frame, "elsewhere")


def test_correlations_say_when_there_is_no_rank():
    best = pd.DataFrame({k: np.arange(6.0) for k in vc.CONDITIONS}).assign(profit_best=1.0)
    table = vc.correlations(best)
    assert table.rho.isna().all() and (table.agrees == "n/a").all()
    falling = best.assign(profit_best=-np.arange(6.0))
    assert (vc.correlations(falling).agrees == "no").all()


def test_report_renders(tiny, tmp_path):
    design = vc.design_runs(TINY_DESIGN)
    assert len(design) == TINY_DESIGN.points * TINY_DESIGN.seeds * len(TINY_DESIGN.grid)
    profile = vc.Profile("tiny", TINY, TINY_DESIGN, note="tiny")
    meta = {"start": 0.0, "load_start": 0.0, "jobs": 1, "date": "today", "git": "`abc`", "command": "python -m x",
            "wall_curves": 1.0, "wall_design": 1.0}
    text = vc.write_report(tiny, design, profile, tmp_path, meta).read_text()
    for heading in ("# The curves of the value trade-off", "## The check", "## The best weights", "### default",
                    "### industrial_b2b", "## Where the customer weight pays: the design"):
        assert f"\n{heading}\n" in f"\n{text}\n"
    assert text.count("| customer | 0.500 |") == 2   # a curve row per organisation
    assert "`customers.customisation_need`" in text and "python -m x" in text
    for figure in ("value_curves.png", "value_curves_design.png"):
        assert f"(figures/{figure})" in text
        assert (tmp_path / "figures" / figure).read_bytes()[:8] == PNG


# ------------------------------------------------------------------------------- the check
@pytest.mark.validation
def test_profit_best_customer_weight_is_inside_and_below_the_satisfaction_best():
    """Issue 23, 'done when': at the default organisation the customer weight that maximises
    five-year profit lies strictly inside (0, 1), and the satisfaction-best weight is at least it."""
    t = vc.trade_off(vc.curves(CHECK))
    numbers = (f"profit-best customer weight {t.profit.text()}, satisfaction-best {t.satisfaction.text()} "
               f"(w (share of bootstrap resamples agreeing; their 95% range)), {CHECK.seeds} seeds")
    assert t.inside, f"the profit-best customer weight is not strictly inside (0, 1): {numbers}"
    assert t.satisfaction_not_below, f"the satisfaction-best customer weight is below the profit-best: {numbers}"
