"""The routing tree, with Alertmanager's semantics.

An alert walks down from the root. At each node the first matching child takes it;
``continue: true`` lets the following siblings try as well. A node none of whose
children matched delivers to its own receiver. Receiver, grouping, timing, time
intervals and escalation are inherited from the parent unless a node sets them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from alertd.config.schema import RouteConfig
from alertd.matching import LabelSelector

GROUP_BY_ALL = "..."
"""``group_by: ['...']`` groups by every label: one group per alert (the default)."""
DEFAULT_GROUP_WAIT = 30.0
DEFAULT_GROUP_INTERVAL = 300.0
DEFAULT_REPEAT_INTERVAL = 4 * 3600.0
DEFAULT_IMMEDIATE = ("critical",)


@dataclass(frozen=True, slots=True)
class Route:
    selector: LabelSelector
    receiver: str | None
    continue_: bool
    children: tuple[Route, ...]
    path: str = "/"
    """Position in the tree (``/0/1``); part of the group key."""
    group_by: tuple[str, ...] = (GROUP_BY_ALL,)
    wait: float | None = None
    """``group_wait`` as configured here or above; None = default, see ``group_wait``."""
    group_interval: float = DEFAULT_GROUP_INTERVAL
    repeat_interval: float = DEFAULT_REPEAT_INTERVAL
    immediate_severities: frozenset[str] = frozenset(DEFAULT_IMMEDIATE)
    mute_time_intervals: tuple[str, ...] = ()
    active_time_intervals: tuple[str, ...] = ()
    escalation: str | None = None

    @classmethod
    def build(cls, config: RouteConfig, parent: Route | None = None, path: str = "/") -> Route:
        base = parent or _ROOT_DEFAULTS
        node = cls(
            selector=LabelSelector.from_mapping(config.match),
            receiver=config.receiver or base.receiver,
            continue_=config.continue_,
            children=(),
            path=path,
            group_by=tuple(pick(config.group_by, list(base.group_by))),
            wait=pick(config.group_wait, base.wait),
            group_interval=pick(config.group_interval, base.group_interval),
            repeat_interval=pick(config.repeat_interval, base.repeat_interval),
            immediate_severities=frozenset(
                pick(config.immediate_severities, list(base.immediate_severities))
            ),
            mute_time_intervals=tuple(config.mute_time_intervals or base.mute_time_intervals),
            active_time_intervals=tuple(config.active_time_intervals or base.active_time_intervals),
            escalation=config.escalation or base.escalation,
        )
        children = tuple(
            cls.build(child, node, f"{path.rstrip('/')}/{i}")
            for i, child in enumerate(config.routes)
        )
        object.__setattr__(node, "children", children)
        return node

    def match(self, labels: Mapping[str, str]) -> list[Route]:
        """The nodes that deliver an alert with these labels, in routing order."""
        out: list[Route] = []
        matched_child = False
        for child in self.children:
            if not child.selector.matches(labels):
                continue
            matched_child = True
            out.extend(child.match(labels))
            if not child.continue_:
                break
        if not matched_child:
            out.append(self)
        return out

    def receivers_for(self, labels: Mapping[str, str]) -> list[str]:
        """Receivers in routing order, without duplicates."""
        found = (r.receiver for r in self.match(labels))
        return list(dict.fromkeys(r for r in found if r is not None))

    @property
    def group_wait(self) -> float:
        """Unset: 30s like Alertmanager, but 0 when each alert is its own group
        (``group_by: ['...']``, the default): there are no siblings to wait for."""
        if self.wait is not None:
            return self.wait
        return 0.0 if GROUP_BY_ALL in self.group_by else DEFAULT_GROUP_WAIT

    def group_labels(self, labels: Mapping[str, str]) -> dict[str, str]:
        if GROUP_BY_ALL in self.group_by:
            return dict(sorted(labels.items()))
        return {k: labels[k] for k in sorted(self.group_by) if k in labels}

    def group_key(self, labels: Mapping[str, str]) -> str:
        """Alertmanager-style ``{route}:{k="v",...}``: stable across restarts."""
        inner = ",".join(f'{k}="{v}"' for k, v in self.group_labels(labels).items())
        return f"{self.path}:{{{inner}}}"


T = TypeVar("T")


def pick(own: T | None, inherited: T) -> T:
    return inherited if own is None else own


_ROOT_DEFAULTS = Route(LabelSelector(()), None, False, ())
