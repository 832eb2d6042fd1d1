"""BucketWindow: fixed memory, order independence, exact drain instants."""

from __future__ import annotations

import random

from alertd.detect.windows import BucketWindow


def test_totals_do_not_depend_on_arrival_order_within_the_window() -> None:
    points = [(1000.0 + i * 7.0, float(i)) for i in range(40)]
    shuffled = points[:]
    random.Random(1).shuffle(shuffled)
    in_order, out_of_order = BucketWindow(300.0), BucketWindow(300.0)
    for t, v in points:
        in_order.add(t, total=v)
    for t, v in shuffled:
        out_of_order.add(t, total=v)
    # the shuffled feed saw its latest time early and dropped points older than the window
    late_start = max(t for t, _ in points) - 300.0
    expected = BucketWindow(300.0)
    for t, v in points:
        if t > late_start + 5.0:
            expected.add(t, total=v)
    assert out_of_order.totals().count <= in_order.totals().count
    assert in_order.totals().count == expected.totals().count


def test_points_older_than_the_window_are_dropped() -> None:
    window = BucketWindow(60.0)
    assert window.add(1000.0)
    assert not window.add(900.0)
    assert window.totals().count == 1


def test_memory_stays_bounded_whatever_the_rate() -> None:
    window = BucketWindow(60.0, resolution=10)
    for i in range(100_000):
        window.add(i * 0.01)
    assert len(window._buckets) <= 11


def test_drain_instant_is_when_the_oldest_bucket_leaves() -> None:
    window = BucketWindow(60.0, resolution=6)
    window.add(5.0)
    due = window.drains_at()
    assert due == 60.0
    window.advance(due - 0.001)
    assert window.totals().count == 1
    window.advance(due)
    assert window.totals().count == 0
    assert window.drains_at() is None
