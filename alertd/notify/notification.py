"""A notification: one alert state change for one receiver, with a deterministic id."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from alertd.alerts.model import AlertState
from alertd.alerts.store import Alert


@dataclass(frozen=True, slots=True)
class Notification:
    id: str
    receiver: str
    alert: Alert
    observed_at: float
    """Wall-clock time the triggering event was consumed (for latency metrics)."""
    group_key: str = ""
    """Aggregation group (routing): ``alerts`` then holds every alert of the group."""
    alerts: tuple[Alert, ...] = ()
    group_labels: Mapping[str, str] = field(default_factory=dict)
    action: str = "notify"
    """``notify``; ``acknowledge`` (incident acked, PagerDuty only); ``escalate``."""
    changed: tuple[Alert, ...] = ()
    """The alerts of ``alerts`` whose change triggered this page (one-alert channels)."""

    @property
    def all_alerts(self) -> tuple[Alert, ...]:
        return self.alerts or (self.alert,)

    @property
    def status(self) -> str:
        """Firing while any alert of the notification fires (Alertmanager's rule)."""
        firing = any(a.state is not AlertState.RESOLVED for a in self.all_alerts)
        return "firing" if firing else "resolved"

    @classmethod
    def create(cls, receiver: str, alert: Alert, observed_at: float) -> Notification:
        """Same receiver, alert episode and status -> same id, across restarts and replays."""
        status = "resolved" if alert.state is AlertState.RESOLVED else "firing"
        raw = f"{receiver}\x00{alert.fingerprint}\x00{alert.starts_at!r}\x00{status}"
        digest = hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()
        return cls(digest, receiver, alert, observed_at)

    @classmethod
    def for_group(
        cls,
        receiver: str,
        group_key: str,
        group_labels: Mapping[str, str],
        alerts: Sequence[Alert],
        primary: Alert,
        observed_at: float,
        *,
        action: str = "notify",
        salt: str = "",
        changed: Sequence[Alert] = (),
    ) -> Notification:
        """Id from receiver, group, each alert's episode and status, action and salt
        (repeat or escalation step): a replay of the same flush gets the same id."""
        parts = [receiver, group_key, action, salt]
        for alert in sorted(alerts, key=lambda a: a.fingerprint):
            parts.append(f"{alert.fingerprint}/{alert.starts_at!r}/{alert.state}")
        digest = hashlib.blake2b("\x00".join(parts).encode(), digest_size=12).hexdigest()
        return cls(
            id=digest,
            receiver=receiver,
            alert=primary,
            observed_at=observed_at,
            group_key=group_key,
            alerts=tuple(alerts),
            group_labels=dict(group_labels),
            action=action,
            changed=tuple(changed),
        )
