"""Time intervals: Alertmanager syntax evaluated in IANA time zones."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from alertd.alerts.timeintervals import TimeInterval
from alertd.config.paging import TimeIntervalConfig

BERLIN = ZoneInfo("Europe/Berlin")


def interval(**spec: object) -> TimeInterval:
    return TimeInterval.build(
        TimeIntervalConfig.model_validate({"name": "t", "time_intervals": [spec]})
    )


def at(*args: int, tz: ZoneInfo = BERLIN) -> float:
    return datetime(*args, tzinfo=tz).timestamp()  # type: ignore[misc]


def test_business_hours_in_berlin_time() -> None:
    hours = interval(
        weekdays=["monday:friday"],
        times=[{"start_time": "09:00", "end_time": "17:00"}],
        location="Europe/Berlin",
    )
    # Friday 2026-11-27
    assert hours.contains(at(2026, 11, 27, 9, 0))
    assert hours.contains(at(2026, 11, 27, 16, 59))
    assert not hours.contains(at(2026, 11, 27, 17, 0))  # end is exclusive
    assert not hours.contains(at(2026, 11, 28, 12, 0))  # Saturday
    # 08:30 UTC is 09:30 in Berlin (CET, UTC+1)
    assert hours.contains(at(2026, 11, 27, 8, 30, tz=ZoneInfo("UTC")))


def test_days_of_month_months_and_years() -> None:
    last_day = interval(days_of_month=["-1"], months=["february"], years=["2028"])
    assert last_day.contains(at(2028, 2, 29, 12, 0))  # leap year
    assert not last_day.contains(at(2028, 2, 28, 12, 0))
    assert not last_day.contains(at(2027, 2, 28, 12, 0))
    first_days = interval(days_of_month=["1:3"], months=["1:3"])
    assert first_days.contains(at(2027, 3, 2, 0, 0))
    assert not first_days.contains(at(2027, 4, 2, 0, 0))


def test_empty_spec_always_matches() -> None:
    assert interval().contains(at(2026, 1, 1, 0, 0))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"weekdays": ["funday"]}, "unknown weekday"),
        ({"location": "Mars/Olympus"}, "unknown time zone"),
        ({"times": [{"start_time": "18:00", "end_time": "09:00"}]}, "must be before"),
        ({"times": [{"start_time": "9am", "end_time": "10:00"}]}, "use HH:MM"),
        ({"days_of_month": ["5:2"]}, "ends before it starts"),
        ({"months": ["13"]}, "unknown month"),
    ],
)
def test_bad_specs_say_what_to_write(spec: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        interval(**spec)
