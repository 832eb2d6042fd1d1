"""Which customers an alert affects, computed from its labels (no person picks them).

Each ``customer field: alert label`` pair must hold: the label's value must be one of
the customer's values for that field. An alert that lacks a mapped label affects
nobody: alertd tells exactly the affected customers, and guessing would spam.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from alertd.customers.directory import CustomerDirectory
from alertd.customers.model import Customer
from alertd.customers.spec import AudienceSpec

NO_SEGMENT = "(none)"


@dataclass(frozen=True, slots=True)
class Audience:
    customers: tuple[Customer, ...]
    sizes: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """segment -> channel -> customers reachable there (status feed counts everyone)."""

    @property
    def size(self) -> int:
        return len(self.customers)

    def ids(self) -> list[str]:
        return [c.id for c in self.customers]

    def as_json(self) -> dict[str, object]:
        return {
            "customers": self.size,
            "bySegment": {s: dict(ch) for s, ch in self.sizes.items()},
        }


def resolve(
    spec: AudienceSpec, labels: Mapping[str, str], directory: CustomerDirectory
) -> Audience:
    wanted = _wanted_values(spec, labels)
    if wanted is None:
        return Audience(())
    segments = [directory.segment(name) for name in spec.segments]
    chosen = tuple(
        c
        for c in directory.all()
        if all(value in c.field_values(name) for name, value in wanted.items())
        and (not segments or any(s.matches(c) for s in segments))
    )
    return Audience(chosen, audience_sizes(chosen, directory, spec.segments, spec.channels))


def _wanted_values(spec: AudienceSpec, labels: Mapping[str, str]) -> dict[str, str] | None:
    wanted: dict[str, str] = {}
    for field_name, label in spec.match.items():
        value = labels.get(label)
        if not value:
            return None
        wanted[field_name] = value
    return wanted


def audience_sizes(
    customers: Sequence[Customer],
    directory: CustomerDirectory,
    limit_to: Sequence[str] = (),
    channels: Sequence[str] = ("email", "webhook"),
) -> dict[str, dict[str, int]]:
    """Count customers per segment and channel, the numbers on-call approves."""
    sizes: dict[str, dict[str, int]] = {}
    for customer in customers:
        names = [s for s in directory.segments_of(customer) if not limit_to or s in limit_to]
        for segment in names or [NO_SEGMENT]:
            row = sizes.setdefault(segment, {})
            row["status"] = row.get("status", 0) + 1
            for channel in channels:
                if getattr(customer.contacts, channel):
                    row[channel] = row.get(channel, 0) + 1
    return sizes
