"""An evaluator's state as changelog records: detector series, tracks, flap history.

Collecting drains the evaluator's change sets into a partition's write buffer;
restoring installs one record into a fresh evaluator of the running config (a record
of a rule that is gone is dropped with it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import structlog

from alertd.detect.table import SeriesKey
from alertd.state import keys
from alertd.state.records import (
    decode_series,
    decode_starts,
    decode_track,
    encode_series,
    encode_starts,
    encode_track,
)
from alertd.state.section import Buffer

if TYPE_CHECKING:
    from alertd.alerts.evaluator import Evaluator

log = structlog.get_logger(__name__)

TOUCHED_RESOLUTION = 60.0
"""Seconds: how precisely a series' last-seen time is persisted."""

KINDS = frozenset({keys.SERIES, keys.TRACK, keys.FLAPS})


def collect_evaluator(
    topic: str, evaluator: Evaluator, buffer: Buffer, written: dict[bytes, int]
) -> None:
    """Buffer what changed; ``written`` holds the hash of each series record last written,
    so a series whose encoded state did not change is not written again."""
    for (rule, group), series, touched in evaluator.engine.drain_dirty():
        key = keys.key(keys.SERIES, topic, rule, list(group))
        if series is None:
            buffer[key] = None
            written.pop(key, None)
            continue
        try:
            # Last-seen to the minute: expiry needs no more, and an unchanged
            # series then encodes to the same bytes and is skipped.
            value = encode_series(series, touched - touched % TOUCHED_RESOLUTION)
        except (TypeError, ValueError, OverflowError) as exc:
            log.warning("series_not_persisted", rule=rule, error=str(exc))
            continue
        digest = hash(value)
        if written.get(key) != digest:
            buffer[key] = value
            written[key] = digest
    for (rule, group), track in evaluator.lifecycle.drain_dirty():
        key = keys.key(keys.TRACK, topic, rule, list(group))
        buffer[key] = None if track is None else encode_track(track)
    for flap_key, starts in evaluator.lifecycle.flaps.drain_dirty():
        rule, group = cast(SeriesKey, flap_key)
        key = keys.key(keys.FLAPS, topic, rule, list(group))
        buffer[key] = None if starts is None else encode_starts(starts)


def restore_into(evaluator: Evaluator, parts: list[Any], raw: bytes) -> None:
    """Install one series, track or flap record (``parts``: its parsed key)."""
    kind, rule_name = parts[0], str(parts[2])
    rule = evaluator.engine.rules.get(rule_name)
    if rule is None:
        return  # the rule is gone from the config: its state is gone too
    series_key: SeriesKey = (rule.name, tuple(str(v) for v in parts[3]))
    if kind == keys.SERIES:
        series, touched = decode_series(rule, raw)
        evaluator.engine.install(series_key, series, touched)
    elif kind == keys.TRACK:
        evaluator.lifecycle.install(series_key, decode_track(rule, series_key[1], raw))
    else:
        evaluator.lifecycle.flaps.install(series_key, decode_starts(raw))
