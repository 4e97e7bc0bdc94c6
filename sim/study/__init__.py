"""Studies of the model: the command line, its Hydra configs, sweeps, aggregation, figures and analyses.

``cli`` (``python -m sim``), ``config`` (the Hydra schemas built from the model's
declarations), ``sweep`` and ``records`` (sweeps that never lose a result), ``aggregate`` and
``plots`` (tables and figures), ``sensitivity`` (Sobol, Morris, LHS), ``where_roads_win``,
``attribution`` and ``roads_report`` (which road wins where, and which levers carry its lead).
The Hydra plugins in ``hydra_plugins/`` (where Hydra looks for them) drive the sweeps. Every
module here uses the model; the model uses none of them.
"""
