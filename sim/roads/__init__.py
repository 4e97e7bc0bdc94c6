"""The change roads (seed 002), each a plug-in; ``ROADS`` maps names to classes.

Example:
    >>> sorted(ROADS)
    ['best_customer', 'competing_values', 'consumer_decision', 'engineering', 'mission', 'status_quo']
"""

from sim.roads.base import ChangeProgramme, Road
from sim.roads.best_customer import BestCustomer
from sim.roads.competing_values import CompetingValues, EarlyWarningMonitor
from sim.roads.consumer_decision import ConsumerDecision
from sim.roads.engineering import Engineering
from sim.roads.mission import Mission
from sim.roads.status_quo import StatusQuo

ROADS: dict[str, type[Road]] = {
    cls.name: cls for cls in (StatusQuo, Engineering, Mission, ConsumerDecision, BestCustomer, CompetingValues)
}

__all__ = ["ROADS", "Road", "ChangeProgramme", "EarlyWarningMonitor", "StatusQuo", "Engineering",
           "Mission", "ConsumerDecision", "BestCustomer", "CompetingValues"]
