from __future__ import annotations

from tests.detect.support import active, feed, series, tick_until


def test_fires_when_the_stream_stops_for_a_window_and_clears_on_the_next_event() -> None:
    s = series("flatline", window="10m")
    assert active(feed(s, [(0, None), (60, None)])) == [False, False]
    assert tick_until(s, 600) == []
    [fired] = tick_until(s, 7200)
    assert fired.active
    assert 660 <= (fired.at or 0) <= 670
    assert active(feed(s, [(7300, None)])) == [False]


def test_below_n_catches_a_trickle() -> None:
    s = series("flatline", window="1m", below=3)
    assert active(feed(s, [(0, None), (1, None), (2, None)])) == [True, True, False]
