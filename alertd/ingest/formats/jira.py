"""Jira Service Management requests as ``kind: ticket`` events (``jira:issue_created``).

The payload is Jira's issue webhook: ``{"webhookEvent": "jira:issue_created",
"timestamp": ms, "issue": {"key": ..., "fields": {"created": ..., "labels": [...],
"components": [{"name": ...}], ...}}}``. Other webhook events (updates, comments) are
ignored: only creation counts as "a customer asked".

The customer is the label ``customer_<id>``; the component is the label
``component_<name>``, else the issue's first Jira component; the region is the label
``region_<name>``. Jira writes ``created`` as ``2026-11-02T08:31:05.123+0100``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from alertd.ingest.decoders import DecodeError
from alertd.ingest.event import MAX_TIME, MIN_TIME, Event
from alertd.ingest.formats.build import make_event
from alertd.ingest.formats.jsonbody import JSON_OBJECT, decode_json
from alertd.proof.tags import tag_list, tagged_fields

CREATED = "jira:issue_created"
EVENT_NAME = "ticket_created"
_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


def decode_jira(raw: bytes) -> list[Event]:
    body = decode_json(raw, JSON_OBJECT, "a Jira issue webhook")
    kind = body.get("webhookEvent")
    if not isinstance(kind, str):
        raise DecodeError("not a Jira webhook: no 'webhookEvent'")
    if kind != CREATED:
        return []
    issue = body.get("issue")
    fields = issue.get("fields") if isinstance(issue, dict) else None
    if not isinstance(issue, dict) or not isinstance(fields, dict):
        raise DecodeError("Jira issue_created without 'issue.fields'")
    key = issue.get("key") or issue.get("id")
    if not key:
        raise DecodeError("Jira issue without 'key'")
    at = _created(fields.get("created"), body.get("timestamp"))
    if not MIN_TIME <= at <= MAX_TIME:
        raise DecodeError("Jira issue creation time is outside the years 1-9999")
    tagged = tagged_fields(tag_list(fields.get("labels")))
    component = tagged.get("component") or _first_component(fields.get("components"))
    labels = {"component": component} if component else {}
    if "region" in tagged:
        labels["region"] = tagged["region"]
    attributes: dict[str, Any] = {
        "ticket_id": str(key),
        "source": "jira",
        "subject": str(fields.get("summary") or ""),
    }
    if "customer" in tagged:
        attributes["customer_id"] = tagged["customer"]
    return [make_event(at, "ticket", EVENT_NAME, None, labels, attributes)]


def _first_component(raw: Any) -> str | None:
    if isinstance(raw, list):
        for item in raw:
            if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"]:
                return str(item["name"])
    return None


def _created(value: Any, timestamp_ms: Any) -> float:
    if isinstance(value, str) and value:
        text = _OFFSET.sub(r"\1:\2", value.replace("Z", "+00:00"))
        try:
            parsed = datetime.fromisoformat(text)
            if parsed.tzinfo is None:
                raise DecodeError(f"Jira 'created' {value!r} has no time zone")
            return parsed.timestamp()
        except (ValueError, OverflowError) as exc:
            raise DecodeError(f"Jira 'created' {value!r} is not a timestamp") from exc
    if isinstance(timestamp_ms, int | float) and not isinstance(timestamp_ms, bool):
        return float(timestamp_ms) / 1000.0
    raise DecodeError("Jira issue without 'fields.created' or 'timestamp'")
