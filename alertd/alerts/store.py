"""Active alerts with their full labels and rendered annotations.

The store is what the HTTP API lists and what routing and notification consume: a
transition becomes an :class:`Alert` snapshot here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from alertd.alerts.model import AlertState, Transition, rfc3339
from alertd.config.rules import RuleSpec
from alertd.templating import Templates


@dataclass(frozen=True, slots=True)
class Alert:
    fingerprint: str
    rule: str
    state: AlertState
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    starts_at: float
    ends_at: float | None
    value: float | None
    context: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "rule": self.rule,
            "state": str(self.state),
            "labels": dict(self.labels),
            "annotations": dict(self.annotations),
            "startsAt": rfc3339(self.starts_at),
            "endsAt": rfc3339(self.ends_at) if self.ends_at is not None else None,
            "value": self.value,
        }


class AlertStore:
    def __init__(self, rules: Iterable[RuleSpec], templates: Templates) -> None:
        self._rules = {rule.name: rule for rule in rules}
        self._templates = templates
        self._active: dict[str, Alert] = {}

    def apply(self, transition: Transition) -> Alert:
        """Record the transition and return the alert as it now stands."""
        rule = self._rules[transition.rule]
        labels = {
            **transition.labels,
            **rule.labels,
            "alertname": rule.name,
            "severity": rule.severity,
        }
        ended = transition.state in (AlertState.RESOLVED, AlertState.INACTIVE)
        context = {
            **transition.context,
            "value": transition.value,
            "labels": labels,
            "rule": rule.name,
            "severity": rule.severity,
            "starts_at": transition.started_at,
            "state": str(transition.state),
        }
        alert = Alert(
            fingerprint=transition.fingerprint,
            rule=rule.name,
            state=transition.state,
            labels=labels,
            annotations={
                k: self._templates.render(v, context) for k, v in rule.annotations.items()
            },
            starts_at=transition.started_at,
            ends_at=transition.at if ended else None,
            value=transition.value,
            context=transition.context,
        )
        if ended:
            self._active.pop(alert.fingerprint, None)
        else:
            self._active[alert.fingerprint] = alert
        return alert

    def restore(self, alert: Alert) -> None:
        """Put back an active alert restored from the changelog (alertd/state)."""
        self._active[alert.fingerprint] = alert

    def get(self, fingerprint: str) -> Alert | None:
        return self._active.get(fingerprint)

    def forget(self, fingerprint: str) -> None:
        """Its partition moved to another process, which now reports it."""
        self._active.pop(fingerprint, None)

    def active(self) -> list[Alert]:
        return sorted(self._active.values(), key=lambda a: (a.starts_at, a.fingerprint))

    def count_by_state(self) -> dict[AlertState, int]:
        counts = {AlertState.PENDING: 0, AlertState.FIRING: 0}
        for alert in self._active.values():
            counts[alert.state] += 1
        return counts
