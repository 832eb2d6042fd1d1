"""The status feed: what currently affects a customer, a segment, or anyone.

This is the pull side of notices (website banner, customer dashboard, support desk).
It shows only what customers were actually told: published incidents (not those in
the confirmation window, held or cancelled) and announced or running maintenance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alertd.customers.model import Customer
from alertd.notices.maintenance import Window
from alertd.notices.service import NoticeService
from alertd.notices.tracker import NoticeState

Selector = Callable[[Customer], bool]


class StatusFeed:
    def __init__(self, service: NoticeService) -> None:
        self.service = service

    def for_customer(self, customer: Customer, now: float) -> dict[str, Any]:
        body = self._build(lambda c: c.id == customer.id, now)
        body["customer"] = {
            k: v for k, v in customer.summary().items() if k in ("id", "name", "locale", "timezone")
        }
        return body

    def for_segment(self, name: str, now: float) -> dict[str, Any]:
        segment = self.service.directory.segment(name)
        body = self._build(segment.matches, now)
        body["segment"] = name
        return body

    def public(self, now: float) -> dict[str, Any]:
        return self._build(None, now)

    def _build(self, selector: Selector | None, now: float) -> dict[str, Any]:
        incidents = [
            item.as_json()
            for state in self.service.tracker.all()
            if state.active and self._touches(state, selector)
            for item in [state.current_item()]
            if item is not None
        ]
        windows = [
            w.as_json(now)
            for w in self.service.maintenance.all()
            if self._announced(w, now) and self._window_touches(w, selector)
        ]
        for window in windows:
            window.pop("sent", None)
            window.pop("segments", None)
        status = (
            "degraded"
            if incidents
            else "maintenance"
            if any(w["active"] for w in windows)
            else "operational"
        )
        return {
            "status": status,
            "incidents": incidents,
            "maintenance": windows,
            "customer": None,
            "segment": None,
        }

    def _touches(self, state: NoticeState, selector: Selector | None) -> bool:
        if selector is None:
            return True
        directory = self.service.directory
        return any((c := directory.get(cid)) is not None and selector(c) for cid in state.notified)

    def _announced(self, window: Window, now: float) -> bool:
        horizon = max(self.service.maintenance.announce_before, default=0.0)
        return not window.cancelled and window.start - horizon <= now < window.end

    def _window_touches(self, window: Window, selector: Selector | None) -> bool:
        if selector is None:
            return True
        directory = self.service.directory
        return any(selector(c) and window.affects(c, directory) for c in directory.all())
