"""Time intervals with Alertmanager's syntax, evaluated in an IANA time zone.

A route with ``mute_time_intervals`` sends nothing while any of them holds; one with
``active_time_intervals`` sends only while one of them holds. Within one interval
spec all given fields must match (times AND weekdays AND ...); an empty field
matches always. Ranges are inclusive (``monday:friday``, ``1:5``) except times,
whose end is exclusive (``09:00``-``17:00``).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alertd.config.paging import TimeIntervalConfig, TimeSpecConfig

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}

Range = tuple[int, int]


class IntervalError(ValueError):
    """A bad time interval field; ``field`` lets config errors point at its line."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class TimeSpec:
    times: tuple[Range, ...]
    """Minutes since midnight, [start, end)."""
    weekdays: tuple[Range, ...]
    days_of_month: tuple[Range, ...]
    months: tuple[Range, ...]
    years: tuple[Range, ...]
    zone: ZoneInfo

    def contains(self, epoch: float) -> bool:
        local = datetime.fromtimestamp(epoch, self.zone)
        minute = local.hour * 60 + local.minute
        if self.times and not any(a <= minute < b for a, b in self.times):
            return False
        if self.weekdays and not _within(local.weekday(), self.weekdays):
            return False
        if self.days_of_month and not self._day_matches(local):
            return False
        if self.months and not _within(local.month, self.months):
            return False
        return not self.years or _within(local.year, self.years)

    def _day_matches(self, local: datetime) -> bool:
        length = calendar.monthrange(local.year, local.month)[1]
        for a, b in self.days_of_month:
            start = a if a > 0 else length + a + 1
            end = b if b > 0 else length + b + 1
            if start <= local.day <= end:
                return True
        return False


@dataclass(frozen=True, slots=True)
class TimeInterval:
    name: str
    specs: tuple[TimeSpec, ...]

    def contains(self, epoch: float) -> bool:
        return any(spec.contains(epoch) for spec in self.specs)

    @classmethod
    def build(cls, config: TimeIntervalConfig) -> TimeInterval:
        """Compile; ValueError names the bad field and how to write it."""
        return cls(config.name, tuple(compile_spec(s) for s in config.time_intervals))


def _within(value: int, ranges: Sequence[Range]) -> bool:
    return any(a <= value <= b for a, b in ranges)


def compile_spec(config: TimeSpecConfig) -> TimeSpec:
    """Compile one spec; IntervalError names the field to fix."""
    try:
        zone = ZoneInfo(config.location)
    except (ZoneInfoNotFoundError, ValueError):
        raise IntervalError(
            "location",
            f"unknown time zone {config.location!r}: use an IANA name like Europe/Berlin",
        ) from None
    return TimeSpec(
        times=tuple(_times(config)),
        weekdays=tuple(_ranges(config.weekdays, "weekdays", _weekday)),
        days_of_month=tuple(_ranges(config.days_of_month, "days_of_month", _day)),
        months=tuple(_ranges(config.months, "months", _month)),
        years=tuple(_ranges(config.years, "years", _year)),
        zone=zone,
    )


def _times(config: TimeSpecConfig) -> list[Range]:
    try:
        return [_time_range(t.start_time, t.end_time) for t in config.times]
    except ValueError as exc:
        raise IntervalError("times", f"times: {exc}") from None


def _time_range(start: str, end: str) -> Range:
    a, b = _minutes(start), _minutes(end)
    if a >= b:
        raise ValueError(f"start_time {start} must be before end_time {end}")
    return a, b


def _minutes(text: str) -> int:
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError(f"invalid time {text!r}: use HH:MM, e.g. 09:00 or 24:00")
    total = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or total > 24 * 60:
        raise ValueError(f"invalid time {text!r}: must be between 00:00 and 24:00")
    return total


def _ranges(items: Sequence[str], field: str, parse: Callable[[str], int]) -> list[Range]:
    out = []
    for item in items:
        first, sep, last = str(item).strip().lower().partition(":")
        try:
            a = parse(first)
            b = parse(last) if sep else a
        except ValueError as exc:
            raise IntervalError(field, f"{field}: {exc}") from None
        if (a > 0) == (b > 0) and a > b:
            raise IntervalError(field, f"{field}: range {item!r} ends before it starts")
        out.append((a, b))
    return out


def _weekday(text: str) -> int:
    if text not in WEEKDAYS:
        raise ValueError(f"unknown weekday {text!r}: use monday..sunday")
    return WEEKDAYS[text]


def _month(text: str) -> int:
    if text in MONTHS:
        return MONTHS[text]
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    raise ValueError(f"unknown month {text!r}: use january..december or 1..12")


def _day(text: str) -> int:
    try:
        day = int(text)
    except ValueError:
        day = 0
    if day == 0 or not -31 <= day <= 31:
        raise ValueError(f"invalid day {text!r}: use 1..31, or -1 for the last day")
    return day


def _year(text: str) -> int:
    if not text.isdigit():
        raise ValueError(f"invalid year {text!r}")
    return int(text)
