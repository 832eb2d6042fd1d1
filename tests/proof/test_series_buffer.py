"""The chart buffer keeps recent points of watched series, bounded, and hands tickets on."""

from __future__ import annotations

from alertd.ingest.event import Event
from alertd.proof.series import SeriesBuffer


def _point(t: float, name: str, host: str, value: float | None = 1.0) -> Event:
    return Event(t, "metric", name, value, {"host": host})


def test_a_full_buffer_still_extends_the_series_it_keeps_and_starts_no_other() -> None:
    buffer = SeriesBuffer({"cpu", "mem"}, max_series=2, max_points=10)
    buffer.observe_many([_point(0, "cpu", "a"), _point(0, "cpu", "b")])  # full now
    buffer.observe_many(
        [_point(1, "cpu", "a"), _point(1, "cpu", "c"), _point(1, "mem", "a"), _point(2, "cpu", "b")]
    )
    assert buffer.points("cpu", {"host": "a"}, 0, 10) == [(0, 1.0), (1, 1.0)]
    assert buffer.points("cpu", {"host": "b"}, 0, 10) == [(0, 1.0), (2, 1.0)]
    assert buffer.points("cpu", {"host": "c"}, 0, 10) == []
    assert buffer.points("mem", {"host": "a"}, 0, 10) == []


def test_tickets_come_back_in_order_and_unwatched_or_valueless_points_are_skipped() -> None:
    buffer = SeriesBuffer({"cpu"})
    first = Event(0, "ticket", "ticket_created", None, {"id": "1"})
    second = Event(2, "ticket", "ticket_created", None, {"id": "2"})
    tickets = buffer.observe_many(
        [first, _point(1, "disk", "a"), _point(1, "cpu", "a", None), second]
    )
    assert tickets == [first, second]
    assert buffer.points("cpu", {"host": "a"}, 0, 10) == []
    assert buffer.points("disk", {"host": "a"}, 0, 10) == []
