"""Changelog record keys: what a record is about, and for which input topic.

A key is a msgpack list ``[kind, *parts]``. State of an input partition carries its
topic (several input topics share changelog partition ``p``); outbox entries and
delivery markers belong to the changelog partition as a whole.
"""

from __future__ import annotations

from typing import Any

import msgspec

SERIES = "s"
"""[s, topic, rule, [group values]] -> [last seen, series state]"""
TRACK = "t"
"""[t, topic, rule, [group values]] -> lifecycle track"""
FLAPS = "f"
"""[f, topic, rule, [group values]] -> recent firing starts of the series (flap detection)"""
WATERMARK = "w"
"""[w, topic] -> event-time watermark of the partition"""
ALERT = "A"
"""[A, topic, fingerprint] -> active alert, whether it was paged, its incident"""
APPLIED = "a"
"""[a, topic] -> offset of the last input record applied (written last in a batch)"""
OUTBOX = "o"
"""[o, notification id] -> notification not yet delivered on all its channels"""
DELIVERED = "d"
"""[d, delivery key] -> a (notification, channel) pair that was delivered"""

NOTICE = "n"
"""[n, topic, incident id] -> what customers were told about the incident, and when"""
DIGEST = "g"
"""[g, topic, customer, story] -> item waiting in the customer's digest buffer"""
SENT = "l"
"""[l, topic, customer] -> when the customer was last sent a notice (rate limit)"""
QUIET = "q"
"""[q, topic, customer, story] -> webhook item waiting for the customer's quiet hours"""

_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder()


def key(kind: str, *parts: Any) -> bytes:
    return _encoder.encode([kind, *parts])


def parse(raw: bytes) -> list[Any] | None:
    """The key's parts, or None for a key this version does not understand."""
    try:
        parts = _decoder.decode(raw)
    except msgspec.DecodeError:
        return None
    if not isinstance(parts, list) or not parts or not isinstance(parts[0], str):
        return None
    return parts
