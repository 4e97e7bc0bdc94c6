"""The live page for change leads and teachers (``make app``): ``app`` (the Solara page),
``explorer`` (its model: a road and its twin on the same seed), ``charts`` (the figures,
redrawn by blitting), ``play`` (weeks at a chosen pace, up to a horizon) and ``explain``
(its plain-language texts). It uses the model; the model does not know it exists.
"""
