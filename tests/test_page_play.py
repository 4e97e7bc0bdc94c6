"""The page's play loop (sim/page/play.py) on a simulated clock: pace, redraws, horizon.

A fake model costs ``step_s`` of simulated time per week and a redraw ``redraw_s``; the
loop's sleeps advance the same clock. So the tests check the schedule itself, exactly,
with no timing of this machine in them.
"""

from __future__ import annotations

import pytest

from sim.page.play import DEFAULT_SPEED, MAX_GAP, SPEEDS, play, speed_named


class Clock:
    def __init__(self):
        self.now = 0.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.now += seconds
        self.slept += seconds


class FakeModel:
    def __init__(self, clock: Clock, step_s: float):
        self.clock, self.step_s, self.steps = clock, step_s, 0

    def step(self) -> None:
        self.steps += 1
        self.clock.now += self.step_s


def run(weeks_per_second, horizon=200, step_s=0.003, redraw_s=0.02, keep_going=lambda: True):
    clock = Clock()
    model = FakeModel(clock, step_s)
    drawn: list[tuple[int, float]] = []

    def redraw():
        clock.now += redraw_s
        drawn.append((model.steps, clock.now))

    played = play(model, redraw, weeks_per_second, horizon, keep_going=keep_going, clock=clock, sleep=clock.sleep)
    return model, drawn, clock, played


def test_play_stops_at_the_horizon_and_shows_the_last_week():
    for speed in SPEEDS:
        model, drawn, _, played = run(speed.weeks_per_second, horizon=37)
        assert model.steps == played == 37 and drawn[-1][0] == 37, speed
        assert [w for w, _ in drawn] == sorted({w for w, _ in drawn}), "no week drawn twice"
    model, drawn, _, played = run(10.0, horizon=0)
    assert played == 0 and drawn == []


def test_a_slow_pace_shows_every_week_and_keeps_time():
    model, drawn, clock, _ = run(4.0, horizon=20)
    assert [w for w, _ in drawn] == list(range(1, 21))
    assert clock.now == pytest.approx(20 / 4.0)  # week k is shown at k / 4 seconds
    assert clock.slept > 0.8 * clock.now


def test_a_fast_pace_is_kept_by_redrawing_less_often():
    # A redraw (40 ms) costs more than a week's slot at 30 weeks a second (33 ms).
    model, drawn, clock, _ = run(30.0, horizon=300, redraw_s=0.040)
    assert 300 / clock.now == pytest.approx(30.0, rel=0.05)  # the pace promised
    assert 300 / 3 <= len(drawn) < 300  # not every week, but most of the redraws the time allows
    gaps = [b - a for (_, a), (_, b) in zip(drawn, drawn[1:], strict=False)]
    assert max(gaps) <= MAX_GAP + 0.040 + 0.003


def test_flat_out_redraws_at_most_every_max_gap():
    model, drawn, clock, _ = run(None, horizon=2000, redraw_s=0.05)
    assert clock.slept == 0
    assert len(drawn) <= clock.now / MAX_GAP + 2
    assert 2000 / clock.now > 200  # mostly stepping: far faster than any pace


def test_pause_and_a_new_pace_apply_at_once():
    count = {"asked": 0}

    def keep_going():
        count["asked"] += 1
        return count["asked"] <= 12

    model, drawn, _, played = run(10.0, keep_going=keep_going)
    assert played == model.steps == 12 and drawn[-1][0] == 12

    clock = Clock()
    model = FakeModel(clock, 0.001)
    pace = {"now": 1.0}

    def redraw():
        if model.steps == 5:
            pace["now"] = 100.0  # faster from week 5 on

    play(model, redraw, lambda: pace["now"], 105, clock=clock, sleep=clock.sleep)
    assert clock.now == pytest.approx(5 / 1.0 + 100 / 100.0, rel=0.02)


def test_speeds_are_named_in_words():
    assert DEFAULT_SPEED.weeks_per_second >= 25
    assert speed_named("slow: one week a second").weeks_per_second == 1.0
    assert all(" a second" in s.name or "fast as it goes" in s.name for s in SPEEDS)
    with pytest.raises(ValueError, match="allowed: slow"):
        speed_named("warp")
