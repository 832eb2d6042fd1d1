"""Hypothesis strategies for hostile input: JSON-ish values, event-shaped junk, YAML soup."""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

BOUNDED = settings(
    max_examples=int(os.environ.get("ALERTD_PROPERTY_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
"""Fast by default; set ALERTD_PROPERTY_EXAMPLES=5000 for a longer soak run."""

EVENT_KINDS = ["metric", "log", "check", "change", "ticket", "customer"]

huge_integers = st.integers(min_value=-(10**40), max_value=10**40)
any_floats = st.floats(allow_nan=True, allow_infinity=True)
scalars = st.none() | st.booleans() | huge_integers | any_floats | st.text(max_size=40)


def json_values(max_leaves: int = 30) -> st.SearchStrategy[Any]:
    """Anything JSON can say, plus NaN and Infinity (written as their bare literals)."""
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner),
        max_leaves=max_leaves,
    )


def dumps(value: Any) -> bytes:
    """``json.dumps`` keeps NaN/Infinity as literals, which strict JSON forbids."""
    return json.dumps(value, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")


times = st.one_of(
    huge_integers,
    any_floats,
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat()),  # no offset: must be rejected
    st.text(max_size=30),
    json_values(5),
)
kinds = st.sampled_from(EVENT_KINDS) | st.text(max_size=10) | json_values(3)
names = st.text(max_size=600) | json_values(3)
labels = st.dictionaries(st.text(max_size=20), st.text(max_size=20) | json_values(3), max_size=8)


@st.composite
def event_like(draw: st.DrawFn) -> dict[str, Any]:
    """An object close to a canonical event, with any field missing, extra or wrong."""
    candidate: dict[str, Any] = {
        "time": draw(times),
        "kind": draw(kinds),
        "name": draw(names),
        "value": draw(st.none() | any_floats | huge_integers | json_values(3)),
        "labels": draw(labels | json_values(5)),
        "attributes": draw(st.dictionaries(st.text(max_size=10), json_values(10)) | json_values(5)),
    }
    for key in draw(st.lists(st.sampled_from(sorted(candidate)), max_size=3)):
        candidate.pop(key, None)
    candidate.update(draw(st.dictionaries(st.text(max_size=10), json_values(3), max_size=2)))
    return candidate


def deep_json(depth: int, kind: str) -> bytes:
    if kind == "arrays":
        return b"[" * depth + b"]" * depth
    if kind == "objects":
        return b'{"a":' * depth + b"1" + b"}" * depth
    inner = b'{"x":' * depth + b"1" + b"}" * depth
    return b'{"time":1,"kind":"log","name":"deep","attributes":' + inner + b"}"


YAML_TOKENS = [
    "kafka",
    "rules",
    "rule_files",
    "receivers",
    "route",
    "name",
    "match",
    "detect",
    "threshold",
    "above",
    "for",
    "labels",
    "annotations",
    "http",
    "listen",
    "-",
    "- ",
    ": ",
    ":",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "*b",
    "!!int ",
    "!!float ",
    "!!set ",
    "!!binary ",
    "!!timestamp ",
    "!foo ",
    "? ",
    "<<: ",
    "|",
    ">",
    "'",
    '"',
    "#",
    "---",
    "...",
    "%YAML 1.1\n",
    "\t",
    "\n",
    "  ",
    "    ",
    "~",
    "null",
    "true",
    "1e999",
    ".nan",
    "0x1F",
    "5m",
    "{{ value }}",
    "{% if %}",
    "~^eu-(",
    "\\",
    "\x00",
    "\ufeff",
    "é",
    "𝄞",
]
yaml_soup = st.lists(st.sampled_from(YAML_TOKENS), max_size=60).map("".join)
