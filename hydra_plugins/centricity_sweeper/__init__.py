"""Hydra sweeper plugin for the centricity model: validation up front, resume, progress, aggregation."""
