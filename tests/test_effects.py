"""Effect sizes (sim/effects.py): declared once with a class, a range and a reason; no bare
literal left in an update function or kernel; the ODD's tables generated from the declarations;
a run's values set, checked, recorded, and acting on the run."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import numpy as np
import pytest

from sim import CentricityModel
from sim.effects import ASSUMPTION, CLASSES, MODULES, EffectSizes, EffectValues, declared, effect, every_effect, update_odd

REPO = Path(__file__).resolve().parents[1]
TINY = {"n_employees": 30, "n_customers": 300, "burn_in_weeks": 4}

# Numbers that are numerical, not effect sizes: nothing, one, two, minus one, a half (a midpoint
# or the mean of two) and the weeks of a year; guards below 1e-6.
NUMERICAL = {0, 1, 2, -1, 0.5, 52}


def test_every_declaration_has_a_class_a_range_a_meaning_and_a_reason():
    effects = every_effect()
    assert len(effects) > 150, "the model's effect sizes are declared (issue 27 counted over 250 numbers)"
    for key, e in effects.items():
        assert e.kind in CLASSES, key
        assert e.meaning.strip() and e.reason.strip(), key
        assert np.all(e.low <= e.value) and np.all(e.value <= e.high), key
    assert len({e.key for e in effects.values()}) == len(effects)


def test_a_declaration_without_a_class_or_a_reason_is_refused():
    with pytest.raises(ValueError, match="class 'guess'"):
        EffectSizes("demo", "x", register=False, speed=effect(0.3, 0.1, 0.5, "guess", "a speed", "because"))
    with pytest.raises(ValueError, match="needs a meaning and a reason"):
        EffectSizes("demo", "x", register=False, speed=effect(0.3, 0.1, 0.5, ASSUMPTION, "a speed", " "))
    with pytest.raises(ValueError, match="outside its plausible range"):
        EffectSizes("demo", "x", register=False, speed=effect(0.7, 0.1, 0.5, ASSUMPTION, "a speed", "because"))
    with pytest.raises(ValueError, match="exceeds its allowed range"):
        EffectSizes("demo", "x", register=False,
                    speed=effect(0.3, 0.1, 0.5, ASSUMPTION, "a speed", "because", allowed=(0.2, 1.0)))


def test_the_odd_tables_are_generated_from_the_declarations():
    text = (REPO / "docs" / "ODD.md").read_text(encoding="utf-8")
    assert update_odd(text) == text, "docs/ODD.md is out of date: run `python -m sim.effects`"


def _bare_numbers(module) -> list[str]:
    """Numeric literals in the functions of ``module`` that are neither numerical nor on a line
    marked ``# numerical:``: each should be a declared effect size."""
    source = inspect.getsource(module)
    lines = source.splitlines()
    tree = ast.parse(source)
    found = []

    class Visitor(ast.NodeVisitor):
        def __init__(self):
            self.depth = 0

        def visit_FunctionDef(self, node):
            for default in node.args.defaults + node.args.kw_defaults:
                if default is not None:
                    self.check(default)
            self.depth += 1
            for stmt in node.body:
                self.visit(stmt)
            self.depth -= 1

        visit_AsyncFunctionDef = visit_FunctionDef

        def visit_Subscript(self, node):   # indices are positions, not sizes
            self.visit(node.value)

        def visit_Call(self, node):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in {"range", "empty", "zeros", "ones", "full", "reshape", "astype", "round", "dtype",
                        "float32", "int32", "int64"}:
                return
            self.generic_visit(node)

        def visit_Constant(self, node):
            if self.depth:
                self.check(node)

        def check(self, node):
            for sub in ast.walk(node):
                if not isinstance(sub, ast.Constant) or isinstance(sub.value, (bool, str, bytes)) or sub.value is None:
                    continue
                v = sub.value
                if not isinstance(v, (int, float)) or v in NUMERICAL or abs(v) < 1e-6:
                    continue
                line = lines[sub.lineno - 1]
                if "# numerical:" in line:
                    continue
                found.append(f"{module.__name__}:{sub.lineno}: {v!r} in `{line.strip()[:80]}`")

    Visitor().visit(tree)
    return found


@pytest.mark.parametrize("name", MODULES)
def test_no_bare_effect_size_is_left_in_an_update_function_or_kernel(name):
    found = _bare_numbers(importlib.import_module(name))
    assert not found, ("declare these in the module's EffectSizes (or mark a truly numerical one "
                       "'# numerical: why'):\n" + "\n".join(found))


