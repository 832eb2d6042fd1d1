"""The report as one self-contained HTML page: summary, then a section per incident."""

from __future__ import annotations

from html import escape

from alertd.proof.chart import legend, render_chart
from alertd.proof.correlate import IncidentProof, Report
from alertd.proof.table import headline, scope
from alertd.proof.timefmt import span, stamp

STYLE = """
body{font-family:system-ui,sans-serif;margin:24px;color:#111827;background:#fff}
h1{font-size:22px;margin:0 0 6px} h2{font-size:16px;margin:28px 0 6px}
p.lead{margin:2px 0;color:#374151}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left}
th{background:#f3f4f6} td.num{text-align:right}
.good{color:#15803d;font-weight:600} .bad{color:#b91c1c;font-weight:600}
.key{display:inline-block;margin-right:14px;font-size:12px;color:#374151}
.key i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
section{border-top:1px solid #e5e7eb;margin-top:18px}
"""


def render_page(report: Report, title: str = "alertd proof report") -> str:
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        *(f'<p class="lead">{escape(line)}</p>' for line in headline(report)),
        _overview(report),
        f"<p>{legend()}</p>",
    ]
    lines += [_section(p) for p in report.incidents]
    if not report.incidents:
        lines.append("<p>No incidents in this range.</p>")
    lines.append("</body></html>")
    return "\n".join(lines) + "\n"


def _lead_cell(proof: IncidentProof) -> str:
    lead = proof.lead_seconds
    if proof.ticket_first:
        return f'<td class="bad">{escape(span(lead))} (ticket first)</td>'
    if lead is None:
        return "<td>-</td>"
    return f'<td class="good">{escape(span(lead))}</td>'


def _overview(report: Report) -> str:
    head = (
        "<tr><th>Incident</th><th>Rule</th><th>Scope</th><th>Detected</th><th>Lead</th>"
        "<th>Audience</th><th>Told</th><th>Tickets told / not told / outside</th></tr>"
    )
    rows = [
        f'<tr><td><a href="#{escape(p.facts.id)}">{escape(p.facts.id)}</a></td>'
        f"<td>{escape(p.facts.rule)}</td><td>{escape(scope(p))}</td>"
        f"<td>{escape(stamp(p.facts.opened_at))}</td>{_lead_cell(p)}"
        f'<td class="num">{p.facts.audience_size}</td>'
        f'<td class="num">{len(p.facts.notified)}</td>'
        f"<td>{p.count('notified')} / {p.count('not_notified')} / {p.count('outside')}</td></tr>"
        for p in report.incidents
    ]
    return f"<table>{head}{''.join(rows)}</table>"


def _section(proof: IncidentProof) -> str:
    f = proof.facts

    def offset(at: float | None) -> str:
        return escape(span(None if at is None else at - f.opened_at))

    facts = [
        ("Detected", escape(stamp(f.opened_at))),
        ("Resolved", escape(stamp(f.resolved_at))),
        ("On-call paged", offset(proof.first_page)),
        ("First customer notice", offset(proof.first_notice)),
        ("First ticket", offset(proof.first_ticket)),
        ("Customers affected / told", f"{f.audience_size} / {len(f.notified)}"),
    ]
    cells = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in facts)
    lead = f"<tr><th>Lead (first ticket - first notice)</th>{_lead_cell(proof)}</tr>"
    return (
        f'<section id="{escape(f.id)}"><h2>{escape(f.id)} &middot; {escape(f.rule)} '
        f"&middot; {escape(scope(proof))}</h2>"
        f"<table>{cells}{lead}</table>{render_chart(proof)}</section>"
    )
