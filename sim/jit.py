"""Compiled kernels: numba's ``njit`` with the project's settings, in one place.

The weekly update of the model runs in kernels that loop over the rows of the state
arrays once, beside the mechanism each implements (the customers' kernels in
``sim/customers.py``, and so on). Every kernel is compiled with the same settings:

* ``cache=True``: compiled once per machine and kept on disk beside the source, so a new
  process loads it in a fraction of a second (``warm_up`` compiles them all up front);
* no ``fastmath``: floating-point operations run in the order written, so results are
  the same bit for bit from run to run (and equal the numpy version of the model to the
  last bits of a sum, ``tests/test_kernels.py``);
* ``error_model="numpy"``: a division by zero gives inf or nan as numpy does, not an
  exception.

``NUMBA_DISABLE_JIT=1`` runs the same functions as plain Python (slowly): for a debugger,
and for the test that both give the same results.

Example (a kernel of the model, compiled or interpreted alike):
    >>> from sim.streams import RandomStreams, keyed_uniform
    >>> s = RandomStreams(seed=3)
    >>> float(s.at("voice", step=5, ids=[40])[0]) == keyed_uniform(s.keys("voice", 5)[0], 40)
    True
"""

from __future__ import annotations

import numba

#: The decorator of every kernel of the model.
njit = numba.njit(cache=True, fastmath=False, error_model="numpy", nogil=True)
