"""Metric names alertd exports (from alertd/observe/metrics.py), for checking queries."""

from __future__ import annotations

from alertd.observe.metrics import Metrics

SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "info": ("_info",),
}


def exported_series() -> set[str]:
    """Every series name a query may use, even for labelled metrics with no children yet."""
    names = set()
    for family in Metrics().registry.collect():
        suffixes = SUFFIXES.get(family.type, ("",))
        names.update(family.name + suffix for suffix in suffixes)
    return names


def exported_families() -> set[str]:
    return {f.name for f in Metrics().registry.collect()}
