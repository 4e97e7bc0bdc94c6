"""The many-objective search for a road designed for an organisation: Platypus's epsilon-NSGA-II.

The decision variables are a :class:`~sim.search.policies.PolicySpace`'s (level, start week
and ramp per lever); the objectives are the policy's robust scores
(:mod:`sim.search.robustness`) on the outcomes chosen, by default five-year profit, mean
centricity and final satisfaction, each the lead over the status quo in all but the worst
tenth of the futures. The optimiser is epsilon-NSGA-II (Kollat & Reed 2006) from
Platypus-Opt, the library EMA Workbench's own ``optimize`` drives; it keeps an archive of
policies none of which is beaten on every objective by more than the objective's epsilon:
the Pareto set. Nothing here optimises by itself; this module feeds Platypus and keeps
the record.

**Common random numbers.** Every candidate meets the same futures with the same seeds
(``Futures``), so two candidates differ by their levers alone.

**Record and resume.** Each evaluated candidate is appended to ``evaluations.jsonl`` in the
search folder as soon as it is done (its variables and its outcomes in every future), with a
fingerprint of what it depends on (the lever space, the futures, the package version and the
source of the model and of the evaluation); only evaluations with the same fingerprint are
read back.
Platypus draws from Python's ``random``, seeded by the search's seed, so a search run again
with the same settings proposes the same candidates in the same order: those already in the
record are read back instead of run, and a search stopped by Ctrl-C resumes where it stopped.

**Where it runs.** Candidates of a generation are evaluated in parallel: by local processes
(``processes=N``, default 2) or on a Ray cluster (``evaluator=ray``, with the project's Ray
extra; ``RAY_ADDRESS`` names the cluster). A run stays on one core.

Example:
    >>> import tempfile
    >>> futures = Futures.sample(settings={"organisation": {"n_employees": 40, "n_customers": 300,
    ...                                                     "burn_in_weeks": 2}}, n=2, horizon=4)
    >>> space = PolicySpace(levers=("pressure", "participation"))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     result = search(space, futures, folder, nfe=8, population=4, processes=1, quiet=True)
    >>> result.convergence.nfe.tolist(), len(result.front) >= 1
    ([4, 8], True)
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.outcomes import HEADLINE, OUTCOMES
from sim.search.policies import PolicySpace
from sim.search.robustness import DEFAULT_ROBUSTNESS, Futures, parse_measure, robust_score

RECORD = "evaluations.jsonl"
#: The smallest difference in a robust score the archive tells apart (epsilon), per outcome:
#: a tenth of a week's wage bill for money (set per organisation), a fifth of the smallest
#: difference worth a word in the summaries (``sim.study.metrics``) for the 0-1 outcomes.
EPSILON = {"mean_centricity": 0.002, "final_satisfaction": 0.002, "final_commitment": 0.002,
           "mean_efficiency": 0.05}
#: Generations of the search a progress line is printed after (at least every ``PROGRESS_SECONDS``).
PROGRESS_SECONDS = 20.0


@dataclass
class SearchResult:
    """What a search found.

    Attributes:
        front: the Pareto set: one row per policy, its variables (``lever.level`` ...) and its
            robust score on each objective (``score.<outcome>``).
        outcomes: policy key -> its outcomes in every future (futures x ``OUTCOMES``), for every
            candidate evaluated (the front's keys included).
        keys: the front's policy keys, in ``front``'s row order.
        convergence: one row per generation: evaluations so far, the archive's size, its
            epsilon progress and hypervolume (normalised by the bounds of everything evaluated).
        first_generation: the keys of the random start (for comparisons with it).
        evaluated: candidates evaluated in all (read back from an earlier run included).
        variables: policy key -> its variables, for every candidate evaluated.
    """

    front: pd.DataFrame
    outcomes: dict[str, np.ndarray]
    keys: list[str]
    convergence: pd.DataFrame
    first_generation: list[str]
    evaluated: int
    variables: dict[str, list[float]]


def policy_key(x: Sequence[float]) -> str:
    """A candidate's key: a digest of its variables (rounded to 9 digits, so a read-back key matches)."""
    text = ",".join(f"{float(v):.9g}" for v in x)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def epsilons(objectives: Sequence[str], futures: Futures) -> list[float]:
    """The archive's epsilon per objective (see ``EPSILON``)."""
    org = futures.settings.get("organisation", {})
    from sim.params import Organisation

    wage = float(org.get("wage", Organisation.wage))
    heads = float(org.get("n_employees", Organisation.n_employees))
    money = 0.1 * wage * heads
    return [money if name == "cumulative_profit" else EPSILON[name] for name in objectives]


def _evaluate(futures: Futures, space: PolicySpace, x: list[float]) -> np.ndarray:
    """A candidate's outcomes in every future (run in a worker)."""
    return futures.evaluate_schedule(space.decode(x).schedule(futures.horizon))


class _Record:
    """The evaluations of a search folder: read back on start, appended as each is done."""

    def __init__(self, folder: Path, fingerprint: str):
        self.path = folder / RECORD
        self.done: dict[str, np.ndarray] = {}
        self.variables: dict[str, list[float]] = {}
        if self.path.exists():
            for line in self.path.read_text().splitlines():
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:   # a line cut short by a stop mid-write
                    continue
                if entry.get("fingerprint") == fingerprint:
                    self.done[entry["key"]] = np.array(entry["outcomes"], dtype=float)
                    self.variables[entry["key"]] = entry["x"]
        self.read_back = len(self.done)
        self.fingerprint = fingerprint

    def add(self, key: str, x: list[float], outcomes: np.ndarray) -> None:
        self.done[key] = outcomes
        self.variables[key] = list(x)
        with self.path.open("a") as f:
            f.write(json.dumps({"fingerprint": self.fingerprint, "key": key, "x": list(x),
                                "outcomes": outcomes.tolist()}) + "\n")


class _Evaluator:
    """Platypus's evaluator: candidates from the record, or run in parallel and recorded as each ends."""

    def __init__(self, space: PolicySpace, futures: Futures, record: _Record, score: Callable,
                 submit: Callable[..., Future] | None):
        self.space, self.futures, self.record, self.score, self.submit = space, futures, record, score, submit

    def evaluate_all(self, jobs, **kwargs):
        pending: dict[str, tuple[list[float], Future | None]] = {}
        for job in jobs:
            x = [float(v) for v in job.solution.variables]
            key = policy_key(x)
            if key in self.record.done or key in pending:
                continue
            future = self.submit(_evaluate, self.futures, self.space, x) if self.submit else None
            pending[key] = (x, future)
        running = {future: key for key, (x, future) in pending.items() if future is not None}
        for future in as_completed(running):     # recorded as each ends: a stop loses only those still running
            key = running[future]
            self.record.add(key, pending[key][0], future.result())
        for key, (x, future) in pending.items():
            if future is None:
                self.record.add(key, x, _evaluate(self.futures, self.space, x))
        for job in jobs:
            key = policy_key([float(v) for v in job.solution.variables])
            job.solution.objectives[:] = [-s for s in self.score(self.record.done[key])]
            job.solution.constraint_violation = 0.0
            job.solution.feasible = True
            job.solution.evaluated = True
        return jobs

    def close(self):
        pass


def search(space: PolicySpace, futures: Futures, folder: str | Path, nfe: int = 400, population: int = 20,
           objectives: Sequence[str] = HEADLINE, robustness: str = DEFAULT_ROBUSTNESS, seed: int = 0,
           processes: int = 2, evaluator: str = "processes", quiet: bool = False) -> SearchResult:
    """Search ``space`` for the Pareto set of robust scores over ``futures``; record in ``folder``.

    Args:
        nfe: candidates to evaluate (Platypus's budget; each is run in every future).
        population: epsilon-NSGA-II's population (and the size of the random start).
        objectives: which of ``sim.outcomes.OUTCOMES`` to search on (two or more).
        robustness: "p<q>" (the q-th percentile of the lead across futures) or "mean".
        seed: the optimiser's seed (Python's ``random``, which Platypus draws from).
        processes: local worker processes (1: in this process).
        evaluator: "processes" (this machine) or "ray" (a Ray cluster).
        quiet: no progress lines.

    Raises:
        ValueError: for an unknown objective or robustness measure, or a budget below the population.
    """
    from platypus import EpsNSGAII, InjectedPopulation, Problem, Real, Solution

    objectives = list(objectives)
    unknown = [o for o in objectives if o not in OUTCOMES]
    if unknown or len(objectives) < 2:
        raise ValueError(f"objectives = {','.join(objectives)}: name two or more of {', '.join(OUTCOMES)}")
    parse_measure(robustness)
    if population < 2 or nfe < population:
        raise ValueError(f"nfe = {nfe} must be at least the population ({population}, itself at least 2)")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    futures = futures.with_baseline()
    columns = [list(OUTCOMES).index(o) for o in objectives]

    def score(outcomes: np.ndarray) -> list[float]:
        return robust_score(futures.leads(outcomes)[:, columns], robustness).tolist()

    fingerprint = _fingerprint(space, futures)
    record = _Record(folder, fingerprint)
    problem = Problem(len(space.variables), len(objectives))
    problem.types[:] = [Real(v.low, v.high) for v in space.variables]
    pool, submit = _pool(evaluator, processes)
    random.seed(seed)   # after the pool: starting Ray draws from Python's random, which Platypus draws from
    try:
        # The random start includes business as usual, so the set found is never worse than standing still.
        usual = Solution(problem)
        usual.variables[:] = space.usual_point()
        algorithm = EpsNSGAII(problem, epsilons=epsilons(objectives, futures), population_size=population,
                              generator=InjectedPopulation([usual]),
                              evaluator=_Evaluator(space, futures, record, score, submit), log_frequency=None)
        tracker = _Tracker(algorithm, record, nfe, quiet)
        algorithm.run(nfe, callback=tracker)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    archive = list(algorithm.archive)
    keys = [policy_key(list(s.variables)) for s in archive]
    front = pd.DataFrame([list(map(float, s.variables)) for s in archive], columns=[v.name for v in space.variables])
    for j, name in enumerate(objectives):
        front[f"score.{name}"] = [-s.objectives[j] for s in archive]
    front.insert(0, "policy", keys)
    front = front.sort_values(f"score.{objectives[0]}", ascending=False, kind="stable").reset_index(drop=True)
    convergence = tracker.convergence(score)
    return SearchResult(front, dict(record.done), list(front.policy), convergence, tracker.first, len(record.done),
                        dict(record.variables))


def _fingerprint(space: PolicySpace, futures: Futures) -> str:
    """What a record's evaluations depend on: the space, the futures and the code that evaluates them
    (the package version and the source of the model and of the search's evaluation, but not of
    its report, so a change to how results are reported keeps the evaluations)."""
    from sim._version import __version__

    text = repr((__version__, _evaluation_source(), [(v.name, v.low, v.high) for v in space.variables],
                 sorted(space.usual.items()), json.dumps(futures.settings, sort_keys=True, default=str),
                 futures.table.round(9).values.tolist(), futures.seeds, futures.horizon))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _evaluation_source() -> str:
    """A digest of the source an evaluation runs: the model (``sim/*.py``, ``sim/roads/``) and
    ``sim/search``'s policies, uncertainties, robustness and this module."""
    root = Path(__file__).resolve().parents[1]
    files = sorted([*root.glob("*.py"), *(root / "roads").glob("*.py"),
                    *(root / "search" / f"{name}.py" for name in ("policies", "uncertainties", "robustness", "optimise"))])
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _pool(evaluator: str, processes: int):
    """(a pool to shut down or None, a submit function or None for this process)."""
    if evaluator == "ray":
        import ray

        if not ray.is_initialized():
            ray.init(ignore_reinit_error=True, log_to_driver=False)
        remote = ray.remote(_evaluate)
        return None, lambda fn, *args: remote.remote(*args).future()
    if evaluator != "processes":
        raise ValueError(f"evaluator = {evaluator!r} is not an evaluator; allowed: processes, ray")
    if processes < 1:
        raise ValueError(f"processes = {processes} is out of range; allowed range [1, ...]")
    if processes == 1:
        return None, None
    pool = ProcessPoolExecutor(max_workers=processes)
    return pool, pool.submit


class _Tracker:
    """Platypus's callback after each generation: the archive's history and a progress line."""

    def __init__(self, algorithm, record: _Record, nfe: int, quiet: bool):
        self.algorithm, self.record, self.nfe, self.quiet = algorithm, record, nfe, quiet
        self.started = time.monotonic()
        self.last_line = 0.0
        self.history: list[tuple[int, list[list[float]], int]] = []
        self.first: list[str] = []
        self.read_back = record.read_back

    def __call__(self, algorithm) -> None:
        if not self.first:
            self.first = [policy_key(list(s.variables)) for s in algorithm.population]
        archive = [list(s.objectives) for s in algorithm.archive]
        self.history.append((algorithm.nfe, archive, int(getattr(algorithm.archive, "improvements", 0))))
        now = time.monotonic()
        if self.quiet or (now - self.last_line < PROGRESS_SECONDS and algorithm.nfe < self.nfe):
            return
        self.last_line = now
        elapsed = now - self.started
        ran = max(len(self.record.done) - self.read_back, 0)
        left = ""
        if ran and algorithm.nfe < self.nfe:
            per = elapsed / ran
            left = f", about {_minutes(per * (self.nfe - algorithm.nfe))} left"
        again = f" ({self.read_back} read back from an earlier run)" if self.read_back else ""
        print(f"[sim] search: {algorithm.nfe}/{self.nfe} candidates{again}, Pareto set of {len(archive)}, "
              f"{_minutes(elapsed)} so far{left}", file=sys.stderr, flush=True)

    def convergence(self, score) -> pd.DataFrame:
        """Hypervolume of each generation's archive, normalised by the bounds of every candidate evaluated."""
        everything = [[-s for s in score(o)] for o in self.record.done.values()]
        volumes = hypervolumes([a for _, a, _ in self.history], everything)
        rows = [{"nfe": nfe, "archive": len(a), "epsilon_progress": eps, "hypervolume": v}
                for (nfe, a, eps), v in zip(self.history, volumes, strict=True)]
        return pd.DataFrame(rows)


def hypervolumes(point_sets: Sequence[Sequence[Sequence[float]]], everything: Sequence[Sequence[float]]) -> list[float]:
    """Platypus's hypervolume of each set's non-dominated points (objectives minimised), all normalised by
    the bounds of ``everything``, so the sets can be compared."""
    from platypus import Hypervolume, Problem, Solution, nondominated

    everything = np.asarray(everything, dtype=float)
    low, high = everything.min(axis=0), everything.max(axis=0)
    high = np.where(high > low, high, low + 1.0)
    indicator = Hypervolume(minimum=low.tolist(), maximum=high.tolist())
    problem = Problem(1, everything.shape[1])

    def volume(points) -> float:
        solutions = []
        for p in points:
            s = Solution(problem)
            s.objectives[:] = list(p)
            s.evaluated = True
            solutions.append(s)
        return float(indicator.calculate(nondominated(solutions))) if solutions else 0.0

    return [volume(points) for points in point_sets]


def start_volume(result: SearchResult, problem_objectives: Sequence[str], futures: Futures,
                 robustness: str = DEFAULT_ROBUSTNESS) -> tuple[float, float]:
    """(hypervolume of the random start's best, of the final Pareto set), on common bounds."""
    futures = futures.with_baseline()
    columns = [list(OUTCOMES).index(o) for o in problem_objectives]
    scores = {k: -robust_score(futures.leads(o)[:, columns], robustness) for k, o in result.outcomes.items()}
    start, end = hypervolumes([[scores[k] for k in result.first_generation], [scores[k] for k in result.keys]],
                              list(scores.values()))
    return start, end


def _minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"
