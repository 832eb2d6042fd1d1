"""One incident's timeline as inline SVG: signal, detection, page, notices, tickets.

Hand-written SVG keeps the report self-contained (no script, no external assets) and
readable in any browser or mail client.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from alertd.proof.correlate import IncidentProof
from alertd.proof.timefmt import clock

W, H = 920, 330
LEFT, RIGHT, TOP = 56, 64, 64
PLOT_BOTTOM = 240
"""Signal and notices share the plot; tickets sit in a band below it."""
TICKET_Y = 268
AXIS_Y = 292
LABEL_Y = 14
"""Marker labels stack above the plot, where they hide no data."""
COLORS = {
    "signal": "#2563eb",
    "detected": "#dc2626",
    "paged": "#ea580c",
    "notice": "#16a34a",
    "resolved": "#6b7280",
    "notified": "#16a34a",
    "not_notified": "#dc2626",
    "outside": "#9ca3af",
}


class _Scale:
    def __init__(self, lo: float, hi: float, out_lo: float, out_hi: float) -> None:
        self.lo, self.hi = lo, hi if hi > lo else lo + 1.0
        self.out_lo, self.out_hi = out_lo, out_hi

    def __call__(self, value: float) -> float:
        ratio = (value - self.lo) / (self.hi - self.lo)
        return round(self.out_lo + ratio * (self.out_hi - self.out_lo), 1)


def time_range(proof: IncidentProof) -> tuple[float, float]:
    f = proof.facts
    times = [f.opened_at, *(t for t, _ in f.signal), *(v.ticket.at for v in proof.tickets)]
    times += [*f.notified.values(), *f.pages]
    if f.resolved_at is not None:
        times.append(f.resolved_at)
    lo, hi = min(times), max(times)
    pad = max((hi - lo) * 0.04, 60.0)
    return lo - pad, hi + pad


def render_chart(proof: IncidentProof) -> str:
    f = proof.facts
    start, end = time_range(proof)
    x = _Scale(start, end, LEFT, W - RIGHT)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" '
        f'height="{H}" role="img" aria-label="timeline of {escape(f.id)}" '
        'font-family="system-ui, sans-serif" font-size="11">',
        f'<rect x="{LEFT}" y="{TOP}" width="{W - LEFT - RIGHT}" '
        f'height="{PLOT_BOTTOM - TOP}" fill="#f9fafb" stroke="#e5e7eb"/>',
    ]
    parts += _time_axis(x, start, end)
    parts += _signal(proof, x)
    parts += _notices(proof, x)
    parts += _markers(proof, x)
    parts += _tickets(proof, x)
    parts.append("</svg>")
    return "\n".join(parts)


def _time_axis(x: _Scale, start: float, end: float) -> list[str]:
    step = _nice_step((end - start) / 6)
    first = (start // step + 1) * step
    out = [
        f'<line x1="{LEFT}" y1="{AXIS_Y - 12}" x2="{W - RIGHT}" y2="{AXIS_Y - 12}" '
        'stroke="#d1d5db"/>'
    ]
    tick = first
    while tick < end:
        px = x(tick)
        out.append(f'<line x1="{px}" y1="{TOP}" x2="{px}" y2="{AXIS_Y - 12}" stroke="#eef0f3"/>')
        out.append(
            f'<text x="{px}" y="{AXIS_Y + 2}" text-anchor="middle" fill="#4b5563">'
            f"{clock(tick)[:5]}</text>"
        )
        tick += step
    out.append(
        f'<text x="{W - RIGHT}" y="{AXIS_Y + 16}" text-anchor="end" fill="#6b7280">UTC</text>'
    )
    out.append(
        f'<text x="{LEFT - 6}" y="{TICKET_Y + 4}" text-anchor="end" fill="#4b5563">tickets</text>'
    )
    return out


def _nice_step(raw: float) -> float:
    for step in (60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400):
        if raw <= step:
            return float(step)
    return 86400.0 * max(1, round(raw / 86400))


def _signal(proof: IncidentProof, x: _Scale) -> list[str]:
    points = proof.facts.signal
    if not points:
        return [f'<text x="{LEFT + 8}" y="{TOP + 16}" fill="#6b7280">no signal recorded</text>']
    values = [v for _, v in points]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.1 or abs(hi) * 0.1 or 1.0
    floor = 0.0 if lo >= 0 and lo - pad < 0 else lo - pad
    y = _Scale(floor, hi + pad, PLOT_BOTTOM, TOP)
    path = " ".join(f"{x(t)},{y(v)}" for t, v in points)
    name = escape(proof.facts.signal_name or "signal")
    return [
        f'<polyline points="{path}" fill="none" stroke="{COLORS["signal"]}" stroke-width="1.8"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 8}" text-anchor="end" fill="{COLORS["signal"]}">'
        f"{_num(hi + pad)}</text>",
        f'<text x="{LEFT - 6}" y="{PLOT_BOTTOM}" text-anchor="end" fill="{COLORS["signal"]}">'
        f"{_num(floor)}</text>",
        f'<text x="{LEFT + 8}" y="{TOP + 14}" fill="{COLORS["signal"]}">{name}</text>',
    ]


def _notices(proof: IncidentProof, x: _Scale) -> list[str]:
    """Customers notified so far, as a step line on the right axis (0..audience)."""
    times = sorted(proof.facts.notified.values())
    if not times:
        return []
    top = max(proof.facts.audience_size, len(times))
    y = _Scale(0, top, PLOT_BOTTOM, TOP)
    coords: list[str] = [f"{x(times[0])},{y(0)}"]
    for count, at in enumerate(times, start=1):
        coords.append(f"{x(at)},{y(count - 1)}")
        coords.append(f"{x(at)},{y(count)}")
    coords.append(f"{W - RIGHT},{y(len(times))}")
    color = COLORS["notice"]
    out = [
        f'<polyline points="{" ".join(coords)}" fill="none" stroke="{color}" '
        'stroke-width="1.5" stroke-dasharray="5 3"/>',
        f'<text x="{W - RIGHT + 6}" y="{y(len(times)) + 4}" fill="{color}">'
        f"{len(times)} told</text>",
    ]
    if y(len(times)) - TOP > 14:
        out.append(f'<text x="{W - RIGHT + 6}" y="{TOP + 8}" fill="{color}">{top}</text>')
    return out


def _markers(proof: IncidentProof, x: _Scale) -> list[str]:
    f = proof.facts
    marks: list[tuple[str, float | None, str]] = [
        ("detected", f.opened_at, "detected"),
        ("paged", proof.first_page, "paged"),
        ("notice", proof.first_notice, "first notice"),
        ("resolved", f.resolved_at, "resolved"),
    ]
    out: list[str] = []
    row = 0
    for key, at, label in marks:
        if at is None:
            continue
        px, color = x(at), COLORS[key]
        out.append(
            f'<line x1="{px}" y1="{TOP}" x2="{px}" y2="{TICKET_Y + 8}" stroke="{color}" '
            'stroke-width="1.5"/>'
        )
        anchor = "end" if px > W - RIGHT - 160 else "start"
        out.append(
            f'<line x1="{px}" y1="{LABEL_Y + 13 * row + 3}" x2="{px}" y2="{TOP}" '
            f'stroke="{color}" stroke-dasharray="2 2"/>'
        )
        out.append(
            f'<text x="{px + (3 if anchor == "start" else -3)}" y="{LABEL_Y + 13 * row}" '
            f'fill="{color}" text-anchor="{anchor}">{escape(label)} {clock(at)}</text>'
        )
        row += 1
    return out


def _tickets(proof: IncidentProof, x: _Scale) -> list[str]:
    out: list[str] = []
    seen: dict[float, int] = {}
    for v in proof.tickets:
        px = x(v.ticket.at)
        stack = seen.get(px, 0)
        seen[px] = stack + 1
        title = escape(
            f"{v.ticket.id} {v.ticket.customer_id or '?'} {clock(v.ticket.at)} "
            f"{v.verdict.replace('_', ' ')}"
        )
        out.append(
            f'<circle cx="{px}" cy="{TICKET_Y - min(stack, 4) * 5}" r="4" '
            f'fill="{COLORS[v.verdict]}" fill-opacity="0.8"><title>{title}</title></circle>'
        )
    return out


def _num(value: float) -> str:
    return f"{value:.3g}"


def legend() -> str:
    items: Sequence[tuple[str, str]] = (
        ("signal", "rule input"),
        ("detected", "detected (alert firing)"),
        ("paged", "on-call paged"),
        ("notice", "customers told (dashed: count)"),
        ("notified", "ticket, customer told before"),
        ("not_notified", "ticket, in audience, not told yet"),
        ("outside", "ticket, outside audience"),
    )
    return " ".join(
        f'<span class="key"><i style="background:{COLORS[k]}"></i>{escape(text)}</span>'
        for k, text in items
    )