def test_the_literal_test_catches_a_bare_number():
    import types

    module = types.ModuleType("sim_demo_literal")
    code = "def mechanism(x):\n    return 0.37 * x\n\ndef fine(x):\n    return 0.5 * x + 1e-12\n"
    path = REPO / "results" / "_literal_demo.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text(code)
    try:
        spec = importlib.util.spec_from_file_location("sim_demo_literal", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found = _bare_numbers(module)
    finally:
        path.unlink()
    assert len(found) == 1 and "0.37" in found[0]


def test_a_run_sets_checks_and_records_its_effect_sizes():
    with pytest.raises(ValueError, match="unknown effect size 'effects.customers.no_such'"):
        CentricityModel(effects={"customers.no_such": 1.0}, **TINY)
    with pytest.raises(ValueError, match="unknown effect-size group 'effects.nowhere'"):
        CentricityModel(effects={"nowhere.x": 1.0}, **TINY)
    with pytest.raises(ValueError, match=r"'effects.networks.weak_tie_weight' = 2.0 is out of range; allowed range \[0.0, 1.0\]"):
        CentricityModel(effects={"networks.weak_tie_weight": 2.0}, **TINY)
    m = CentricityModel(effects={"networks": {"weak_tie_weight": 0.3}}, seed=2, **TINY)
    assert m.effects.networks.weak_tie_weight == 0.3
    assert m.config()["effects"] == {"networks.weak_tie_weight": 0.3}
    again = CentricityModel.from_config(m.config())
    assert again.effects.overrides == m.effects.overrides


def test_the_same_effect_sizes_and_seed_give_the_same_run_and_other_ones_another():
    fx = {"networks.weak_tie_weight": 0.25}
    a = CentricityModel(seed=3, effects=fx, **TINY)
    a.run(8)
    b = CentricityModel(seed=3, effects=dict(fx), **TINY)
    b.run(8)
    base = CentricityModel(seed=3, **TINY)
    base.run(8)
    assert a.results().equals(b.results())
    assert not a.results().equals(base.results())


def test_a_settled_start_is_reused_only_for_the_same_effect_sizes():
    kwargs = dict(seed=4, n_employees=31, n_customers=310, burn_in_weeks=6)
    first = CentricityModel.settled(road="mission", effects={"networks.weak_tie_weight": 0.3}, **kwargs)
    other = CentricityModel.settled(road="mission", **kwargs)
    direct = CentricityModel(road="mission", **kwargs)
    for m in (first, other, direct):
        m.run(4)
    assert other.results().equals(direct.results())
    assert not first.results().equals(other.results())


def _at_edge(e):
    """An override of ``e`` at the end of its plausible range farther from its value."""
    if e.is_table:
        return (e.high if np.sum(np.abs(e.high - e.value)) >= np.sum(np.abs(e.value - e.low)) else e.low).tolist()
    return float(e.high if abs(e.high - e.value) >= abs(e.value - e.low) else e.low)


def _every_lever_half_way(**levers):
    """A schedule that moves every lever half way from its usual value to the top of its range
    (every switch on) from week 1, or to ``levers``: mechanisms no named road uses act too."""
    import pandas as pd

    from sim.levers import LEVERS, SWITCHES

    plan = {"week": [1]}
    for name, spec in LEVERS.items():
        half_way = spec["default"] + 0.5 * (spec["high"] - spec["default"])
        plan[name] = [1.0 if name in SWITCHES else round(half_way) if spec["type"] is int else half_way]
    plan.update({name: [value] for name, value in levers.items()})
    return pd.DataFrame(plan)


# Where each effect size can act: the named roads and a schedule of levers, in a small
# organisation; then, for those that have not, a larger and longer one on the matrix rung (quits,
# headcount cuts, cross-functional ties, repeated alarms); a fast climb from rung 0 to the segment
# managers (an unprepared matrix, research at rung 4); an organisation with no front line
# (contacts nobody answers).
CASES = (
    (TINY, 30, {}),
    ({"n_employees": 200, "n_customers": 1500, "burn_in_weeks": 4, "initial_integration_level": 3,
      "turnover_rate": 0.5}, 80, {}),
    (TINY, 30, {"integration_target": 4, "ladder_pace": 2}),
    ({"n_employees": 10, "n_customers": 300, "burn_in_weeks": 2, "share_front_line": 0.05, "share_sales": 0.16,
      "share_marketing": 0.1, "share_operations": 0.2}, 10, {}),
)


@pytest.mark.slow
def test_every_declared_effect_size_acts_on_a_run():
    """Set each effect size to the far end of its range: some run must change (one with it
    unread, or read from a copy of the declared value, would not)."""
    from sim.roads import NAMED_ROADS

    def runs(effects, params, weeks, levers):
        plan = _every_lever_half_way(**levers)
        out = []
        for road, road_params in [*((r, None) for r in NAMED_ROADS), ("custom", {"schedule": plan})]:
            m = CentricityModel.settled(road=road, road_params=road_params, seed=1, effects=effects, **params)
            m.run(weeks)
            out.append(m.results().to_numpy())
        return out

    silent = [k for k, e in every_effect().items() if np.any(e.high > e.low)]
    for params, weeks, levers in CASES:
        base = runs(None, params, weeks, levers)
        still = []
        for key in silent:
            changed = runs({key: _at_edge(every_effect()[key])}, params, weeks, levers)
            if all(np.array_equal(a, b, equal_nan=True) for a, b in zip(base, changed, strict=True)):
                still.append(key)
        silent = still
    assert not silent, f"effect sizes that change no run: {silent}"


def test_every_group_is_declared_in_the_module_named_for_it():
    for group, sizes in declared().items():
        module = importlib.import_module(f"sim.{group}")
        assert any(v is sizes for v in vars(module).values()), group
    assert list(declared()) == [m.rsplit(".", 1)[1] for m in MODULES]
    assert EffectValues().key() == ()


def test_the_command_line_checks_an_effect_size_before_anything_runs():
    from sim.study.config import validate
    from sim.study.inputs import check_overrides

    assert check_overrides(["+effects.customers.promoter=0.8"]) == []
    assert check_overrides(["+effects.customers.promoter=2"]) == [
        "effect size 'effects.customers.promoter' = 2.0 is out of range; allowed range [0.0, 1.0]"]
    assert check_overrides(["+effects.customers.promotr=0.8"]) == [
        "unknown effect size 'effects.customers.promotr'; did you mean 'effects.customers.promoter'?"]
    checked = validate({"steps": 4, "effects": {"customers": {"promoter": 0.8}}})
    assert checked["effects"] == {"customers.promoter": 0.8}
    assert CentricityModel.from_config({**checked, "organisation": {**checked["organisation"], **TINY}}
                                       ).effects.customers.promoter == 0.8
    assert "effects" not in validate({"steps": 4})   # a run at the declared values keeps its fingerprint
