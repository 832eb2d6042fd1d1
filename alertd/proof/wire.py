"""Read a report back from ``/api/v1/report`` JSON, so the CLI renders it like a replay.

Customer ids of the audience are not in the JSON (only counts and notice times); the
rebuilt facts carry counts and times, which is all the table and chart use.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, get_args

from alertd.proof.correlate import IncidentProof, Report, TicketVerdict, Verdict
from alertd.proof.model import IncidentFacts, Ticket

VERDICTS = frozenset(get_args(Verdict))


def report_from_json(data: dict[str, Any]) -> Report:
    """Raises ValueError (with the field) when the JSON is not a report."""
    try:
        incidents = [_incident(item) for item in data["incidents"]]
        unmatched = int(data["summary"]["tickets"]["unmatched"])
        return Report(incidents, unmatched, _when(data.get("since")), _when(data.get("until")))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not an alertd report: {exc!r}") from exc


def _incident(item: dict[str, Any]) -> IncidentProof:
    opened = _need(item, "openedAt")
    times = [float(t) for t in item.get("noticeTimes", [])]
    signal = item.get("signal") or {}
    facts = IncidentFacts(
        id=str(item["id"]),
        rule=str(item["rule"]),
        labels=dict(item.get("labels", {})),
        opened_at=opened,
        resolved_at=_when(item.get("resolvedAt")),
        components=tuple(item.get("components", ())),
        regions=tuple(item.get("regions", ())),
        notified={f"#{n}": at for n, at in enumerate(times)},
        pages=[float(t) for t in item.get("pages", [])],
        signal_name=str(signal.get("name", "")),
        signal=[(float(t), float(v)) for t, v in signal.get("points", [])],
        audience_count=int(item.get("audience", 0)),
    )
    tickets = [_ticket(t) for t in item.get("ticketList", [])]
    return IncidentProof(facts, tickets)


def _ticket(item: dict[str, Any]) -> TicketVerdict:
    at = _need(item, "at")
    verdict = item["verdict"]
    if verdict not in VERDICTS:
        raise ValueError(f"unknown ticket verdict {verdict!r}")
    ticket = Ticket(
        id=str(item["id"]),
        at=at,
        customer_id=item.get("customer"),
        component=item.get("component"),
        region=item.get("region"),
    )
    return TicketVerdict(ticket, verdict)


def _when(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


def _need(item: dict[str, Any], key: str) -> float:
    value = _when(item[key])
    if value is None:
        raise ValueError(f"{key} is null")
    return value
