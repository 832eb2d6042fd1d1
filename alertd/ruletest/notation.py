"""Compact series notation, as in ``promtool test rules``.

``"1 2 _ 4 stale"`` is five steps: 1, 2, no sample, 4, no sample. ``"0.01+0.01x3"``
expands to 0.01, 0.02, 0.03, 0.04 (start, then ``x`` more steps of ``+increment``;
``-`` decrements), ``"5x2"`` to 5 5 5 and ``"_x3"`` to three steps without samples.
Each step is one ``interval`` apart; ``None`` marks a step without an event.
"""

from __future__ import annotations

import re

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|NaN|inf|Inf)"
_EXPANDING = re.compile(rf"^({_NUMBER})(?:([-+])(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+))?x(\d+)$")
_BLANK_REPEAT = re.compile(r"^_x(\d+)$")
_MISSING = {"_", "stale"}


def expand(text: str | float | int) -> list[float | None]:
    """Values of one series, one per step; ValueError names the bad term."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return [float(text)]
    out: list[float | None] = []
    for term in str(text).split():
        out.extend(_term(term))
    return out


def _term(term: str) -> list[float | None]:
    if term in _MISSING:
        return [None]
    blank = _BLANK_REPEAT.match(term)
    if blank:
        return [None] * int(blank.group(1))
    expanding = _EXPANDING.match(term)
    if expanding:
        start, sign, step, times = expanding.groups()
        delta = 0.0 if step is None else float(step) * (-1.0 if sign == "-" else 1.0)
        return [float(start) + i * delta for i in range(int(times) + 1)]
    try:
        return [float(term)]
    except ValueError:
        raise ValueError(
            f"cannot read {term!r}: write a number, '_' or 'stale' for no sample, "
            "'a+bxn' for n steps from a by b, or 'axn' to repeat a"
        ) from None
