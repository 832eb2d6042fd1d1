"""The report as a plain-text table: one line per incident, offsets from detection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from alertd.proof.correlate import IncidentProof, Report
from alertd.proof.timefmt import clock, span, stamp

HEADERS = (
    "INCIDENT",
    "RULE",
    "SCOPE",
    "DETECTED",
    "PAGED",
    "1ST NOTICE",
    "1ST TICKET",
    "LEAD",
    "AUDIENCE",
    "NOTIFIED",
    "TICKETS N/NN/OUT",
)


def scope(proof: IncidentProof) -> str:
    parts = [*proof.facts.components, *proof.facts.regions]
    return " ".join(parts) or "-"


def row(proof: IncidentProof) -> tuple[str, ...]:
    f = proof.facts

    def offset(at: float | None) -> str:
        return span(None if at is None else at - f.opened_at)

    lead = span(proof.lead_seconds)
    if proof.ticket_first:
        lead += " ticket first"
    return (
        f.id,
        f.rule,
        scope(proof),
        clock(f.opened_at),
        offset(proof.first_page),
        offset(proof.first_notice),
        offset(proof.first_ticket),
        lead,
        str(f.audience_size),
        str(len(f.notified)),
        f"{proof.count('notified')}/{proof.count('not_notified')}/{proof.count('outside')}",
    )


def headline(report: Report) -> list[str]:
    s: Mapping[str, Any] = report.summary()
    t = s["tickets"]
    median = s["medianLeadSeconds"]
    if report.since is None and report.until is None:
        scope_text = "(all incidents)"
    else:
        since = stamp(report.since) if report.since is not None else "the beginning"
        until = stamp(report.until) if report.until is not None else "now"
        scope_text = f"{since} .. {until}"
    return [
        f"Proof report {scope_text}: "
        f"{_count(s['incidents'], 'incident')}, {s['withNotice']} with customer notices, "
        f"{s['ticketFirst']} where a ticket came first, median lead "
        f"{span(median) if median is not None else '-'}",
        f"Tickets: {t['notified']} from notified customers, {t['notNotified']} from "
        f"not-notified customers of the audience, {t['outside']} from outside the audience, "
        f"{t['unmatched']} not about any incident",
    ]


def render_table(report: Report) -> str:
    """Times are offsets from detection; LEAD is first ticket minus first notice."""
    rows = [HEADERS, *(row(p) for p in report.incidents)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADERS))]
    lines = [*headline(report), ""]
    for r in rows:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    if not report.incidents:
        lines.append("(no incidents in this range)")
    return "\n".join(lines) + "\n"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
