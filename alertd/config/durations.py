"""Durations as SREs write them: ``500ms``, ``30s``, ``5m``, ``1h30m``, ``7d``."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import BeforeValidator

_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}


def parse_duration(text: str | float | int) -> float:
    """Seconds in ``text``; a bare number means seconds."""
    if isinstance(text, bool):
        raise ValueError("expected a duration such as 30s, 5m or 1h")
    if isinstance(text, int | float):
        if not math.isfinite(text):
            raise ValueError("a duration must be a finite number of seconds")
        if text < 0:
            raise ValueError("a duration cannot be negative")
        return float(text)
    raw = str(text).strip()
    pos, total = 0, 0.0
    for match in _PART.finditer(raw):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNIT[match.group(2)]
        pos = match.end()
    if not math.isfinite(total):
        raise ValueError(f"invalid duration {raw!r}: too large")
    if pos != len(raw) or not raw:
        raise ValueError(f"invalid duration {raw!r}: use forms like 30s, 5m, 1h30m or 7d")
    return total


def _validate(value: Any) -> float:
    return parse_duration(value)


Duration = Annotated[float, BeforeValidator(_validate)]
"""A pydantic field type: accepts ``"5m"`` or seconds, stores seconds."""


def format_duration(seconds: float) -> str:
    """Shortest readable form, for logs and notices."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    parts = []
    remaining = round(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if remaining >= size:
            parts.append(f"{remaining // size}{unit}")
            remaining %= size
    return "".join(parts)
