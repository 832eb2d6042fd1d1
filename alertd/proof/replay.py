"""Offline proof: replay an event+ticket file through the same rules and notice logic.

Nothing is sent. The Evaluator, AlertStore, IncidentStore, NoticeService and notice
sender are the daemon's own; only the sender's notices go to a recorder of when each
customer *would* have been notified instead of the Dispatcher, and the clock is event
time. Confirmation windows are released exactly at ``release_at``; digests and overdue
updates are flushed at the next event's time (the daemon does it within a second).
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry

from alertd.alerts.evaluator import Evaluator
from alertd.alerts.incidents import IncidentStore
from alertd.alerts.model import AlertState, Transition
from alertd.alerts.store import AlertStore
from alertd.config.schema import LoadedConfig
from alertd.ingest.event import Event
from alertd.notices.composer import Composer
from alertd.notices.delivery import CustomerNotification, NoticeSender
from alertd.notices.metrics import NoticeMetrics
from alertd.notices.service import NoticeService
from alertd.notices.tracker import Status
from alertd.notices.wiring import build_directory
from alertd.notify.notification import Notification
from alertd.proof.ledger import ProofLedger
from alertd.proof.series import SeriesBuffer
from alertd.proof.sources import facts_source
from alertd.templating import Templates

NOTIFYING = frozenset({AlertState.FIRING, AlertState.RESOLVED})


class LedgerRecorder:
    """Takes the notices a replay would send and records who would have been told,
    on which channel, when; sends nothing."""

    def __init__(self, ledger: ProofLedger) -> None:
        self._ledger = ledger

    async def submit(self, notification: Notification) -> None:
        if not isinstance(notification, CustomerNotification):
            return
        for item in notification.items:
            if item.kind == "incident":
                self._ledger.customer_notified(
                    item.source_id,
                    notification.customer_id,
                    notification.channel,
                    notification.observed_at,
                )


class Replay:
    def __init__(self, loaded: LoadedConfig, ledger: ProofLedger | None = None) -> None:
        config, rules = loaded.config, loaded.rules
        self.ledger = ledger or ProofLedger(series=SeriesBuffer(rules))
        templates = Templates(
            loaded.base_dir / config.templates_dir if config.templates_dir else None
        )
        self._now = 0.0
        composer = Composer(templates, config.notices.default_locale, config.notices.public_url)
        self.notices = NoticeService(
            config.notices,
            rules,
            build_directory(loaded),
            NoticeSender(LedgerRecorder(self.ledger), composer),
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
        self.ledger.series.alerting(transition)
        alert = self.store.apply(transition)
        incident = self.incidents.apply(alert, transition.at)
        if transition.state not in NOTIFYING:
            return
        if transition.state is AlertState.FIRING and not transition.flapping:
            self.ledger.paged(alert.fingerprint, transition.at)
        await self.notices.on_alert(alert, incident, transition.at)


async def replay(loaded: LoadedConfig, events: Iterable[Event]) -> ProofLedger:
    return await Replay(loaded).run(events)
