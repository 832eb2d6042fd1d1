"""What an alert is, and the transitions it goes through."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class AlertState(StrEnum):
    INACTIVE = "inactive"
    """A pending alert whose condition cleared before ``for`` elapsed."""
    PENDING = "pending"
    FIRING = "firing"
    RESOLVED = "resolved"


def fingerprint(rule: str, group: Mapping[str, str]) -> str:
    """Stable id of one alert series: same rule and group labels, same fingerprint."""
    h = hashlib.blake2b(digest_size=8)
    h.update(rule.encode())
    for key in sorted(group):
        h.update(b"\x00" + key.encode() + b"\x01" + group[key].encode())
    return h.hexdigest()


def rfc3339(epoch: float) -> str:
    stamp = datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z").replace(".000Z", "Z")


@dataclass(frozen=True, slots=True)
class Transition:
    """One state change of one alert series, at event time ``at``."""

    rule: str
    labels: Mapping[str, str]
    state: AlertState
    at: float
    fingerprint: str
    started_at: float
    value: float | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    flapping: bool = False
    """The series starts firing too often (see alerts/flap.py): hold, do not re-send."""

    def as_json(self) -> dict[str, Any]:
        """The backtest line format of the contract (``flapping`` only when true)."""
        line: dict[str, Any] = {
            "rule": self.rule,
            "labels": dict(self.labels),
            "state": str(self.state),
            "at": rfc3339(self.at),
        }
        if self.flapping:
            line["flapping"] = True
        return line
