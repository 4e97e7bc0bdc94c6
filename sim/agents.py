"""Mesa agents as views on array rows: ``Employee`` and ``Customer``.

State lives in numpy arrays on the model (see ``sim.population``); an agent object reads
and writes its own row, so ``model.agents_by_type[Employee]`` works as in any Mesa model
while the weekly update runs on whole arrays. A view knows its agent by id and finds the
row when read, since rows move up when those who left are dropped. Views are created when
first asked for (``model.agents_by_type``), which keeps start-up cheap at 100,000+ customers.

Example:
    >>> from sim import CentricityModel
    >>> from sim.agents import Employee
    >>> m = CentricityModel(n_employees=40, n_customers=200, seed=1)
    >>> e = next(iter(m.agents_by_type[Employee]))
    >>> e.support_state in ("active_resistance", "passive_resistance", "compliance",
    ...                     "cooperation", "championing")
    True
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.customers import SEGMENTS
from sim.employees import SUPPORT_STATES
from sim.levers import TIERS
from sim.networks import FUNCTIONS


def sync_views(model, cls, population, views: dict) -> None:
    """Make ``views`` (agent id -> view of class ``cls``) the views of the agents present in
    ``population``: a view for each newcomer, and the views of those who left removed from Mesa."""
    present = population.ids[population.active_rows()]
    for agent_id in present[~np.isin(present, np.fromiter(views, np.int64, len(views)))]:
        views[int(agent_id)] = cls(model, int(agent_id))
    if len(views) > len(present):
        known = np.fromiter(views, np.int64, len(views))
        for agent_id in known[~np.isin(known, present)]:
            views.pop(int(agent_id)).remove()


class ArrayField:
    """An agent attribute that is one cell of a population array."""

    def __init__(self, doc: str = "", array: str | None = None):
        self.__doc__ = doc
        self.array = array

    def __set_name__(self, owner, name):
        self.array = self.array or name

    def __get__(self, agent, owner=None):
        if agent is None:
            return self
        value = getattr(agent.population, self.array)[agent.row]
        return value.item() if hasattr(value, "item") and getattr(value, "ndim", 0) == 0 else value

    def __set__(self, agent, value):
        getattr(agent.population, self.array)[agent.row] = value


class ArrayAgent(mesa.Agent):
    """A Mesa agent whose state is its row in ``population``, found by its id when read."""

    population = None   # set by each view: the Population it reads

    @property
    def row(self) -> int:
        """The agent's row in the state arrays now (rows move up when those who left are dropped)."""
        row = int(self.population.rows_of([self.agent_id])[0])
        if row < 0:
            raise LookupError(f"{type(self).__name__.lower()} {self.agent_id} has left and its row is no longer held")
        return row

    @property
    def present(self) -> bool:
        row = int(self.population.rows_of([self.agent_id])[0])
        return row >= 0 and bool(self.population.active[row])


class Employee(ArrayAgent):
    """One employee: a view on the row of agent ``agent_id`` in ``model.workforce.people``."""

    affective = ArrayField("affective commitment to the change, [0, 1]")
    normative = ArrayField("normative commitment, [0, 1]")
    continuance = ArrayField("continuance commitment / compliance motivation, [0, 1]")
    efficacy = ArrayField("change efficacy, [0, 1]")
    readiness = ArrayField("readiness for change, [0, 1]")
    dispositional_resistance = ArrayField("dispositional resistance to change, [0, 1]")
    identification = ArrayField("identification with the company, [0, 1]")
    engagement = ArrayField("engagement, [0, 1]")
    skill = ArrayField("skill, [0, 1]")
    workload = ArrayField("workload relative to capacity (1 = full)")
    felt_tension = ArrayField("felt tension, [0, 1]")
    tenure = ArrayField("weeks with the company")
    orientation = ArrayField("customer-oriented behaviour, [0, 1]")
    effort = ArrayField("effort, [0, 1]")
    values = ArrayField("weights on customer, efficiency and profit (sum to 1)")
    seat = ArrayField("seat in the internal network")

    def __init__(self, model, agent_id: int):
        super().__init__(model)
        self.agent_id = agent_id
        self.population = model.workforce.people


    @property
    def function(self) -> str:
        return FUNCTIONS[int(self.population.function[self.row])]

    @property
    def support_state(self) -> str:
        """One of active_resistance, passive_resistance, compliance, cooperation, championing."""
        return SUPPORT_STATES[int(self.population.support_state[self.row])]



class Customer(ArrayAgent):
    """One customer: a view on the row of agent ``agent_id`` in ``model.customers.people``."""

    activist = ArrayField("an activist customer (seed 001)")
    expectation = ArrayField("expected quality, [0, 1]")
    perceived_technical = ArrayField("perceived product quality ('thinginess'), [0, 1]")
    perceived_functional = ArrayField("perceived process quality ('personable-ness'), [0, 1]")
    performance = ArrayField("perceived performance: both layers weighted by needs, [0, 1]")
    satisfaction = ArrayField("satisfaction, [0, 1]")
    trust = ArrayField("trust, [0, 1]")
    recency = ArrayField("weeks since the last purchase")
    frequency = ArrayField("purchases per week (smoothed)")
    monetary = ArrayField("spend per purchase (smoothed)")
    rfm_score = ArrayField("RFM score, 3..15")
    channel_preference = ArrayField("probability of trying self-service first")
    churn_hazard = ArrayField("weekly probability of leaving")
    need_person = ArrayField("weight of the personable layer in the customer's needs")

    def __init__(self, model, agent_id: int):
        super().__init__(model)
        self.agent_id = agent_id
        self.population = model.customers.people


    @property
    def segment(self) -> str:
        return SEGMENTS[int(self.population.segment[self.row])]

    @property
    def tier(self) -> str:
        return TIERS[int(self.population.tier[self.row])]

