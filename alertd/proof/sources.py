"""Incident facts from the pipeline's own stores (live daemon and offline replay)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from alertd.alerts.incidents import IncidentStore
from alertd.config.rules import RuleSpec
from alertd.notices.tracker import NoticeTracker
from alertd.proof.model import IncidentFacts


def incident_facts(
    incidents: IncidentStore, tracker: NoticeTracker | None, rules: Mapping[str, RuleSpec]
) -> list[IncidentFacts]:
    """One :class:`IncidentFacts` per incident the store remembers (open or closed)."""
    facts: list[IncidentFacts] = []
    for incident in incidents.all():
        alert = incident.alert
        state = tracker.get(incident.id) if tracker is not None else None
        extra: dict[str, object] = {}
        if state is not None:
            extra["audience"] = frozenset(state.audience.ids())
            if state.components:
                extra["components"] = state.components
            if state.regions:
                extra["regions"] = state.regions
        rule = rules.get(alert.rule)
        facts.append(
            IncidentFacts.scoped(
                incident.id,
                alert.rule,
                alert.labels,
                incident.opened_at,
                resolved_at=incident.resolved_at,
                fingerprint=alert.fingerprint,
                signal_name=(rule.match.name or "") if rule else "",
                signal_labels={
                    k: alert.labels[k] for k in (rule.group_by if rule else ()) if k in alert.labels
                },
                **extra,
            )
        )
    return facts


def facts_source(
    incidents: IncidentStore,
    tracker: Callable[[], NoticeTracker | None],
    rules: Callable[[], Iterable[RuleSpec]],
) -> Callable[[], list[IncidentFacts]]:
    """A ledger source that always reads the current stores and rules (config reloads)."""
    return lambda: incident_facts(incidents, tracker(), {r.name: r for r in rules()})
