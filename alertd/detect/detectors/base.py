"""The one interface every detector implements.

A detector is configured once per rule and creates a small per-series object. Series
objects must be deterministic functions of the (time, value) points they see, so the
daemon and ``alertd backtest`` agree, and must keep O(1) memory per series.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict


@dataclass(frozen=True, slots=True)
class Verdict:
    """The detector's opinion at one instant."""

    active: bool
    value: float | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    """Extra facts for templates, e.g. a trend's predicted crossing time."""


class SeriesDetector(Protocol):
    def observe(self, t: float, value: float | None) -> Verdict | None:
        """Feed one point; return a verdict, or None while there is nothing to say."""

    def tick(self, now: float) -> Verdict | None:
        """Clock advanced to ``now`` without a point; clock-driven detectors answer."""


class DetectorParams(BaseModel):
    """Base for parameter models: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


SeriesFactory = Callable[[], SeriesDetector]


@dataclass(frozen=True, slots=True)
class DetectorType:
    """A registered detector: its parameters and how to build series for one rule."""

    name: str
    params: type[DetectorParams]
    build: Callable[[Any], SeriesFactory]
    clock_driven: bool = False
    doc: str = ""


REGISTRY: dict[str, DetectorType] = {}


def register(detector: DetectorType) -> DetectorType:
    REGISTRY[detector.name] = detector
    return detector


class NoTick:
    """Mixin for detectors that only react to points."""

    __slots__ = ()

    def tick(self, now: float) -> Verdict | None:
        return None
