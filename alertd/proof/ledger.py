"""What happened, as it happens: tickets, customer notices, pages, signal values.

The daemon feeds the ledger through :class:`alertd.proof.listener.ProofListener`;
the offline replay feeds it directly. Reports are computed from it on demand with
:func:`alertd.proof.correlate.correlate`. The metrics are decided once per incident,
at the moment the answer is known: the first ticket (lead time, or ticket first) or
the first notice after tickets already came in (ticket first).

Facts observed first-hand are passed to ``journal`` (alertd/proof/journal.py, a
compacted topic every process of the group follows); facts other processes observed,
or this one before a restart, come back through the ``merge_*`` methods. Merging is
idempotent and never touches the metrics: each fact is counted once, by the process
that saw it happen.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from alertd.ingest.event import Event
from alertd.observe.metrics import Metrics
from alertd.proof.correlate import (
    DEFAULT_WINDOW,
    Report,
    Window,
    best_incident,
    correlate,
    score,
    verdict,
)
from alertd.proof.model import IncidentFacts, Ticket
from alertd.proof.series import SeriesBuffer

T = TypeVar("T")
FactsSource = Callable[[], Sequence[IncidentFacts]]
Journal = Callable[[tuple[str, ...], dict[str, Any]], None]
"""Takes a first-hand fact: its idempotent key and its record."""
CHART_MARGIN = 1800.0
"""Signal shown before detection and after resolution (seconds)."""


class ProofLedger:
    def __init__(
        self,
        metrics: Metrics | None = None,
        window: Window = DEFAULT_WINDOW,
        series: SeriesBuffer | None = None,
        max_tickets: int = 100_000,
        keep_incidents: int = 1000,
    ) -> None:
        self.metrics = metrics
        self.window = window
        self.series = series or SeriesBuffer()
        self.source: FactsSource = list
        """Incidents as the pipeline knows them (set by the daemon or the replay)."""
        self.tickets: deque[Ticket] = deque(maxlen=max_tickets)
        self._ticket_ids: dict[str, None] = {}
        """Ids of the kept tickets: a redelivered record or webhook retry counts once."""
        self._notices: dict[str, dict[str, float]] = {}
        self._pages: dict[str, list[float]] = {}
        self._decided: dict[str, None] = {}
        self._known: dict[str, IncidentFacts] = {}
        """Incidents read back from the journal (other processes', or before a restart)."""
        self.keep_incidents = keep_incidents
        self.journal: Journal | None = None

    # -- recording -------------------------------------------------------------------

    def observe(self, event: Event) -> None:
        """Every consumed event: tickets are recorded, watched series buffered."""
        if event.kind == "ticket":
            self.ticket(Ticket.from_event(event))
        else:
            self.series.observe(event)

    def ticket(self, ticket: Ticket) -> None:
        if not self._keep_ticket(ticket):
            return
        self._journal(("ticket", ticket.id), ticket_record(ticket))
        if self.metrics is None:
            return
        home = best_incident(ticket, self.incidents(chart=False), self.window)
        told = home is not None and verdict(ticket, home) == "notified"
        self.metrics.tickets.labels("true" if told else "false").inc()
        if home is not None and home.id not in self._decided:
            self._decide(home.id)
            first = min(home.notified.values(), default=None)
            if first is not None and first <= ticket.at:
                self.metrics.notice_lead.observe(ticket.at - first)
            else:
                self.metrics.ticket_first.inc()

    def customer_notified(
        self, incident_id: str, customer_id: str, channel: str, at: float
    ) -> None:
        """A notice about ``incident_id`` reached ``customer_id`` (first one counts)."""
        first_for_incident = incident_id not in self._notices
        if self._note(incident_id, customer_id, at):
            self._journal(("notice", incident_id, customer_id, channel), {"at": at})
        if first_for_incident:
            self._ticket_came_first(incident_id, at)

    def paged(self, fingerprint: str, at: float) -> None:
        self._pages.setdefault(fingerprint, []).append(at)
        self._prune(self._pages)
        self._journal(("page", fingerprint, repr(at)), {"at": at})

    # -- merging facts from the journal (no metrics, no journal) -----------------------

    def merge_ticket(self, ticket: Ticket) -> None:
        self._keep_ticket(ticket)

    def merge_notice(self, incident_id: str, customer_id: str, at: float) -> None:
        self._note(incident_id, customer_id, at)

    def merge_page(self, fingerprint: str, at: float) -> None:
        pages = self._pages.setdefault(fingerprint, [])
        if at not in pages:
            pages.append(at)
            self._prune(self._pages)

    def merge_incident(self, facts: IncidentFacts) -> None:
        """The newest facts of an incident (opened, resolved, audience changed)."""
        self._known.pop(facts.id, None)
        self._known[facts.id] = facts
        self._prune(self._known)

    def merge_decided(self, incident_id: str) -> None:
        """Another process already counted this incident's lead time or ticket-first."""
        self._decided[incident_id] = None
        self._prune(self._decided)

    # -- reading -----------------------------------------------------------------------

    def incidents(self, chart: bool = True) -> list[IncidentFacts]:
        """The source's incidents with notices and pages (and, for charts, the signal),
        then the journal's incidents the source no longer (or never) knew."""
        live = list(self.source())
        ids = {f.id for f in live}
        known = [replace(f) for f in self._known.values() if f.id not in ids]
        return [self._enrich(f, chart) for f in live + known]

    def report(self, since: float | None = None, until: float | None = None) -> Report:
        return correlate(self.incidents(), list(self.tickets), self.window, since, until)

    def _enrich(self, facts: IncidentFacts, chart: bool) -> IncidentFacts:
        facts.notified = dict(self._notices.get(facts.id, {}))
        end = facts.resolved_at if facts.resolved_at is not None else float("inf")
        facts.pages = [
            t for t in self._pages.get(facts.fingerprint, []) if facts.opened_at - 60 <= t <= end
        ]
        if chart and facts.signal_name:
            facts.signal = self.series.points(
                facts.signal_name,
                facts.signal_labels,
                facts.opened_at - self.window.before - CHART_MARGIN,
                end + CHART_MARGIN,
            )
        return facts

    def _ticket_came_first(self, incident_id: str, notice_at: float) -> None:
        if self.metrics is None or incident_id in self._decided:
            return
        incidents = self.incidents(chart=False)
        facts = next((f for f in incidents if f.id == incident_id), None)
        if facts is None:
            return
        earlier = [
            t for t in self.tickets if t.at < notice_at and score(t, facts, self.window) is not None
        ]
        for ticket in earlier:
            home = best_incident(ticket, incidents, self.window)
            if home is not None and home.id == incident_id:
                self._decide(incident_id)
                self.metrics.ticket_first.inc()
                return

    def _keep_ticket(self, ticket: Ticket) -> bool:
        """Keep a ticket not seen before; False for a redelivery or a replayed record."""
        if ticket.id in self._ticket_ids:
            return False
        if len(self.tickets) == self.tickets.maxlen:
            self._ticket_ids.pop(self.tickets[0].id, None)
        self.tickets.append(ticket)
        self._ticket_ids[ticket.id] = None
        return True

    def _note(self, incident_id: str, customer_id: str, at: float) -> bool:
        """Keep the earliest notice per customer; True when this one is it."""
        told = self._notices.setdefault(incident_id, {})
        if customer_id in told and told[customer_id] <= at:
            return False
        told[customer_id] = at
        self._prune(self._notices)
        return True

    def _decide(self, incident_id: str) -> None:
        self.merge_decided(incident_id)
        self._journal(("decided", incident_id), {})

    def _journal(self, key: tuple[str, ...], record: dict[str, Any]) -> None:
        if self.journal is not None:
            self.journal(key, record)

    def _prune(self, table: dict[str, T]) -> None:
        """Forget the oldest incidents' entries beyond ``keep_incidents``."""
        while len(table) > self.keep_incidents:
            del table[next(iter(table))]


def ticket_record(ticket: Ticket) -> dict[str, Any]:
    """A ticket as journalled: the subject stays out (free text may hold personal data)."""
    return {
        "id": ticket.id,
        "at": ticket.at,
        "customer_id": ticket.customer_id,
        "component": ticket.component,
        "region": ticket.region,
    }
