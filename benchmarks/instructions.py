"""Instructions per step: a drift-free measure of the model's speed, for comparing code versions.

Wall time on a shared machine drifts by a third within minutes, so two versions of the
code compared by their timings can swap places from one run to the next. Instructions
executed do not drift: ``valgrind --tool=callgrind`` counts them the same whatever the
neighbours do. This script counts the instructions of ``weeks`` steps of a reference model
(the difference between a run of ``weeks`` steps and a run of none, so construction and
imports cancel) for the working tree and, with ``--against REV``, for a git revision
checked out in a temporary worktree, and prints a table.

Instructions are not time: a change that saves memory traffic rather than instructions
shows less here than on the clock (docs/PERFORMANCE.md, "What limits speed now").

Needs valgrind (``apt-get install valgrind``). Each count takes about a minute; the two
runs of a version go in parallel.

Example::

    python benchmarks/instructions.py --against HEAD~3
    python benchmarks/instructions.py --customers 50000 --weeks 10
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Builds the model and runs it; the count of a 0-week run is subtracted.
CHILD = """
import sys
from sim import CentricityModel
road, seed, n, weeks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
model = CentricityModel(road=road, seed=seed, n_customers=n, n_employees=max(20, round(0.06 * n)))
model.run(weeks)
"""


def count(tree: Path, args, weeks: int) -> int:
    """Instructions of one child run against the ``sim`` package in ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree), "OPENBLAS_NUM_THREADS": "1"}
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", CHILD,
           args.road, str(args.seed), str(args.customers), str(weeks)]
    out = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    found = re.search(r"Collected\s*:\s*(\d+)", out.stderr)
    if out.returncode != 0 or not found:
        raise SystemExit(f"callgrind run failed in {tree}:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def per_step(tree: Path, args) -> float:
    with ThreadPoolExecutor(2) as pool:
        full, empty = pool.map(lambda w: count(tree, args, w), [args.weeks, 0])
    return (full - empty) / args.weeks


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", metavar="REV", help="also count this git revision (e.g. HEAD~1, main)")
    parser.add_argument("--road", default="competing_values")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--customers", type=int, default=5000, help="customers (employees: 6%% of them, 300 at 5,000)")
    parser.add_argument("--weeks", type=int, default=30, help="steps counted (default 30)")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    if args.weeks < 1:
        raise SystemExit(f"--weeks must be at least 1, got {args.weeks}")
    trees = [("working tree", ROOT)]
    tmp = None
    if args.against:
        tmp = Path(tempfile.mkdtemp(prefix="instructions-"))
        subprocess.run(["git", "worktree", "add", "--detach", str(tmp / "tree"), args.against],
                       cwd=ROOT, check=True, capture_output=True)
        trees.insert(0, (args.against, tmp / "tree"))
    try:
        rows = [(name, per_step(tree, args)) for name, tree in trees]
    finally:
        if tmp is not None:
            subprocess.run(["git", "worktree", "remove", "--force", str(tmp / "tree")], cwd=ROOT, capture_output=True)
            shutil.rmtree(tmp, ignore_errors=True)
    base = rows[0][1]
    print(f"instructions per step: road={args.road} seed={args.seed} customers={args.customers} weeks={args.weeks}\n")
    print("| code | instructions per step | relative |")
    print("|---|---|---|")
    for name, value in rows:
        print(f"| {name} | {value / 1e6:.2f} M | {value / base:.3f} |")


if __name__ == "__main__":
    main()
