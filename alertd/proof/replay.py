"""Offline proof: replay an event+ticket file through the same rules and notice logic.

Nothing is sent. The Evaluator, AlertStore, IncidentStore and NoticeService are the
daemon's own; only the sender is swapped for one that records when each customer
*would* have been notified, and the clock is event time. Confirmation windows are
released exactly at ``release_at``; digests and overdue updates are flushed at the
next event's time (the daemon does it within a second).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from prometheus_client import CollectorRegistry

from alertd.alerts.evaluator import Evaluator
from alertd.alerts.incidents import IncidentStore
from alertd.alerts.model import AlertState, Transition
from alertd.alerts.store import AlertStore
from alertd.config.schema import LoadedConfig
from alertd.customers.model import Customer
from alertd.ingest.event import Event
from alertd.notices.composer import Composer
from alertd.notices.delivery import CustomerNotification, NoticeSender
from alertd.notices.metrics import NoticeMetrics
from alertd.notices.model import NoticeItem
from alertd.notices.service import NoticeService
from alertd.notices.tracker import Status
from alertd.notices.wiring import build_directory
from alertd.proof.ledger import ProofLedger
from alertd.proof.series import SeriesBuffer
from alertd.proof.sources import facts_source, watched_names
from alertd.templating import Templates

NOTIFYING = frozenset({AlertState.FIRING, AlertState.RESOLVED})


class RecordingSender(NoticeSender):
    """Records who would have been notified, on which channel, when; sends nothing."""

    def __init__(self, ledger: ProofLedger, composer: Composer) -> None:
        self._ledger = ledger
        self._composer = composer
        self._deferred = {}

    async def send(
        self,
        customer: Customer,
        items: Sequence[NoticeItem],
        now: float,
        channels: Sequence[str] = ("email", "webhook"),
    ) -> list[CustomerNotification]:
        for channel in channels:
            if not getattr(customer.contacts, channel, []):
                continue
            if channel == "webhook" and customer.quiet_at(now):
                self._defer(customer, items)  # recorded when the quiet hours end
                continue
            for item in items:
                if item.kind == "incident":
                    self._ledger.customer_notified(item.source_id, customer.id, channel, now)
        return []


class Replay:
    def __init__(self, loaded: LoadedConfig, ledger: ProofLedger | None = None) -> None:
        config, rules = loaded.config, loaded.rules
        self.ledger = ledger or ProofLedger(series=SeriesBuffer(watched_names(rules)))
        templates = Templates(
            loaded.base_dir / config.templates_dir if config.templates_dir else None
        )
        self._now = 0.0
        composer = Composer(templates, config.notices.default_locale, config.notices.public_url)
        self.notices = NoticeService(
            config.notices,
            rules,
            build_directory(loaded),
            RecordingSender(self.ledger, composer),
            templates,
            NoticeMetrics(CollectorRegistry()),
            None,
            clock=lambda: self._now,
        )
        self.store = AlertStore(rules, templates)
        self.incidents = IncidentStore(keep_closed=1_000_000)
        self.evaluator = Evaluator(rules, track_changes=False)
        self.ledger.source = facts_source(
            self.incidents, lambda: self.notices.tracker, lambda: rules
        )
        self._tail = config.notices.confirm_after + config.notices.rate_limit

    async def run(self, events: Iterable[Event]) -> ProofLedger:
        """Feed ``events`` in time order, then let pending notices go out."""
        last: float | None = None
        for event in sorted(events, key=lambda e: e.time):
            if last is None or event.time > last:
                await self._advance(event.time)
                last = event.time
            self.ledger.observe(event)
            for transition in self.evaluator.process(event):
                await self._on_transition(transition)
        if last is not None:
            await self._advance(last + self._tail)
        return self.ledger

    async def _advance(self, until: float) -> None:
        """Release confirmation windows at their exact time, then tick at ``until``."""
        due = sorted(
            s.release_at
            for s in self.notices.tracker.all()
            if s.status is Status.WAITING and self._now < s.release_at <= until
        )
        for at in [*due, until]:
            self._now = at
            await self.notices.tick(at)

    async def _on_transition(self, transition: Transition) -> None:
        alert = self.store.apply(transition)
        incident = self.incidents.apply(alert, transition.at)
        if transition.state not in NOTIFYING:
            return
        if transition.state is AlertState.FIRING and not transition.flapping:
            self.ledger.paged(alert.fingerprint, transition.at)
        await self.notices.on_alert(alert, incident, transition.at)


async def replay(loaded: LoadedConfig, events: Iterable[Event]) -> ProofLedger:
    return await Replay(loaded).run(events)
