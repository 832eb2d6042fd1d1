"""Incidents: what on-call acknowledges and what customers are told about.

An incident opens when an alert starts firing and closes when it resolves. It is the
unit that pages escalate on, that ``ack`` stops escalating, and that customer notices
follow (investigating -> identified -> monitoring -> resolved). The id is derived
from the alert episode, so it is the same after a restart or replay.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from alertd.alerts.model import AlertState, rfc3339
from alertd.alerts.store import Alert


def incident_id(alert: Alert) -> str:
    raw = f"{alert.fingerprint}\x00{alert.starts_at!r}"
    return "inc-" + hashlib.blake2b(raw.encode(), digest_size=6).hexdigest()


@dataclass(slots=True)
class Incident:
    id: str
    alert: Alert
    opened_at: float
    resolved_at: float | None = None
    acked_by: str | None = None
    acked_at: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    """Per-feature state (escalation level, customer notice progress...)."""

    @property
    def open(self) -> bool:
        return self.resolved_at is None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": "resolved" if not self.open else ("acknowledged" if self.acked_at else "open"),
            "alert": self.alert.as_json(),
            "openedAt": rfc3339(self.opened_at),
            "resolvedAt": rfc3339(self.resolved_at) if self.resolved_at is not None else None,
            "ackedBy": self.acked_by,
            "ackedAt": rfc3339(self.acked_at) if self.acked_at is not None else None,
        }


class IncidentStore:
    """Open incidents by id, plus recently closed ones for the API and reports."""

    def __init__(self, keep_closed: int = 1000) -> None:
        self._by_id: dict[str, Incident] = {}
        self._by_fingerprint: dict[str, str] = {}
        self._keep_closed = keep_closed
        self._closed: list[str] = []

    def apply(self, alert: Alert, at: float) -> Incident | None:
        """Open on firing, close on resolve; returns the incident concerned, if any."""
        if alert.state is AlertState.FIRING:
            if alert.fingerprint in self._by_fingerprint:
                return self._by_id[self._by_fingerprint[alert.fingerprint]]
            incident = Incident(incident_id(alert), alert, at)
            self._by_id[incident.id] = incident
            self._by_fingerprint[alert.fingerprint] = incident.id
            return incident
        if alert.state is AlertState.RESOLVED and alert.fingerprint in self._by_fingerprint:
            incident = self._by_id[self._by_fingerprint.pop(alert.fingerprint)]
            incident.alert = alert
            incident.resolved_at = at
            self._remember_closed(incident.id)
            return incident
        return None

    def get(self, incident_id: str) -> Incident | None:
        return self._by_id.get(incident_id)

    def ack(self, incident_id: str, by: str, at: float) -> Incident | None:
        """Mark acknowledged (first ack wins); the incident stays open until it resolves."""
        incident = self._by_id.get(incident_id)
        if incident is not None and incident.acked_at is None:
            incident.acked_by, incident.acked_at = by, at
        return incident

    def for_fingerprint(self, fingerprint: str) -> Incident | None:
        incident_id = self._by_fingerprint.get(fingerprint)
        return self._by_id.get(incident_id) if incident_id else None

    def forget(self, fingerprint: str) -> None:
        """The alert's partition moved to another process, which now owns the incident."""
        incident_id_ = self._by_fingerprint.pop(fingerprint, None)
        if incident_id_ is not None:
            self._by_id.pop(incident_id_, None)

    def all(self) -> list[Incident]:
        return sorted(self._by_id.values(), key=lambda i: (i.opened_at, i.id))

    def _remember_closed(self, incident_id: str) -> None:
        self._closed.append(incident_id)
        while len(self._closed) > self._keep_closed:
            self._by_id.pop(self._closed.pop(0), None)
