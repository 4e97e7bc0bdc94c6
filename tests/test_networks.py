"""The internal small-world network and the word-of-mouth network."""

import numpy as np

from sim.customers import SEGMENTS
from sim.networks import EmployeeNetwork, PoolBySegment, WordOfMouthNetwork, assign_functions
from tests.helpers import tiny_model


def _network(seed=0, n=400, cross=1.0):
    function = assign_functions(n, [0.4, 0.15, 0.1, 0.2])
    return function, EmployeeNetwork(function, 6, 0.1, cross, np.random.default_rng(seed))


def test_employee_network_is_undirected_without_self_loops():
    _, net = _network()
    pairs = set(zip(net.src.tolist(), net.dst.tolist(), strict=True))
    assert all((b, a) in pairs for a, b in pairs)
    assert (net.src != net.dst).all()
    assert 5.0 < net.degree.mean() < 9.0


def test_employee_network_is_denser_within_a_function_and_clustered():
    function, net = _network()
    within = (function[net.src] == function[net.dst]).mean()
    assert within > 0.7
    # clustering well above a random graph of the same density (small world)
    adj = np.zeros((net.n_seats, net.n_seats), dtype=bool)
    adj[net.src, net.dst] = True
    a = adj.astype(float)
    triangles = np.einsum("ij,jk,ki->i", a, a, a)
    k = a.sum(1)
    clustering = np.mean(np.where(k > 1, triangles / np.maximum(k * (k - 1), 1), 0))
    assert clustering > 5 * k.mean() / net.n_seats


def test_a_seed_fixes_the_networks():
    _, a = _network(seed=3)
    _, b = _network(seed=3)
    _, c = _network(seed=4)
    np.testing.assert_array_equal(a.src, b.src)
    assert len(a.src) != len(c.src) or not np.array_equal(a.src, c.src)
    m1, m2 = tiny_model(seed=9), tiny_model(seed=9)
    np.testing.assert_array_equal(m1.customers.network.ties, m2.customers.network.ties)


def test_more_integration_means_more_cross_function_ties():
    function, low = _network(cross=1.0)
    _, high = _network(cross=3.0)
    cross = lambda net: (function[net.src] != function[net.dst]).sum()  # noqa: E731
    assert cross(high) > 1.5 * cross(low)


def test_strong_ties_stay_within_the_segment():
    model = tiny_model()
    net, seg = model.customers.network, model.customers.people.segment
    rows = model.customers.people.active_rows()
    ties, strong = net.ties[rows], net.strong[rows]
    own = np.broadcast_to(seg[rows][:, None], ties.shape)
    assert (seg[ties[strong]] == own[strong]).all()
    weak = (ties >= 0) & ~strong
    assert (seg[ties[weak]] == own[weak]).mean() < 0.6  # weak ties cross segments
    assert len(np.unique(seg[rows])) == len(SEGMENTS)


def test_word_of_mouth_reaches_about_the_asked_number_of_ties():
    net = WordOfMouthNetwork(3, 5, capacity=2000)
    rng = np.random.default_rng(1)
    rows = np.arange(2000)
    net.connect(rows, rng.integers(0, 4, 2000), rows, rng.random((2000, 8)))
    talkers = np.arange(0, 2000, 2)
    told, senders, unsent = net.spread(talkers, np.full(len(talkers), 3.0), rng.random(len(talkers)))
    assert abs(len(told) / len(talkers) - 3.0) < 0.4
    assert set(senders.tolist()) <= set(talkers.tolist())
    assert (net.degree <= net.slots).all()
    _, _, unsent = net.spread(talkers[:10], np.full(10, 100.0), rng.random(10))
    assert (unsent > 0).all(), "reach beyond the network is broadcast outside it"


def test_pool_by_segment_kept_up_to_date_equals_a_fresh_grouping():
    rng = np.random.default_rng(5)
    segment = rng.integers(0, 4, 400).astype(np.int8)
    present = np.zeros(400, dtype=bool)
    present[:300] = True
    pool = PoolBySegment(np.arange(300), segment, n_segments=4)
    for start in (300, 340, 380):
        present[rng.choice(start, 25, replace=False)] = False          # some leave
        pool.keep(present)
        new = np.arange(start, start + 20)                              # newcomers arrive
        present[new] = True
        pool.add(new, segment)
        fresh = PoolBySegment(np.flatnonzero(present), segment, n_segments=4)
        np.testing.assert_array_equal(pool.ids, fresh.ids)
        np.testing.assert_array_equal(pool.starts, fresh.starts)
