"""A NoticeService wired to a real Dispatcher whose channels record what they get."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from alertd.alerts.incidents import Incident, incident_id
from alertd.alerts.model import AlertState
from alertd.alerts.store import Alert
from alertd.config.rules import RuleSpec
from alertd.config.schema import RouteConfig
from alertd.customers.directory import CustomerDirectory
from alertd.customers.model import Customer
from alertd.notices.composer import Composer
from alertd.notices.config import NoticesConfig
from alertd.notices.delivery import RECEIVERS, CustomerNotification, NoticeSender
from alertd.notices.metrics import NoticeMetrics
from alertd.notices.model import NoticeItem
from alertd.notices.paging import OwnerPager
from alertd.notices.service import NoticeService
from alertd.notify.dispatcher import Dispatcher
from alertd.notify.notification import Notification
from alertd.notify.retry import Backoff
from alertd.observe.metrics import Metrics
from alertd.route.tree import Route
from alertd.templating import Templates

T0 = 1_800_000_000.0
RULE = RuleSpec.model_validate(
    {
        "name": "checkout_errors",
        "match": {"kind": "metric", "name": "http_error_ratio"},
        "detect": {"threshold": {"above": 0.05}},
        "customers": {
            "match": {"regions": "region", "components": "service"},
            "title": "Checkout problems in {{ labels.region }}",
            "impact": "Payments in {{ labels.region }} may fail",
        },
    }
)


OPEN: list[Dispatcher] = []
"""Dispatchers started by ``harness``; ``close_all`` stops their workers after a test."""


async def close_all() -> None:
    while OPEN:
        await OPEN.pop().close()


class Recorder:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.sent: list[Notification] = []

    def wants(self, notification: Notification) -> bool:
        return True

    async def send(self, notification: Notification) -> None:
        self.sent.append(notification)

    async def close(self) -> None:
        return None


def checkout_item(**changes: Any) -> NoticeItem:
    """The first ``investigating`` item of incident ``inc-1``; ``changes`` override fields."""
    base = NoticeItem(
        key="inc-1.1-investigating",
        story="fp",
        kind="incident",
        stage="investigating",
        source_id="inc-1",
        title="Checkout problems",
        impact="Payments may fail",
        workaround="Pay by invoice",
        at=T0,
        started_at=T0,
        next_update_at=T0 + 1800,
    )
    return replace(base, **changes)


def customer(cid: str, region: str = "eu-west", **extra: Any) -> Customer:
    data: dict[str, Any] = {
        "id": cid,
        "name": cid.upper(),
        "regions": [region],
        "components": ["checkout"],
        "contacts": {"email": [f"ops@{cid}.example"]},
    }
    data.update(extra)
    return Customer.model_validate(data)


@dataclass
class Harness:
    service: NoticeService
    dispatcher: Dispatcher
    email: Recorder
    webhook: Recorder
    pager: Recorder
    clock: list[float] = field(default_factory=lambda: [T0])

    @property
    def now(self) -> float:
        return self.clock[0]

    async def advance(self, seconds: float) -> None:
        self.clock[0] += seconds
        await self.service.tick()
        await self.dispatcher.drain(2)

    async def fire(self, region: str = "eu-west", starts_at: float = T0) -> Incident:
        alert = make_alert(AlertState.FIRING, region, starts_at)
        incident = Incident(incident_id(alert), alert, self.now)
        await self.service.on_alert(alert, incident, self.now)
        return incident

    async def resolve(self, incident: Incident) -> None:
        alert = make_alert(
            AlertState.RESOLVED, incident.alert.labels["region"], incident.alert.starts_at
        )
        incident.resolved_at = self.now
        await self.service.on_alert(alert, incident, self.now)
        await self.service.tick()  # resolutions go out on the clock, not in the hook
        await self.dispatcher.drain(2)

    def emails(self) -> list[CustomerNotification]:
        return [n for n in self.email.sent if isinstance(n, CustomerNotification)]

    def stages_for(self, customer_id: str) -> list[list[str]]:
        return [[i.stage for i in n.items] for n in self.emails() if n.customer_id == customer_id]


def make_alert(state: AlertState, region: str = "eu-west", starts_at: float = T0) -> Alert:
    labels = {
        "service": "checkout",
        "region": region,
        "alertname": "checkout_errors",
        "severity": "critical",
    }
    return Alert(
        fingerprint=f"fp-{region}",
        rule="checkout_errors",
        state=state,
        labels=labels,
        annotations={"summary": "checkout errors"},
        starts_at=starts_at,
        ends_at=None if state is AlertState.FIRING else starts_at + 60,
        value=0.1,
    )


def harness(
    customers: list[Customer], segments: dict[str, dict[str, str]] | None = None, **config: Any
) -> Harness:
    settings = {"confirm_after": 180, "rate_limit": 0, **config}
    email, webhook, pager = Recorder("customer_email"), Recorder("customer_webhook"), Recorder("x")
    metrics = Metrics()
    dispatcher = Dispatcher(
        {RECEIVERS["email"]: [email], RECEIVERS["webhook"]: [webhook], "oncall": [pager]},
        metrics,
        Backoff(0.01, 0.01, 1),
    )
    dispatcher.start()
    OPEN.append(dispatcher)
    clock = [T0]
    templates = Templates()
    service = NoticeService(
        NoticesConfig.model_validate(settings),
        [RULE],
        CustomerDirectory(customers, segments or {}),
        NoticeSender(dispatcher, Composer(templates)),
        templates,
        NoticeMetrics(metrics.registry),
        OwnerPager(Route.build(RouteConfig(receiver="oncall")), dispatcher),
        clock=lambda: clock[0],
    )
    return Harness(service, dispatcher, email, webhook, pager, clock)
