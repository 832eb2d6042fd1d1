"""Customer-notice state per incident, kept apart from the incident itself.

The incident (alerts/incidents.py) belongs to on-call; this tracker holds only what
customers were told and when, keyed by incident id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from alertd.alerts.model import rfc3339
from alertd.customers.audience import Audience
from alertd.notices.model import NoticeItem, Stage
from alertd.state.origin import Origin


class Status(StrEnum):
    WAITING = "waiting"
    """In the confirmation window."""
    HELD = "held"
    AWAITING_APPROVAL = "awaiting_approval"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    SUPPRESSED = "suppressed"
    """Inside a planned maintenance window: customers were told already."""
    CLOSED = "closed"
    """Resolved (after a resolution notice, or before anyone was told)."""
    NO_AUDIENCE = "no_audience"


@dataclass
class NoticeState:
    incident_id: str
    fingerprint: str
    rule: str
    labels: Mapping[str, str]
    opened_at: float
    release_at: float
    audience: Audience
    title: str
    impact: str
    workaround: str | None
    status: Status = Status.WAITING
    stage: Stage = Stage.INVESTIGATING
    seq: int = 0
    eta: float | None = None
    next_update_at: float | None = None
    text: str = ""
    published_at: float | None = None
    updated_at: float | None = None
    resolved_at: float | None = None
    paged_for: float | None = None
    """The update deadline the owner was already paged about."""
    maintenance_id: str | None = None
    components: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    notified: set[str] = field(default_factory=set)
    resolution_sent: set[str] = field(default_factory=set)
    history: list[dict[str, Any]] = field(default_factory=list)
    origin: Origin | None = None
    """The input partition of the incident's alert: this progress is kept (and its
    notices sent) by whichever process owns that partition."""

    @property
    def finished(self) -> bool:
        """Nothing more will be sent for this incident."""
        return self.status in (Status.CLOSED, Status.CANCELLED, Status.NO_AUDIENCE) or (
            self.status is Status.SUPPRESSED and self.resolved_at is not None
        )

    @property
    def active(self) -> bool:
        """Customers should currently see this incident."""
        return self.status is Status.PUBLISHED

    def next_item(
        self, at: float, *, stage: Stage | None = None, holding: bool = False
    ) -> NoticeItem:
        """Advance the update sequence and describe the current state as an item."""
        self.seq += 1
        self.stage = stage or self.stage
        self.updated_at = at
        if self.stage is Stage.RESOLVED:
            self.next_update_at = None
        self.history.append(
            {
                "seq": self.seq,
                "stage": str(self.stage),
                "at": rfc3339(at),
                "holding": holding,
                "text": self.text or None,
            }
        )
        return self._item(at, holding)

    def current_item(self) -> NoticeItem | None:
        """The latest published state (for the status feed), if any."""
        return None if self.updated_at is None else self._item(self.updated_at, False)

    def _item(self, at: float, holding: bool) -> NoticeItem:
        return NoticeItem(
            key=f"{self.incident_id}.{self.seq}-{self.stage}",
            story=self.fingerprint,
            kind="incident",
            stage=str(self.stage),
            source_id=self.incident_id,
            title=self.title,
            impact=self.impact,
            workaround=self.workaround,
            at=at,
            started_at=self.opened_at,
            eta=self.eta,
            next_update_at=self.next_update_at,
            text=self.text,
            holding=holding,
            components=self.components,
            regions=self.regions,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "incident": self.incident_id,
            "status": str(self.status),
            "stage": str(self.stage),
            "rule": self.rule,
            "labels": dict(self.labels),
            "releaseAt": rfc3339(self.release_at),
            "publishedAt": _time(self.published_at),
            "nextUpdateAt": _time(self.next_update_at),
            "eta": _time(self.eta),
            "audience": self.audience.as_json(),
            "notified": len(self.notified),
            "resolutionsSent": len(self.resolution_sent),
            "maintenance": self.maintenance_id,
            "history": list(self.history),
        }


def _time(epoch: float | None) -> str | None:
    return rfc3339(epoch) if epoch is not None else None


class NoticeTracker:
    def __init__(self, keep_closed: int = 1000) -> None:
        self._states: dict[str, NoticeState] = {}
        self.keep_closed = keep_closed

    def add(self, state: NoticeState) -> None:
        self._states[state.incident_id] = state

    def get(self, incident_id: str) -> NoticeState | None:
        return self._states.get(incident_id)

    def forget(self, origin: Origin) -> list[NoticeState]:
        """Drop the states of a partition another process now owns."""
        gone = [s for s in self._states.values() if s.origin == origin]
        for state in gone:
            del self._states[state.incident_id]
        return gone

    def of(self, origin: Origin) -> list[NoticeState]:
        return [s for s in self._states.values() if s.origin == origin]

    def all(self) -> list[NoticeState]:
        return sorted(self._states.values(), key=lambda s: (s.opened_at, s.incident_id))

    def prune(self) -> None:
        """Forget the oldest finished states beyond ``keep_closed``."""
        done = [
            s
            for s in self.all()
            if s.resolved_at is not None or s.status in (Status.CANCELLED, Status.NO_AUDIENCE)
        ]
        for state in done[: max(0, len(done) - self.keep_closed)]:
            del self._states[state.incident_id]
