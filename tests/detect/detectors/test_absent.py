from __future__ import annotations

from tests.detect.support import active, feed, series, tick_until


def test_fires_exactly_after_the_silence_whatever_the_tick_cadence() -> None:
    coarse, fine = series("absent", after="5m"), series("absent", after="5m")
    feed(coarse, [(0.0, None)])
    feed(fine, [(0.0, None)])
    [c] = tick_until(coarse, 3600)
    fine_flips = [v for now in range(0, 3600, 7) for v in tick_until(fine, float(now))]
    assert c.active
    assert c.at == 300
    assert [v.at for v in fine_flips] == [300]


def test_an_event_clears_it_and_restarts_the_timer() -> None:
    s = series("absent", after="1m")
    feed(s, [(0.0, None)])
    tick_until(s, 100)
    assert active(feed(s, [(120.0, None)])) == [False]
    assert s.next_due() == 180


def test_a_late_event_does_not_clear_a_current_silence() -> None:
    s = series("absent", after="1m")
    feed(s, [(100.0, None)])
    tick_until(s, 500)
    assert active(feed(s, [(50.0, None)])) == [True]


def test_a_stream_that_never_started_counts_from_the_first_tick() -> None:
    s = series("absent", after="1m")
    assert tick_until(s, 1000) == []
    [fired] = tick_until(s, 2000)
    assert fired.at == 1060
