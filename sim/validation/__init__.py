"""Validation: the twelve patterns of DOMAIN.md as paired experiments, and the report.

``patterns`` defines each pattern's experiment and verdict once (the tests in
``tests/validation`` run them at a small scale); ``report`` runs them at the report's scale
and writes docs/VALIDATION.md (``python -m sim.validation``). It uses the model and the
study's figure style; the model does not know it exists.
"""
