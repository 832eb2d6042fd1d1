"""Helpdesk tags/labels that carry alertd's ticket fields (``customer_acme``...).

Helpdesks have no standard field for "which of our customers" or "which component
and region": teams add tags or labels with a trigger or automation rule. alertd reads
``customer_<id>``, ``component_<name>`` and ``region_<name>`` (``-`` or ``:`` also
separate the prefix, as some helpdesks allow only some characters in tags).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PREFIXES = ("customer", "component", "region")
_TAG = re.compile(r"^(customer|component|region)[_:-](.+)$", re.IGNORECASE)


def tagged_fields(tags: Iterable[str]) -> dict[str, str]:
    """``{"customer": ..., "component": ..., "region": ...}`` from tags (first one wins)."""
    found: dict[str, str] = {}
    for tag in tags:
        match = _TAG.match(tag.strip())
        if match:
            found.setdefault(match.group(1).lower(), match.group(2))
    return found


def tag_list(raw: object) -> list[str]:
    """Tags as a JSON list, or as Zendesk's placeholder renders them (space-separated)."""
    if isinstance(raw, str):
        return raw.split()
    if isinstance(raw, list):
        return [str(t) for t in raw if isinstance(t, str | int)]
    return []
