"""Move alerts in and out of paging's aggregation groups when their partition moves.

Paging groups are process-local (they may mix alerts of several partitions). A
restored firing alert is put back so its resolve gets paged; an alert whose partition
moved away is taken out, or this process would keep re-paging it on the repeat
interval while its new owner pages it too.
"""

from __future__ import annotations

from alertd.alerts.incidents import incident_id
from alertd.alerts.store import Alert
from alertd.route.paging import Paging


def rejoin(
    paging: Paging, alert: Alert, paged_at: float | None, now: float, escalate: bool
) -> None:
    """File a restored firing alert in its groups.

    A paged alert (``paged_at``: when its last page went out) counts as notified, so its
    resolve is paged, its firing is not paged again, and its repeat interval goes on
    from that page; one never paged is filed as new and pages after ``group_wait``. With
    ``escalate`` (paged, open, not acknowledged) its route's escalation starts over
    from now: steps already sent have the same notification ids, so the restored
    delivery log skips them and the first unsent step goes out.
    """
    paging.options.inhibitor.set_firing(alert.fingerprint, alert.labels)
    for route in paging.route.match(alert.labels):
        if route.receiver is None:
            continue
        group = paging.groups.add(route, alert, now)
        if group is not None and paged_at is not None:
            group.notified = group.notified | {alert.fingerprint}
            group.last_sent = max(group.last_sent or paged_at, paged_at)
            group.next_flush = now + route.group_interval
        policy = paging.options.policies.get(route.escalation or "")
        if escalate and policy is not None:
            paging.escalations.start(incident_id(alert), policy, now)


def leave(paging: Paging, alert: Alert) -> None:
    """Take an alert out of its groups and escalations (another process owns it now)."""
    paging.options.inhibitor.set_firing(alert.fingerprint, None)
    paging.escalations.stop(incident_id(alert))
    for route in paging.route.match(alert.labels):
        group = paging.groups.get(route.group_key(alert.labels))
        if group is not None:
            group.alerts.pop(alert.fingerprint, None)
            group.notified = group.notified - {alert.fingerprint}
