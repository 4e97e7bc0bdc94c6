"""The live page for change leads and teachers (``make app``): ``app`` (Solara) and ``explain``
(its plain-language texts). It uses the model; the model does not know it exists.
"""
