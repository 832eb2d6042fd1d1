"""The routing tree, with Alertmanager's semantics.

An alert walks down from the root. At each node the first matching child takes it;
``continue: true`` lets the following siblings try as well. A node none of whose
children matched delivers to its own receiver (inherited from its parent if unset).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from alertd.config.schema import RouteConfig
from alertd.matching import LabelSelector


@dataclass(frozen=True, slots=True)
class Route:
    selector: LabelSelector
    receiver: str | None
    continue_: bool
    children: tuple[Route, ...]

    @classmethod
    def build(cls, config: RouteConfig, parent_receiver: str | None = None) -> Route:
        receiver = config.receiver or parent_receiver
        return cls(
            selector=LabelSelector.from_mapping(config.match),
            receiver=receiver,
            continue_=config.continue_,
            children=tuple(cls.build(child, receiver) for child in config.routes),
        )

    def receivers_for(self, labels: Mapping[str, str]) -> list[str]:
        """Receivers in routing order, without duplicates."""
        found = self._walk(labels)
        return list(dict.fromkeys(r for r in found if r is not None))

    def _walk(self, labels: Mapping[str, str]) -> list[str | None]:
        out: list[str | None] = []
        matched_child = False
        for child in self.children:
            if not child.selector.matches(labels):
                continue
            matched_child = True
            out.extend(child._walk(labels))
            if not child.continue_:
                break
        if not matched_child:
            out.append(self.receiver)
        return out
