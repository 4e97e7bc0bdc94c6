"""The change roads (seed 002), each a policy over the shared levers; ``ROADS`` maps names to classes.

``NAMED_ROADS`` are the status quo and seed 002's five roads, which studies compare;
``ROADS`` also holds ``custom``, a road of your own that replays a schedule of levers.

Example:
    >>> sorted(ROADS)
    ['best_customer', 'competing_values', 'consumer_decision', 'custom', 'engineering', 'mission', 'status_quo']
    >>> NAMED_ROADS[0], len(NAMED_ROADS)
    ('status_quo', 6)
"""

from sim.roads.base import ChangeProgramme, Road
from sim.roads.best_customer import BestCustomer
from sim.roads.competing_values import CompetingValues
from sim.roads.consumer_decision import ConsumerDecision
from sim.roads.custom import Custom
from sim.roads.engineering import Engineering
from sim.roads.mission import Mission
from sim.roads.status_quo import StatusQuo

ROADS: dict[str, type[Road]] = {
    cls.name: cls for cls in (StatusQuo, Engineering, Mission, ConsumerDecision, BestCustomer, CompetingValues, Custom)
}
#: The status quo and the five roads of seed 002, in the order studies show them.
NAMED_ROADS: tuple[str, ...] = ("status_quo", "engineering", "mission", "consumer_decision", "best_customer",
                                "competing_values")

__all__ = ["ROADS", "NAMED_ROADS", "Road", "ChangeProgramme", "StatusQuo", "Engineering", "Mission",
           "ConsumerDecision", "BestCustomer", "CompetingValues", "Custom"]
