"""Pattern 6: word of mouth is asymmetric. The dissatisfied talk more per person, yet positive
word of mouth is more frequent overall (roughly 3-4 : 1), and a small dissatisfied minority
costs disproportionate value.

Sources: East, Hammond & Wright (2007), the relative incidence of positive and negative word
of mouth; Goldenberg, Libai, Moldovan & Muller (2007), the NPV of bad news.
"""

import numpy as np
import pytest

from tests.validation.runs import SEEDS, interval, run

pytestmark = [pytest.mark.validation, pytest.mark.xdist_group("status_quo")]


def _total(df, column):
    return df[column].iloc[1:].sum()


def test_positive_word_of_mouth_outnumbers_negative():
    ratio = np.array([_total(run("status_quo", s), "wom_positive") / _total(run("status_quo", s), "wom_negative")
                      for s in SEEDS])
    lo, hi = interval(ratio)
    assert 2.5 <= lo and hi <= 5.0, f"positive:negative messages should be about 3-4 : 1; CI [{lo:.2f}, {hi:.2f}]"


def test_the_dissatisfied_tell_more_people_each():
    per_negative = np.array([_total(run("status_quo", s), "wom_negative") /
                             _total(run("status_quo", s), "wom_negative_talkers") for s in SEEDS])
    per_positive = np.array([_total(run("status_quo", s), "wom_positive") /
                             _total(run("status_quo", s), "wom_positive_talkers") for s in SEEDS])
    assert interval(per_negative / per_positive)[0] > 1.5


def test_a_small_dissatisfied_minority_costs_disproportionate_value():
    """Revenue lost to negative word of mouth (paired: same runs with it switched off) is
    more than twice the weekly share of dissatisfied customers."""
    leverage = []
    for s in SEEDS:
        base = run("status_quo", s)
        quiet = run("status_quo", s, negative_talk=0.0)
        lost = 1.0 - _total(base, "revenue") / _total(quiet, "revenue")
        minority = (base.dissatisfied / base.customers_active).iloc[1:].mean()
        assert minority < 0.05, "the dissatisfied should be a small minority in any week"
        leverage.append(lost / minority)
    lo, hi = interval(np.array(leverage))
    assert lo > 2.0, f"value lost / dissatisfied share should exceed 2; CI [{lo:.2f}, {hi:.2f}]"
