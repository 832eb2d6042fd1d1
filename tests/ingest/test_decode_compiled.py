"""The compiled epoch gives the float ``datetime.timestamp`` gives, for every time a
decoded event can carry (alertd/ingest/_decode.pyx)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from alertd.ingest import event

epoch = pytest.importorskip("alertd.ingest._decode")

OFFSETS = st.timedeltas(
    min_value=-dt.timedelta(hours=24) + dt.timedelta(microseconds=1),
    max_value=dt.timedelta(hours=24) - dt.timedelta(microseconds=1),
)
ZONES = st.one_of(st.just(dt.UTC), OFFSETS.map(dt.timezone))


def _timestamp(moment: dt.datetime) -> float | None:
    try:
        return moment.timestamp()
    except (OverflowError, ValueError):  # an offset that leaves the years 1-9999
        return None


@given(st.datetimes(timezones=ZONES))
@example(dt.datetime(2255, 6, 5, 23, 47, 34, 740991, tzinfo=dt.UTC))  # 2**53 us, nearly
@example(dt.datetime(1685, 7, 28, 0, 12, 25, 259009, tzinfo=dt.UTC))
@example(dt.datetime(1, 1, 1, tzinfo=dt.UTC))
@example(dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC))
@example(dt.datetime(2024, 2, 29, 12, tzinfo=dt.timezone(dt.timedelta(hours=-9, minutes=-30))))
def test_an_aware_time_gives_the_float_timestamp_gives(moment: dt.datetime) -> None:
    expected = _timestamp(moment)
    if expected is None:
        with pytest.raises((OverflowError, ValueError)):
            epoch.epoch_seconds(moment)
    else:
        assert epoch.epoch_seconds(moment) == expected


class _Unknown(dt.tzinfo):
    def utcoffset(self, moment: dt.datetime | None) -> dt.timedelta | None:
        return None


def test_a_naive_time_is_local_as_timestamp_has_it() -> None:
    moment = dt.datetime(2026, 11, 28, 2, 0)
    assert epoch.epoch_seconds(moment) == moment.timestamp()


def test_a_zone_without_an_offset_fails_as_timestamp_fails() -> None:
    moment = dt.datetime(2026, 11, 28, 2, 0, tzinfo=_Unknown())
    with pytest.raises(TypeError, match="offset-naive"):
        moment.timestamp()
    with pytest.raises(TypeError, match="offset-naive"):
        epoch.epoch_seconds(moment)


def test_events_settle_with_the_compiled_epoch() -> None:
    assert event.epoch_seconds is epoch.epoch_seconds
