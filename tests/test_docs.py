"""The examples in the docstrings of the core and study modules run and give what they say."""

import doctest
import importlib

import pytest

CORE = ["sim.model", "sim.outcomes", "sim.params", "sim.streams", "sim.population", "sim.arrays", "sim.agents", "sim.roads",
        "sim.roads.base", "sim.roads.status_quo", "sim.roads.engineering", "sim.roads.mission",
        "sim.roads.consumer_decision", "sim.roads.best_customer", "sim.roads.competing_values", "sim.roads.custom",
        "sim.roads.rules", "sim.levers", "sim.organisation", "sim.management", "sim.early_warning", "sim.jit",
        "sim.kernels", "sim.networks", "sim.accounting", "sim.history"]
# The study's modules whose examples need no sweep folder (the others mark theirs +SKIP).
STUDY = ["sim.study.metrics", "sim.study.context", "sim.study.findings", "sim.study.brief", "sim.study.reference",
         "sim.study.inputs", "sim.study.plots", "sim.study.config", "sim.study.stats", "sim.study.records",
         "sim.study.aggregate", "sim.study.sweep", "sim.validation.tables"]


@pytest.mark.parametrize("name", CORE + STUDY)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_odd_names_every_lever_and_every_road_parameter():
    """docs/ODD.md describes the model as it runs: each lever and each road's parameters appear in it."""
    from pathlib import Path

    from sim.levers import LEVERS
    from sim.roads import ROADS

    text = (Path(__file__).resolve().parent.parent / "docs" / "ODD.md").read_text()
    missing = [name for name in LEVERS if f"`{name}`" not in text]
    missing += [f"{road}.{name}" for road, cls in ROADS.items() for name in cls.declared() if f"`{name}`" not in text]
    assert not missing, f"not in docs/ODD.md: {missing}"
