"""Tickets to incidents, and what that says about each incident's notices.

Pure functions: the same facts give the same report, live (``/api/v1/report``) and
offline (``alertd report --events``).

A ticket belongs to an incident when it was created between ``window.before`` ahead
of detection (customers notice degradation before the rule fires) and
``window.after`` past resolution, its component/region do not contradict the
incident's, and either the customer is in the incident's audience or the ticket
names the incident's component or region. When several incidents qualify (they
overlap), the ticket goes to exactly one: audience member first, then most matching
labels, then the incident detected closest to the ticket.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from alertd.alerts.model import rfc3339
from alertd.proof.model import IncidentFacts, Ticket

Verdict = Literal["notified", "not_notified", "outside"]
"""A ticket's customer had been notified before the ticket, was in the audience but
had not (yet) been notified, or was outside the audience."""


@dataclass(frozen=True, slots=True)
class Window:
    before: float = 1800.0
    """Tickets this long before detection still belong to the incident."""
    after: float = 1800.0
    """Tickets this long after resolution still belong to the incident."""


DEFAULT_WINDOW = Window()


@dataclass(frozen=True, slots=True)
class TicketVerdict:
    ticket: Ticket
    verdict: Verdict

    def as_json(self) -> dict[str, Any]:
        return {**self.ticket.as_json(), "at": rfc3339(self.ticket.at), "verdict": self.verdict}


@dataclass(slots=True)
class IncidentProof:
    facts: IncidentFacts
    tickets: list[TicketVerdict] = field(default_factory=list)

    @property
    def first_notice(self) -> float | None:
        return min(self.facts.notified.values(), default=None)

    @property
    def first_page(self) -> float | None:
        return min(self.facts.pages, default=None)

    @property
    def first_ticket(self) -> float | None:
        return min((v.ticket.at for v in self.tickets), default=None)

    @property
    def lead_seconds(self) -> float | None:
        """First ticket minus first notice: positive when customers heard first."""
        notice, ticket = self.first_notice, self.first_ticket
        return None if notice is None or ticket is None else ticket - notice

    @property
    def ticket_first(self) -> bool:
        """A ticket arrived before any customer was told (or nobody was told at all)."""
        ticket, notice = self.first_ticket, self.first_notice
        return ticket is not None and (notice is None or ticket < notice)

    def count(self, verdict: Verdict) -> int:
        return sum(v.verdict == verdict for v in self.tickets)

    def as_json(self) -> dict[str, Any]:
        f = self.facts
        return {
            "id": f.id,
            "rule": f.rule,
            "labels": dict(f.labels),
            "components": list(f.components),
            "regions": list(f.regions),
            "openedAt": rfc3339(f.opened_at),
            "resolvedAt": _time(f.resolved_at),
            "firstPage": _time(self.first_page),
            "firstNotice": _time(self.first_notice),
            "firstTicket": _time(self.first_ticket),
            "leadSeconds": self.lead_seconds,
            "ticketFirst": self.ticket_first,
            "audience": f.audience_size,
            "notifiedCustomers": len(f.notified),
            "tickets": {
                "total": len(self.tickets),
                "notified": self.count("notified"),
                "notNotified": self.count("not_notified"),
                "outside": self.count("outside"),
            },
            "ticketList": [v.as_json() for v in self.tickets],
            "noticeTimes": sorted(f.notified.values()),
            "pages": sorted(f.pages),
            "signal": {"name": f.signal_name, "points": [list(p) for p in f.signal]},
        }


@dataclass(slots=True)
class Report:
    incidents: list[IncidentProof]
    unmatched: int
    since: float | None = None
    until: float | None = None

    def summary(self) -> dict[str, Any]:
        leads = [p.lead_seconds for p in self.incidents if p.lead_seconds is not None]
        return {
            "incidents": len(self.incidents),
            "withNotice": sum(p.first_notice is not None for p in self.incidents),
            "ticketFirst": sum(p.ticket_first for p in self.incidents),
            "medianLeadSeconds": statistics.median(leads) if leads else None,
            "tickets": {
                "notified": sum(p.count("notified") for p in self.incidents),
                "notNotified": sum(p.count("not_notified") for p in self.incidents),
                "outside": sum(p.count("outside") for p in self.incidents),
                "unmatched": self.unmatched,
            },
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "since": _time(self.since),
            "until": _time(self.until),
            "summary": self.summary(),
            "incidents": [p.as_json() for p in self.incidents],
        }


def score(ticket: Ticket, incident: IncidentFacts, window: Window) -> tuple[int, int, float] | None:
    """How well ``ticket`` fits ``incident`` (higher is better), or None if it cannot."""
    end = incident.resolved_at if incident.resolved_at is not None else float("inf")
    if not incident.opened_at - window.before <= ticket.at <= end + window.after:
        return None
    hits = 0
    pairs = ((ticket.component, incident.components), (ticket.region, incident.regions))
    for value, scope in pairs:
        if value and scope:
            if value not in scope:
                return None
            hits += 1
    member = ticket.customer_id is not None and ticket.customer_id in incident.audience
    if not member and hits == 0:
        return None
    return (int(member), hits, -abs(ticket.at - incident.opened_at))


def best_incident(
    ticket: Ticket, incidents: Iterable[IncidentFacts], window: Window
) -> IncidentFacts | None:
    best: tuple[tuple[int, int, float], IncidentFacts] | None = None
    for incident in incidents:
        fit = score(ticket, incident, window)
        if fit is not None and (best is None or fit > best[0]):
            best = (fit, incident)
    return best[1] if best else None


def verdict(ticket: Ticket, incident: IncidentFacts) -> Verdict:
    customer = ticket.customer_id
    if customer is None or customer not in incident.audience:
        return "outside"
    told = incident.notified.get(customer)
    return "notified" if told is not None and told <= ticket.at else "not_notified"


def correlate(
    incidents: Sequence[IncidentFacts],
    tickets: Iterable[Ticket],
    window: Window = DEFAULT_WINDOW,
    since: float | None = None,
    until: float | None = None,
) -> Report:
    """Assign each ticket to at most one incident; report incidents opened in the range."""
    chosen = [
        i
        for i in incidents
        if (since is None or i.opened_at >= since) and (until is None or i.opened_at <= until)
    ]
    proofs = {i.id: IncidentProof(i) for i in chosen}
    unmatched = 0
    for ticket in sorted(tickets, key=lambda t: (t.at, t.id)):
        home = best_incident(ticket, incidents, window)
        if home is None:
            unmatched += (since is None or ticket.at >= since) and (
                until is None or ticket.at <= until
            )
        elif home.id in proofs:
            proofs[home.id].tickets.append(TicketVerdict(ticket, verdict(ticket, home)))
    ordered = sorted(proofs.values(), key=lambda p: (p.facts.opened_at, p.facts.id))
    return Report(ordered, unmatched, since, until)


def _time(epoch: float | None) -> str | None:
    return rfc3339(epoch) if epoch is not None else None
