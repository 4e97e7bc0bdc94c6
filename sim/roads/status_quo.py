"""No change programme: business as usual."""

from sim.roads.base import Road


class StatusQuo(Road):
    """Business as usual: the organisation's own pressure, rewards and budgets; no lever moves.

    Example:
        >>> StatusQuo().start_week
        0
    """

    name = "status_quo"
    title = "Status quo"
    summary = ("No change programme. Rewards lean toward efficiency and profit, pressure is "
               "what the business normally applies, and nothing is done to move people.")
    watch_for = "The baseline every road is compared with: it drifts only with the business itself."
