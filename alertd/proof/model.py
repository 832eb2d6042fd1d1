"""The facts a proof report is computed from: incidents, notices, pages, tickets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from alertd.ingest.event import Event

COMPONENT_LABELS = ("component", "service")
"""Ticket/alert labels naming the affected component, in order of preference."""


@dataclass(frozen=True, slots=True)
class Ticket:
    """A support ticket as correlation sees it; ``at`` is the ticket's creation time."""

    id: str
    at: float
    customer_id: str | None = None
    component: str | None = None
    region: str | None = None
    subject: str = ""

    @classmethod
    def from_event(cls, event: Event) -> Ticket:
        """A ``kind: ticket`` event (attributes customer_id/ticket_id, labels component/region)."""
        attrs, labels = event.attributes, event.labels
        customer = attrs.get("customer_id") or labels.get("customer_id") or None
        ticket_id = attrs.get("ticket_id") or f"{event.name}@{event.time:.0f}/{customer or '-'}"
        return cls(
            id=str(ticket_id),
            at=event.time,
            customer_id=str(customer) if customer is not None else None,
            component=_first(labels, COMPONENT_LABELS),
            region=labels.get("region") or None,
            subject=str(attrs.get("subject", "")),
        )

    def as_json(self) -> dict[str, Any]:
        """What reports show; the subject stays out (free text may hold personal data)."""
        return {
            "id": self.id,
            "at": self.at,
            "customer": self.customer_id,
            "component": self.component,
            "region": self.region,
        }


@dataclass(slots=True)
class IncidentFacts:
    """One incident with what on-call and customers got, gathered from the pipeline."""

    id: str
    rule: str
    labels: Mapping[str, str]
    opened_at: float
    """Detection: the alert started firing (event time)."""
    resolved_at: float | None = None
    components: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    audience: frozenset[str] = frozenset()
    """Customer ids the incident affects (empty: no ``customers:`` block or nobody)."""
    notified: dict[str, float] = field(default_factory=dict)
    """Customer id -> time the first notice about this incident reached them."""
    pages: list[float] = field(default_factory=list)
    fingerprint: str = ""
    """The alert series, to find the pages sent for it."""
    signal_name: str = ""
    """Event name of the rule's input, for the timeline chart."""
    signal_labels: Mapping[str, str] = field(default_factory=dict)
    """Labels the input series must carry (the alert's group)."""
    signal: list[tuple[float, float]] = field(default_factory=list)
    audience_count: int | None = None
    """Audience size when only the count is known (a report read back from JSON)."""

    @property
    def audience_size(self) -> int:
        return len(self.audience) if self.audience_count is None else self.audience_count

    @classmethod
    def scoped(
        cls,
        incident_id: str,
        rule: str,
        labels: Mapping[str, str],
        opened_at: float,
        **extra: Any,
    ) -> IncidentFacts:
        """Facts whose component/region default to the alert's own labels."""
        extra.setdefault("components", _tuple(_first(labels, COMPONENT_LABELS)))
        extra.setdefault("regions", _tuple(labels.get("region")))
        return cls(incident_id, rule, dict(labels), opened_at, **extra)


def _first(labels: Mapping[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if labels.get(key):
            return labels[key]
    return None


def _tuple(value: str | None) -> tuple[str, ...]:
    return (value,) if value else ()
