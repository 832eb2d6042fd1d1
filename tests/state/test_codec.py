"""State snapshots round-trip without pickle and refuse foreign classes."""

from __future__ import annotations

from collections import deque

import msgspec
import pytest

from alertd.detect.detectors.threshold import ThresholdParams, ThresholdSeries
from alertd.state.codec import StateCodecError, encode_state, restore_state


class _Window:
    __slots__ = ("points", "sums", "total")

    def __init__(self) -> None:
        self.points: deque[tuple[float, float]] = deque(maxlen=4)
        self.sums: dict[str, float] = {}
        self.total = 0.0


def test_series_state_round_trips_into_a_fresh_series() -> None:
    params = ThresholdParams(above=0.5, reset=0.2)
    live = ThresholdSeries(params)
    live.observe(1.0, 0.9)
    restored = ThresholdSeries(params)
    restore_state(restored, encode_state(live))
    # Active with hysteresis: 0.3 is below the level but above reset, so it stays active.
    assert restored.observe(2.0, 0.3) == live.observe(2.0, 0.3)
    assert restored.observe(3.0, 0.3) is not None


def test_containers_keep_their_types() -> None:
    window = _Window()
    window.points.extend([(1.0, 2.0), (2.0, float("nan"))])
    window.sums = {"a": 1.5}
    window.total = 3.5
    fresh = _Window()
    restore_state(fresh, encode_state(window))
    assert isinstance(fresh.points, deque)
    assert fresh.points.maxlen == 4
    assert fresh.points[0] == (1.0, 2.0)
    assert fresh.sums == {"a": 1.5}
    assert fresh.total == 3.5


def test_objects_outside_alertd_are_refused() -> None:
    hostile = msgspec.msgpack.encode({"total": {"\x00": "obj", "cls": "os:system", "v": {}}})
    with pytest.raises(StateCodecError, match="not an alertd class"):
        restore_state(_Window(), hostile)


def test_garbage_is_a_codec_error_not_a_crash() -> None:
    with pytest.raises(StateCodecError):
        restore_state(_Window(), b"\xc1\xff\x00")


def test_notifications_round_trip_with_their_enums() -> None:
    from alertd.alerts.model import AlertState
    from alertd.alerts.store import Alert
    from alertd.notify.notification import Notification
    from alertd.state.codec import decode_object, encode_object

    alert = Alert(
        fingerprint="f",
        rule="r",
        state=AlertState.RESOLVED,
        labels={"a": "b"},
        annotations={"summary": "s"},
        starts_at=1.0,
        ends_at=2.0,
        value=0.5,
    )
    original = Notification.create("ops", alert, observed_at=3.0)
    copy = decode_object(encode_object(original))
    assert copy == original
    assert copy.alert.state is AlertState.RESOLVED
    assert copy.status == "resolved"


def test_alert_record_from_an_older_version_gets_the_new_fields_defaults() -> None:
    from alertd.alerts.model import AlertState
    from alertd.alerts.store import Alert
    from alertd.state.codec import encode_object
    from alertd.state.records import AlertRecord, decode_alert

    alert = Alert("fp", "disk_full", AlertState.FIRING, {}, {}, 1.0, None, 0.95)
    fields = msgspec.msgpack.decode(encode_object(AlertRecord(alert, True)))
    del fields["v"]["paged_at"]  # as an older version wrote it
    record = decode_alert(msgspec.msgpack.encode(fields))
    assert record.paged is True
    assert record.paged_at is None
