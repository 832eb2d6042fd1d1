"""How report times read: clock times in UTC, offsets like +6m30s, ranges from the CLI."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from alertd.config.durations import parse_duration


def clock(epoch: float | None) -> str:
    if epoch is None:
        return "-"
    return datetime.fromtimestamp(epoch, UTC).strftime("%H:%M:%S")


def stamp(epoch: float | None) -> str:
    if epoch is None:
        return "-"
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def span(seconds: float | None, signed: bool = True) -> str:
    """``+6m30s`` / ``-2m00s`` / ``+1h05m``; ``-`` when unknown."""
    if seconds is None:
        return "-"
    sign = "-" if seconds < 0 else ("+" if signed else "")
    total = round(abs(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}h{minutes:02d}m"
    return f"{sign}{minutes}m{secs:02d}s"


def parse_when(text: str | None, now: float | None = None) -> float | None:
    """``--since``/``--until``: RFC 3339, epoch seconds, or a duration ago (``24h``)."""
    if text is None or not text.strip():
        return None
    raw = text.strip()
    try:
        return float(raw)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        try:
            return (time.time() if now is None else now) - parse_duration(raw)
        except ValueError:
            raise ValueError(
                f"cannot read time {raw!r}: use RFC 3339 (2026-11-02T08:00:00Z), "
                "epoch seconds, or a duration ago such as 24h"
            ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()
