"""A road designed for an organisation: a robust search over the lever space, and the field's tools.

* ``sim.search.policies``: a designed policy (level, start week, ramp per lever) and its schedule;
* ``sim.search.uncertainties``: what is uncertain about an organisation, sampled as scenarios;
* ``sim.search.robustness``: a policy's paired lead over the status quo across those scenarios;
* ``sim.search.optimise``: the many-objective search (Platypus's epsilon-NSGA-II);
* ``sim.search.report``: the Pareto set in words, the named roads against it, PRIM's box;
* ``sim.search.ema``: the model for EMA Workbench users.

``python -m sim.search scenario=retail_bank`` runs it (``make search``); docs/SEARCH.md shows it.
"""
