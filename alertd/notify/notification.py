"""A notification: one alert state change for one receiver, with a deterministic id."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from alertd.alerts.model import AlertState
from alertd.alerts.store import Alert


@dataclass(frozen=True, slots=True)
class Notification:
    id: str
    receiver: str
    alert: Alert
    observed_at: float
    """Wall-clock time the triggering event was consumed (for latency metrics)."""

    @property
    def status(self) -> str:
        return "resolved" if self.alert.state is AlertState.RESOLVED else "firing"

    @classmethod
    def create(cls, receiver: str, alert: Alert, observed_at: float) -> Notification:
        """Same receiver, alert episode and status -> same id, across restarts and replays."""
        status = "resolved" if alert.state is AlertState.RESOLVED else "firing"
        raw = f"{receiver}\x00{alert.fingerprint}\x00{alert.starts_at!r}\x00{status}"
        digest = hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()
        return cls(digest, receiver, alert, observed_at)
