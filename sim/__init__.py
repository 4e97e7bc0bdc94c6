"""Customer-centric change under competing values: an agent-based model (Mesa).

Example:
    >>> from sim import CentricityModel, ROADS
    >>> "competing_values" in ROADS
    True
"""

__version__ = "0.1.0"

from sim.model import CentricityModel  # noqa: E402
from sim.roads import ROADS  # noqa: E402

__all__ = ["CentricityModel", "ROADS", "__version__"]
