"""The compiled weekly kernels change the speed, not the results.

``tests/data/numpy_snapshot.parquet`` holds every metric of every week of six roads in two
organisations over 104 weeks at 2,000 customers. It was first made by the whole-array numpy
version of the model before the kernels, and made again on purpose when the model's results
changed (issue 23: the values compete at the moment of truth; issue 26: every draw about
customers keyed by id, for those present only, so that the rows of those who left can be
dropped; the commit it was made on is named in the file's metadata). The model must
reproduce it to within 1e-12 relative: a sum that now runs in another order may differ in its
last bits, nothing else may. The same kernels run as plain Python under
``NUMBA_DISABLE_JIT=1`` (a subprocess, at a tiny size) and must give the same results as
compiled.

Make the snapshot again only on purpose (a change of the model's results), with
``python -m tests.test_kernels --write``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim import CentricityModel
from sim.roads import NAMED_ROADS

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "tests" / "data" / "numpy_snapshot.parquet"
WEEKS = 104
SIZE = {"n_employees": 120, "n_customers": 2000}
#: The second organisation: the retail bank's character at the snapshot's size.
RETAIL_BANK = {"share_front_line": 0.5, "share_sales": 0.1, "share_marketing": 0.05, "share_operations": 0.2,
               "initial_readiness": 0.4, "dispositional_resistance": 0.45, "initial_identification": 0.45,
               "customer_value_weight": 0.25, "initial_integration_level": 2, "turnover_rate": 0.3, "wage": 800.0,
               "contacts_per_employee": 12.0, "base_monitoring": 0.5, "activist_share": 0.1, "contact_rate": 0.25,
               "self_service_quality": 0.55, "self_service_preference": 0.4, "purchase_rate": 0.3, "basket": 200.0,
               "base_churn_rate": 0.06, "voice": 0.35}
ORGANISATIONS = {"default": {}, "retail_bank": RETAIL_BANK}
TOLERANCE = 1e-12


def snapshot_runs() -> pd.DataFrame:
    """Every metric of every week: six roads x two organisations, seed 5, 104 weeks."""
    frames = []
    for organisation, params in ORGANISATIONS.items():
        for road in NAMED_ROADS:
            model = CentricityModel(road=road, seed=5, **SIZE, **params)
            model.run(WEEKS)
            frames.append(model.results().reset_index().assign(organisation=organisation, road=road))
    return pd.concat(frames, ignore_index=True)


def test_the_model_reproduces_the_numpy_snapshot():
    expected = pd.read_parquet(SNAPSHOT)
    actual = snapshot_runs()
    assert list(actual.columns) == list(expected.columns)
    numbers = [c for c in expected.columns if c not in ("organisation", "road")]
    a, e = actual[numbers].to_numpy(float), expected[numbers].to_numpy(float)
    same_nan = np.isnan(a) == np.isnan(e)
    assert same_nan.all(), "missing values differ"
    scale = np.maximum(np.abs(e), 1e-300)
    rel = np.where(np.isnan(e), 0.0, np.abs(a - e) / scale)
    worst = np.unravel_index(np.argmax(rel), rel.shape)
    row = expected.iloc[worst[0]]
    assert rel.max() <= TOLERANCE, (f"{numbers[worst[1]]} differs by {rel.max():.3g} relative in week "
                                    f"{row['step']} of {row['road']} ({row['organisation']})")


def test_the_kernels_run_as_plain_python_with_the_same_results(tmp_path):
    """NUMBA_DISABLE_JIT=1: the same functions, interpreted; a tiny size, every road."""
    script = ("import sys\n"
              "from sim import CentricityModel\n"
              "from sim.roads import NAMED_ROADS\n"
              "for road in NAMED_ROADS:\n"
              "    m = CentricityModel(road=road, seed=3, n_employees=30, n_customers=250, burn_in_weeks=3)\n"
              "    m.run(8)\n"
              "    m.results().to_parquet(f'{sys.argv[1]}-{road}.parquet')\n")
    for jit in ("0", "1"):
        env = {**os.environ, "NUMBA_DISABLE_JIT": jit}
        proc = subprocess.run([sys.executable, "-c", script, str(tmp_path / f"jit{jit}")], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
    for road in NAMED_ROADS:
        compiled = pd.read_parquet(tmp_path / f"jit0-{road}.parquet")
        interpreted = pd.read_parquet(tmp_path / f"jit1-{road}.parquet")
        pd.testing.assert_frame_equal(compiled, interpreted, rtol=TOLERANCE, atol=0)


def test_warm_up_compiles_every_kernel_the_model_uses(tmp_path):
    """After ``warm_up`` (what a sweep does before its workers start), other organisations,
    the competing-values side trips and every road compile no new kernel signature: the
    workers only load from the cache. In a fresh process with an empty cache."""
    script = ("from sim.kernels import kernels, warm_up\n"
              "from sim import CentricityModel\n"
              "from sim.roads import NAMED_ROADS\n"
              "from tests.test_kernels import RETAIL_BANK\n"
              "report = warm_up()\n"
              "assert report.compiled > 20 and report.loaded == 0, report\n"
              "def signatures():\n"
              "    return {name: len(k.signatures) for name, k in kernels().items()}\n"
              "before = signatures()\n"
              "trips = {'max_integration': 3, 'process_improvement': 0.5, 'job_research': 0.5}\n"
              "CentricityModel(road='competing_values', road_params=trips, seed=1, n_employees=40, n_customers=400).run(30)\n"
              "for road in NAMED_ROADS:\n"
              "    CentricityModel(road=road, seed=2, n_employees=40, n_customers=300, **RETAIL_BANK).run(12)\n"
              "new = {name: n - before.get(name, 0) for name, n in signatures().items() if n != before.get(name, 0)}\n"
              "assert not new, f'compiled after the warm-up: {new}'\n")
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]


def write_snapshot() -> None:
    """Write the snapshot of the model as it runs now (on purpose only: see the module docstring)."""
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    table = pa.Table.from_pandas(snapshot_runs(), preserve_index=False)
    meta = {**(table.schema.metadata or {}), b"made_by": f"commit {commit}, numpy {np.__version__}".encode()}
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table.replace_schema_metadata(meta), SNAPSHOT, compression="zstd")
    print(f"wrote {SNAPSHOT} ({SNAPSHOT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    if "--write" not in sys.argv:
        sys.exit("usage: python -m tests.test_kernels --write   (makes the snapshot again)")
    write_snapshot()


pytestmark = pytest.mark.slow
