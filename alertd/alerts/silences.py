"""Silences: an SRE says "no pages for alerts like this until then".

A silence is a set of label matchers (same syntax as routes: exact, glob, ``~regex``,
``!negation``) with a time window. Silenced alerts stay visible in the API; only
their notifications are suppressed. Changes go through :class:`Silences`, which
persists each one (see ``silence_topic``) so silences survive restarts.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any, Protocol

from alertd.alerts.model import rfc3339
from alertd.matching import LabelSelector, compile_matcher


@dataclass(frozen=True, slots=True)
class Silence:
    id: str
    matchers: Mapping[str, str]
    starts_at: float
    ends_at: float
    created_by: str = ""
    comment: str = ""
    updated_at: float = 0.0

    def state(self, now: float) -> str:
        if now >= self.ends_at:
            return "expired"
        return "pending" if now < self.starts_at else "active"

    def selector(self) -> LabelSelector:
        return LabelSelector.from_mapping(self.matchers)

    def as_json(self, now: float) -> dict[str, Any]:
        return {
            "id": self.id,
            "matchers": dict(self.matchers),
            "startsAt": rfc3339(self.starts_at),
            "endsAt": rfc3339(self.ends_at),
            "createdBy": self.created_by,
            "comment": self.comment,
            "status": {"state": self.state(now)},
        }

    def to_record(self) -> dict[str, Any]:
        record = asdict(self)
        record["matchers"] = dict(self.matchers)
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Silence:
        return cls(
            id=str(record["id"]),
            matchers={str(k): str(v) for k, v in dict(record["matchers"]).items()},
            starts_at=float(record["starts_at"]),
            ends_at=float(record["ends_at"]),
            created_by=str(record.get("created_by", "")),
            comment=str(record.get("comment", "")),
            updated_at=float(record.get("updated_at", 0.0)),
        )


def new_silence(
    matchers: Mapping[str, str],
    starts_at: float,
    ends_at: float,
    created_by: str = "",
    comment: str = "",
) -> Silence:
    """Validate and build; ValueError tells the caller what to fix."""
    if not matchers:
        raise ValueError("a silence needs at least one matcher, e.g. service=checkout")
    for name, pattern in matchers.items():
        compile_matcher(name, pattern)
    if ends_at <= starts_at:
        raise ValueError("endsAt must be after startsAt")
    return Silence(
        str(uuid.uuid4()), dict(matchers), starts_at, ends_at, created_by, comment, starts_at
    )


class SilenceSink(Protocol):
    async def save(self, silence: Silence) -> None: ...


class Silences:
    """All silences by id; matching is done against active ones only."""

    def __init__(self, sink: SilenceSink | None = None) -> None:
        self._by_id: dict[str, Silence] = {}
        self._selectors: dict[str, LabelSelector] = {}
        self._sink = sink

    def set_sink(self, sink: SilenceSink | None) -> None:
        self._sink = sink

    def restore(self, silence: Silence) -> None:
        """Load a silence read back from storage (no write)."""
        self._by_id[silence.id] = silence
        self._selectors[silence.id] = silence.selector()

    async def add(self, silence: Silence) -> Silence:
        if self._sink is not None:
            await self._sink.save(silence)
        self.restore(silence)
        return silence

    async def expire(self, silence_id: str, now: float) -> Silence | None:
        """End a silence now; None if unknown. Expiring an expired one changes nothing."""
        current = self._by_id.get(silence_id)
        if current is None:
            return None
        if current.state(now) == "expired":
            return current
        expired = replace(current, ends_at=max(now, current.starts_at), updated_at=now)
        return await self.add(expired)

    def get(self, silence_id: str) -> Silence | None:
        return self._by_id.get(silence_id)

    def all(self) -> list[Silence]:
        return sorted(self._by_id.values(), key=lambda s: (s.starts_at, s.id))

    def silenced_by(self, labels: Mapping[str, str], now: float) -> list[str]:
        """Ids of the active silences that match ``labels``."""
        return [
            sid
            for sid, silence in self._by_id.items()
            if silence.state(now) == "active" and self._selectors[sid].matches(labels)
        ]
