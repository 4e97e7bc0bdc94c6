"""Customer-centric change under competing values: an agent-based model (Mesa).

Example:
    >>> from sim import CentricityModel, ROADS
    >>> "competing_values" in ROADS
    True
"""

from sim._version import __version__
from sim.model import CentricityModel
from sim.roads import ROADS

__all__ = ["CentricityModel", "ROADS", "__version__"]
