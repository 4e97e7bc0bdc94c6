"""Hydra sweeper plugin ``hydra/sweeper=design``: Latin hypercube, Sobol (Saltelli) and Morris designs."""
