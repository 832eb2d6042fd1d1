"""Build detector series straight from the registry, as a rule would."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from alertd.detect.detectors import REGISTRY
from alertd.detect.detectors.base import SeriesDetector, StreamDetector, Verdict


def series(name: str, **params: Any) -> SeriesDetector:
    detector = REGISTRY[name]
    return detector.build(detector.params.model_validate(params))()


def feed(s: SeriesDetector, points: Iterable[tuple[float, float | None]]) -> list[Verdict | None]:
    return [s.observe(t, v) for t, v in points]


def feed_stream(
    s: SeriesDetector, points: Iterable[tuple[str, float, float | None]]
) -> list[Verdict | None]:
    multi: StreamDetector = s  # type: ignore[assignment]
    return [multi.observe_stream(name, t, v) for name, t, v in points]


def active(verdicts: Iterable[Verdict | None]) -> list[bool | None]:
    return [None if v is None else v.active for v in verdicts]


def last_state(verdicts: Iterable[Verdict | None]) -> bool:
    state = False
    for v in verdicts:
        if v is not None:
            state = v.active
    return state


def tick_until(s: SeriesDetector, now: float) -> list[Verdict]:
    """Tick like the engine does: repeat while the series has something to say."""
    out = []
    while (v := s.tick(now)) is not None:
        out.append(v)
    return out
