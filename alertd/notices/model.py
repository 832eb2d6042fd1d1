"""What a customer notice says: stages, one item per story, deterministic ids."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from alertd.alerts.model import rfc3339


class Stage(StrEnum):
    """The customer-facing life of an incident (Statuspage's vocabulary)."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"


class Phase(StrEnum):
    """The life of a planned maintenance window."""

    SCHEDULED = "scheduled"
    STARTED = "started"
    FINISHED = "finished"


ItemKind = Literal["incident", "maintenance"]


@dataclass(frozen=True, slots=True)
class NoticeItem:
    """One thing to tell: an incident stage/update or a maintenance phase.

    ``story`` groups items that are the same story for a customer (one alert series, a
    maintenance window), so a flapping alert merges instead of flooding.
    """

    key: str
    """``<incident id>.<seq>-<stage>``: part of every notice id built from this item."""
    story: str
    kind: ItemKind
    stage: str
    source_id: str
    """Incident or maintenance id."""
    title: str
    impact: str
    workaround: str | None
    at: float
    started_at: float
    eta: float | None = None
    next_update_at: float | None = None
    text: str = ""
    holding: bool = False
    components: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def final(self) -> bool:
        return self.stage in (Stage.RESOLVED, Phase.FINISHED)

    def _common(self) -> dict[str, Any]:
        """Fields both shapes show as they are."""
        return {
            "kind": self.kind,
            "stage": self.stage,
            "id": self.source_id,
            "title": self.title,
            "impact": self.impact,
            "workaround": self.workaround,
            "holding": self.holding,
            "components": list(self.components),
            "regions": list(self.regions),
        }

    def as_context(self) -> dict[str, Any]:
        """Template variables for this item (times stay epoch seconds for ``datetime``)."""
        return {
            **self._common(),
            "eta": self.eta,
            "next_update_at": self.next_update_at,
            "text": self.text,
            "started_at": self.started_at,
            "at": self.at,
        }

    def as_json(self) -> dict[str, Any]:
        """The webhook/status-feed shape (RFC 3339 times)."""
        return {
            **self._common(),
            "eta": _time(self.eta),
            "nextUpdateAt": _time(self.next_update_at),
            "text": self.text or None,
            "startedAt": _time(self.started_at),
            "updatedAt": _time(self.at),
        }


def notice_id(customer_id: str, channel: str, items: tuple[NoticeItem, ...]) -> str:
    """Same items for the same customer and channel -> same id, across restarts and replays."""
    raw = "\x00".join([customer_id, channel, *(i.key for i in items)])
    return "ntc-" + hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


def _time(epoch: float | None) -> str | None:
    return rfc3339(epoch) if epoch is not None else None
