"""Changelog values for customer-notice progress.

A notice's audience is stored as customer ids, not customer records: the directory
(file or Kafka feed) stays the one source of contact details, so a customer who
changed an address is reached at the new one after a restore.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from alertd.customers.audience import Audience
from alertd.customers.directory import CustomerDirectory
from alertd.notices.model import NoticeItem
from alertd.notices.tracker import NoticeState
from alertd.state.codec import StateCodecError, decode_object, encode_object

_SKIPPED = ("audience", "origin")


def encode_notice(state: NoticeState) -> bytes:
    fields = {
        f.name: getattr(state, f.name) for f in dataclasses.fields(state) if f.name not in _SKIPPED
    }
    fields["labels"] = dict(state.labels)
    fields["audience"] = {"ids": state.audience.ids(), "sizes": _plain(state.audience.sizes)}
    return encode_object(fields)


def decode_notice(raw: bytes, directory: CustomerDirectory) -> NoticeState:
    fields = decode_object(raw)
    if not isinstance(fields, dict):
        raise StateCodecError("notice record is not a mapping")
    try:
        audience = fields.pop("audience")
        customers = (directory.get(str(c)) for c in audience["ids"])
        fields["audience"] = Audience(tuple(c for c in customers if c), audience["sizes"])
        return NoticeState(**fields)
    except (KeyError, TypeError) as exc:
        raise StateCodecError(f"bad notice record: {exc}") from exc


def encode_item(item: NoticeItem) -> bytes:
    return encode_object(item)


def decode_item(raw: bytes) -> NoticeItem:
    item = decode_object(raw)
    if not isinstance(item, NoticeItem):
        raise StateCodecError("notice item record holds no notice item")
    return item


def _plain(sizes: Any) -> dict[str, dict[str, int]]:
    return {str(segment): dict(channels) for segment, channels in sizes.items()}
