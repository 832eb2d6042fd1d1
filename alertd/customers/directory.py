"""The customer directory: who exists now, and which segments they belong to.

Customers come from a file (small installs) and/or a compacted Kafka topic; the topic
wins for an id present in both, because it is the live source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from alertd.customers.model import Customer
from alertd.customers.segments import Segment


class UnknownSegment(KeyError):
    """A rule or request named a segment that is not defined."""


class CustomerDirectory:
    def __init__(
        self,
        customers: Iterable[Customer] = (),
        segments: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self._customers: dict[str, Customer] = {c.id: c for c in customers}
        self.segments: dict[str, Segment] = {
            name: Segment.build(name, spec) for name, spec in (segments or {}).items()
        }

    def __len__(self) -> int:
        return len(self._customers)

    def upsert(self, customer: Customer) -> None:
        self._customers[customer.id] = customer

    def remove(self, customer_id: str) -> None:
        self._customers.pop(customer_id, None)

    def get(self, customer_id: str) -> Customer | None:
        return self._customers.get(customer_id)

    def all(self) -> list[Customer]:
        return sorted(self._customers.values(), key=lambda c: c.id)

    def segment(self, name: str) -> Segment:
        try:
            return self.segments[name]
        except KeyError:
            known = ", ".join(sorted(self.segments)) or "none defined"
            raise UnknownSegment(f"unknown segment {name!r} (known: {known})") from None

    def in_segment(self, name: str) -> list[Customer]:
        segment = self.segment(name)
        return [c for c in self.all() if segment.matches(c)]

    def segments_of(self, customer: Customer) -> list[str]:
        return sorted(name for name, seg in self.segments.items() if seg.matches(customer))
