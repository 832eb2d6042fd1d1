"""The one interface every detector implements.

A detector is configured once per rule and creates a small per-series object. Series
objects must be deterministic functions of the (time, value) points they see, so the
daemon and ``alertd backtest`` agree, and must keep bounded memory per series.

Clock-driven series (absent, flatline, windows that drain) also answer ``tick``; they
say when they next need the clock through ``next_due`` so the engine wakes only the
series that are due, and they stamp their verdict with the exact event time it
became true (``Verdict.at``), so the result does not depend on how often the clock is
ticked (a daemon ticks on wall-clock cadence, a backtest on the next event).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from alertd.config.rules import EventMatch


@dataclass(frozen=True, slots=True)
class Verdict:
    """The detector's opinion at one instant."""

    active: bool
    value: float | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    """Extra facts for templates, e.g. a trend's predicted crossing time."""
    at: float | None = None
    """Event time the verdict holds from, when it differs from the triggering point/tick."""


class SeriesDetector(Protocol):
    last_seen: float
    """Event time of the latest point the engine fed this series (see :class:`LastSeen`)."""

    def observe(self, t: float, value: float | None) -> Verdict | None:
        """Feed one point; return a verdict, or None while there is nothing to say."""

    def tick(self, now: float) -> Verdict | None:
        """Clock advanced to ``now`` without a point; clock-driven detectors answer."""

    def next_due(self) -> float | None:
        """Earliest event time at which ``tick`` could change the verdict (None: never)."""


class RestingSeries(SeriesDetector, Protocol):
    """A series that says whether it is at rest: in its fresh state, saying nothing active."""

    @property
    def at_rest(self) -> bool: ...


RestRange = tuple[float, float]
"""(low, high): values a series at rest can take and stay at rest (NaN and None too)."""


class StreamDetector(SeriesDetector, Protocol):
    """A series fed by several named event streams (ratio numerator/denominator...)."""

    def observe_stream(self, stream: str, t: float, value: float | None) -> Verdict | None:
        """Feed one point of ``stream``."""


class DetectorParams(BaseModel):
    """Base for parameter models: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


SeriesFactory = Callable[[], SeriesDetector]


def no_streams(params: Any) -> dict[str, EventMatch]:
    return {}


def no_members(params: Any) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True, slots=True)
class DetectorType:
    """A registered detector: its parameters and how to build series for one rule."""

    name: str
    params: type[DetectorParams]
    build: Callable[[Any], SeriesFactory]
    clock_driven: bool = False
    doc: str = ""
    streams: Callable[[Any], dict[str, EventMatch]] = no_streams
    """Named extra selectors (ANDed with the rule's ``match``) that feed the series."""
    members: Callable[[Any], tuple[str, ...]] = no_members
    """Names of other rules whose verdicts feed this one (all_of / any_of)."""
    rest_range: Callable[[Any], RestRange] | None = None
    """For detectors whose series are :class:`RestingSeries`: the values that leave a
    series at rest as it is, so the engine may skip them (alertd/detect/quiet.py). Only
    for detectors that are not clock-driven and whose series at rest is
    indistinguishable from no series at all."""


REGISTRY: dict[str, DetectorType] = {}


def register(detector: DetectorType) -> DetectorType:
    REGISTRY[detector.name] = detector
    return detector


def is_missing(value: float | None) -> bool:
    """No usable number: absent or NaN (a NaN must never poison running sums)."""
    return value is None or value != value


def stream_amount(of: str, value: float | None) -> float | None:
    """What one event adds to a stream: its value (``of: sum``; None when missing) or 1."""
    if of != "sum":
        return 1.0
    return None if is_missing(value) else float(value or 0.0)


class LastSeen:
    """Base of every series class: a slot where the engine keeps when the series last
    saw a point (for expiry and the changelog).

    On the series rather than in a table beside them: the engine reads and moves it for
    every event, and one more dict lookup per event over 100k series was a tenth of the
    hot path. It is not detector state: the state codec leaves it out, and detectors
    never read it (the engine sets it when it creates or restores a series).
    """

    __slots__ = ("last_seen",)
    last_seen: float


class NoTick(LastSeen):
    """Mixin for detectors that only react to points."""

    __slots__ = ()

    def tick(self, now: float) -> Verdict | None:
        return None

    def next_due(self) -> float | None:
        return None
