"""Which levers carry a road's lead: switch one lever back to business as usual, replay, compare.

For a road and a seed, the road's run is recorded (``levers_applied``). For each lever the
road moves (levers that move together, such as the three reward weights, count as one),
the record is replayed through the ``custom`` road with that lever at business as usual
throughout, on the same seed. The part the lever carries is the road's lead over the status
quo minus the lead left without it. The replays are open loop: the road's feedback rules do
not react to the missing lever, so the parts need not add up to the lead; the remainder is
reported as the interaction.

Example:
    >>> table = attribute("engineering", seeds=[0], weeks=26, n_employees=40, n_customers=400, burn_in_weeks=4)
    >>> {"process_improvement", "kpi_weights"} <= set(table.lever)
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from sim.levers import LEVER_SETS, LEVERS
from sim.model import CentricityModel
from sim.outcomes import HEADLINE
from sim.outcomes import outcomes as outcomes_of

#: The outcomes attributed, over every week of the run (names of ``sim.outcomes.OUTCOMES``).
OUTCOMES = HEADLINE
#: The parts of customer centricity (docs/ODD.md 7.6.1), each as its share of the index (a third of
#: its mean over weeks 1..H), so the three add up to ``mean_centricity``.
CENTRICITY_PARTS = {
    "behaviour": lambda d: float(d.centricity_behaviour.iloc[1:].mean()) / 3.0,
    "resolution": lambda d: float(d.centricity_resolution.iloc[1:].mean()) / 3.0,
    "needs_met": lambda d: float(d.centricity_needs_met.iloc[1:].mean()) / 3.0,
}


def lever_groups(moved: Iterable[str]) -> list[tuple[str, tuple[str, ...]]]:
    """(name, levers) for each decision among ``moved``: sets that move together, else single levers."""
    moved = set(moved)
    groups, taken = [], set()
    for name, members in LEVER_SETS.items():
        if moved & set(members):
            groups.append((name, members))
            taken |= set(members)
    groups += [(name, (name,)) for name in LEVERS if name in moved and name not in taken]
    return groups


def outcomes(results: pd.DataFrame) -> dict[str, float]:
    """The attributed outcomes (``sim.outcomes`` over weeks 1 to the last) and the parts of centricity of a run's results."""
    return {**outcomes_of(results, names=OUTCOMES), **{name: read(results) for name, read in CENTRICITY_PARTS.items()}}


def attribute(road: str, seeds: Sequence[int], weeks: int = 260, road_params: dict | None = None,
              **params) -> pd.DataFrame:
    """The part of the road's lead over the status quo each lever carries, per seed.

    Returns:
        One row per (seed, lever, outcome): ``lead`` (road minus status quo), ``without``
        (the lead with that lever at business as usual), ``part`` (``lead - without``).
        Rows with lever ``(interaction)`` hold the lead minus the sum of the parts.
    """
    rows = []
    for seed in seeds:
        sq = CentricityModel(road="status_quo", seed=seed, **params)
        sq.run(weeks)
        usual = sq.levers_applied()
        base = outcomes(sq.results())
        model = CentricityModel(road=road, seed=seed, road_params=road_params, **params)
        model.run(weeks)
        applied = model.levers_applied()
        lead = {k: v - base[k] for k, v in outcomes(model.results()).items()}
        moved = [c for c in LEVERS if not np.array_equal(applied[c].to_numpy(), usual[c].to_numpy())]
        parts = dict.fromkeys(lead, 0.0)
        for name, members in lever_groups(moved):
            schedule = applied.copy()
            schedule[list(members)] = usual[list(members)]
            replay = CentricityModel(road="custom", seed=seed, road_params={"schedule": schedule.reset_index()}, **params)
            replay.run(weeks)
            for k, v in outcomes(replay.results()).items():
                without = v - base[k]
                rows.append({"road": road, "seed": seed, "lever": name, "outcome": k, "lead": lead[k],
                             "without": without, "part": lead[k] - without})
                parts[k] += lead[k] - without
        for k in lead:
            rows.append({"road": road, "seed": seed, "lever": "(interaction)", "outcome": k, "lead": lead[k],
                         "without": np.nan, "part": lead[k] - parts[k]})
    return pd.DataFrame(rows)
