"""The examples in the docstrings of the core modules run and give what they say."""

import doctest
import importlib

import pytest

CORE = ["sim.model", "sim.params", "sim.streams", "sim.population", "sim.arrays", "sim.agents", "sim.roads",
        "sim.roads.base", "sim.roads.status_quo", "sim.roads.engineering", "sim.roads.mission",
        "sim.roads.consumer_decision", "sim.roads.best_customer", "sim.roads.competing_values", "sim.roads.custom",
        "sim.roads.rules", "sim.levers", "sim.organisation", "sim.management", "sim.early_warning"]


@pytest.mark.parametrize("name", CORE)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
