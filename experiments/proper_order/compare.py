"""The proper-order road (seed 000) beside the status quo and two of seed 002's roads, on the same seeds.

    python experiments/proper_order/compare.py            # 10 seeds, reference organisation, five years
    python experiments/proper_order/compare.py --seeds 30

Prints, for each road, its mean outcome and its difference from the status quo on the same
seeds (mean and 95% interval): five-year profit, mean customer centricity, final satisfaction.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from sim import CentricityModel
from sim.kernels import warm_up
from sim.study.attribution import outcomes
from sim.study.stats import t_interval as interval

SCHEDULE = Path(__file__).resolve().parent / "levers.csv"
ROADS = {"status_quo": {}, "engineering": {}, "competing_values": {}, "custom": {"schedule": str(SCHEDULE)}}


def run(args) -> dict:
    road, seed, weeks = args
    model = CentricityModel(road=road, seed=seed, road_params=ROADS[road])
    model.run(weeks)
    return {"road": "proper_order" if road == "custom" else road, "seed": seed, **outcomes(model.results())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=260)
    args = parser.parse_args()
    warm_up()   # compiled once here: the workers load the kernels from the cache
    with ProcessPoolExecutor() as pool:
        table = pd.DataFrame(pool.map(run, [(r, s, args.weeks) for r in ROADS for s in range(args.seeds)]))
    base = table[table.road == "status_quo"].set_index("seed")
    print(f"{args.seeds} paired seeds, {args.weeks} weeks; difference from the status quo: mean [95% interval]")
    for road, part in table.groupby("road", sort=False):
        part = part.set_index("seed")
        cells = []
        for k in ("cumulative_profit", "mean_centricity", "final_satisfaction"):
            d = (part[k] - base[k]).to_numpy()
            lo, hi = interval(d) if road != "status_quo" else (0.0, 0.0)
            scale = 1e6 if k == "cumulative_profit" else 1.0
            cells.append(f"{k} {part[k].mean() / scale:8.3f} ({d.mean() / scale:+.3f} [{lo / scale:+.3f}, {hi / scale:+.3f}])")
        print(f"{road:>17}: " + "  ".join(cells))


if __name__ == "__main__":
    main()
