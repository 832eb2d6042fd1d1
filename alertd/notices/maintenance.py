"""Planned maintenance: announce ahead, say when it starts and ends, and keep alerts
caused by the work from reaching customers (on-call still sees them, marked).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from alertd.alerts.model import rfc3339
from alertd.customers.directory import CustomerDirectory
from alertd.customers.model import Customer
from alertd.notices.config import MaintenanceSpec
from alertd.notices.model import NoticeItem, Phase

FALLBACK_LABELS = {"components": ("component", "service"), "regions": ("region",)}
"""Labels tried when the alert's rule does not map the field to a label itself."""


@dataclass
class Window:
    spec: MaintenanceSpec
    sent: set[str] = field(default_factory=set)
    cancelled: bool = False

    @property
    def start(self) -> float:
        return self.spec.start.timestamp()

    @property
    def end(self) -> float:
        return self.spec.end.timestamp()

    def active(self, now: float) -> bool:
        return not self.cancelled and self.start <= now < self.end

    def affects(self, customer: Customer, directory: CustomerDirectory) -> bool:
        spec = self.spec
        if spec.components and not set(spec.components) & set(customer.components):
            return False
        if spec.regions and not set(spec.regions) & set(customer.regions):
            return False
        segments = [directory.segments.get(name) for name in spec.segments]
        return not segments or any(s is not None and s.matches(customer) for s in segments)

    def covers(self, labels: Mapping[str, str], mapping: Mapping[str, str]) -> bool:
        """Does an alert with these labels fall under this window's components/regions?"""
        for field_name, allowed in (
            ("components", self.spec.components),
            ("regions", self.spec.regions),
        ):
            if not allowed:
                continue
            value = _label_for(field_name, labels, mapping)
            if value is None or value not in allowed:
                return False
        return True

    def item(self, phase: Phase, now: float) -> NoticeItem:
        spec = self.spec
        next_update = {Phase.SCHEDULED: self.start, Phase.STARTED: self.end}.get(phase)
        return NoticeItem(
            key=f"mnt-{spec.id}.{phase}",
            story=f"mnt-{spec.id}",
            kind="maintenance",
            stage=str(phase),
            source_id=spec.id,
            title=spec.title,
            impact=spec.text or spec.title,
            workaround=spec.workaround,
            at=now,
            started_at=self.start,
            eta=self.end,
            next_update_at=next_update,
            components=tuple(spec.components),
            regions=tuple(spec.regions),
        )

    def as_json(self, now: float) -> dict[str, object]:
        spec = self.spec
        return {
            "id": spec.id,
            "title": spec.title,
            "text": spec.text,
            "workaround": spec.workaround,
            "start": rfc3339(self.start),
            "end": rfc3339(self.end),
            "components": list(spec.components),
            "regions": list(spec.regions),
            "segments": list(spec.segments),
            "active": self.active(now),
            "cancelled": self.cancelled,
            "sent": sorted(self.sent),
        }


def _label_for(
    field_name: str, labels: Mapping[str, str], mapping: Mapping[str, str]
) -> str | None:
    for key, label in mapping.items():
        if key in (field_name, field_name.rstrip("s")):
            return labels.get(label)
    for label in FALLBACK_LABELS[field_name]:
        if label in labels:
            return labels[label]
    return None


class MaintenanceSink(Protocol):
    async def save(self, spec: MaintenanceSpec, cancelled: bool) -> None: ...


class MaintenanceBook:
    """Declared windows and which of their notices are due."""

    def __init__(self, announce_before: Sequence[float], specs: Iterable[MaintenanceSpec] = ()):
        self.announce_before = sorted(set(announce_before), reverse=True)
        self._windows: dict[str, Window] = {}
        for spec in specs:
            self.add(spec)
        self.sink: MaintenanceSink | None = None
        """Where windows declared over HTTP are kept (the shared topic in the daemon)."""

    async def declare(self, spec: MaintenanceSpec) -> Window:
        """Declare or replace a window on-call asked for: written to the sink first."""
        if self.sink is not None:
            await self.sink.save(spec, cancelled=False)
        return self.add(spec)

    async def cancel(self, window_id: str) -> Window | None:
        window = self._windows.get(window_id)
        if window is None:
            return None
        if self.sink is not None:
            await self.sink.save(window.spec, cancelled=True)
        window.cancelled = True
        return window

    def add(self, spec: MaintenanceSpec) -> Window:
        """Declare or replace a window (replacing keeps what was already sent)."""
        old = self._windows.get(spec.id)
        window = Window(spec, sent=old.sent if old else set())
        self._windows[spec.id] = window
        return window

    def get(self, window_id: str) -> Window | None:
        return self._windows.get(window_id)

    def all(self) -> list[Window]:
        return sorted(self._windows.values(), key=lambda w: (w.start, w.spec.id))

    def covering(
        self, labels: Mapping[str, str], mapping: Mapping[str, str], now: float
    ) -> Window | None:
        for window in self.all():
            if window.active(now) and window.covers(labels, mapping):
                return window
        return None

    def due(self, now: float) -> list[tuple[Window, Phase]]:
        """Notices to send now; each phase once, and only the latest overdue announcement."""
        out: list[tuple[Window, Phase]] = []
        for window in self.all():
            if window.cancelled:
                continue
            phase = self._due_phase(window, now)
            if phase is not None:
                out.append((window, phase))
        return out

    def _due_phase(self, window: Window, now: float) -> Phase | None:
        if now >= window.end:
            if "started" in window.sent and "finished" not in window.sent:
                window.sent.add("finished")
                return Phase.FINISHED
            window.sent.add("finished")  # declared after the fact: nothing to tell
            return None
        if now >= window.start:
            if "started" in window.sent:
                return None
            window.sent.add("started")
            return Phase.STARTED
        due = [f"announce-{int(b)}" for b in self.announce_before if window.start - b <= now]
        if not due or due[-1] in window.sent:
            return None
        window.sent.update(due)
        return Phase.SCHEDULED
