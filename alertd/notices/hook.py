"""The one call the pipeline makes into customer notices."""

from __future__ import annotations

from typing import Protocol

from alertd.alerts.incidents import Incident
from alertd.alerts.store import Alert


class NoticeHook(Protocol):
    async def on_alert(self, alert: Alert, incident: Incident | None, observed_at: float) -> Alert:
        """Track the alert for customers; return the alert to page with (maybe marked)."""
