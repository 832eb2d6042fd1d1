"""Alerts, configs and a paging stack built from real parts, for notify/route tests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from alertd.alerts.incidents import IncidentStore
from alertd.alerts.model import AlertState, fingerprint
from alertd.alerts.silences import Silences
from alertd.alerts.store import Alert
from alertd.config.schema import Config
from alertd.notify.channels.http import HttpClient
from alertd.notify.dispatcher import Dispatcher
from alertd.notify.receivers import build_receivers
from alertd.notify.retry import Backoff
from alertd.observe.metrics import Metrics
from alertd.route.paging import Paging, PagingOptions
from alertd.route.tree import Route
from alertd.templating import Templates

T0 = 1_790_000_000.0


def alert(
    rule: str = "checkout_errors",
    state: AlertState = AlertState.FIRING,
    starts_at: float = T0,
    ends_at: float | None = None,
    **labels: str,
) -> Alert:
    full = {"alertname": rule, "severity": "warning", **labels}
    group = {k: v for k, v in full.items() if k not in ("alertname", "severity")}
    return Alert(
        fingerprint=fingerprint(rule, group),
        rule=rule,
        state=state,
        labels=full,
        annotations={"summary": f"{rule} on {group}"},
        starts_at=starts_at,
        ends_at=ends_at,
        value=0.5,
    )


def resolved(firing: Alert, at: float) -> Alert:
    return Alert(
        firing.fingerprint,
        firing.rule,
        AlertState.RESOLVED,
        firing.labels,
        firing.annotations,
        firing.starts_at,
        at,
        firing.value,
    )


def config(text: str) -> Config:
    return Config.model_validate(yaml.safe_load(text))


class Stack:
    """Paging wired to a real Dispatcher and real channels (HTTP to the recorder)."""

    def __init__(self, cfg: Config, attempts: int = 3, max_backoff: float = 0.05) -> None:
        self.metrics = Metrics()
        self.http = HttpClient()
        self.incidents = IncidentStore()
        self.dispatcher = Dispatcher(
            build_receivers(cfg, Templates(), self.http),
            self.metrics,
            Backoff(0.01, max_backoff, attempts),
            timeout=5.0,
            workers=2,
        )
        self.silences = Silences()
        self.paging = Paging(
            Route.build(cfg.route),
            self.dispatcher,
            self.incidents,
            self.metrics,
            PagingOptions.from_config(cfg, self.silences),
        )

    async def __aenter__(self) -> Stack:
        self.dispatcher.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.dispatcher.drain(5)
        await self.dispatcher.close()
        await self.http.close()

    async def fire(self, a: Alert, now: float) -> None:
        """What the pipeline does: incidents first, then paging."""
        self.incidents.apply(a, now)
        await self.paging.on_alert(a, now)

    async def settle(self) -> None:
        await self.dispatcher.drain(5)

    def metric(self, name: str, **labels: str) -> float:
        total = 0.0
        for family in self.metrics.registry.collect():
            for sample in family.samples:
                if sample.name == name and all(
                    sample.labels.get(k) == v for k, v in labels.items()
                ):
                    total += sample.value
        return total


def labels_of(body: Mapping[str, Any]) -> dict[str, str]:
    return dict(body["alerts"][0]["labels"])
