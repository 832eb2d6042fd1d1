"""Zendesk tickets as ``kind: ticket`` events, for the proof report (alertd/proof).

Two shapes arrive (through Kafka, e.g. from a webhook-to-Kafka bridge):

- Zendesk event webhooks: ``{"type": "zen:event-type:ticket.created", "detail": {...}}``.
  Other ticket event types (status changes, comments) are ignored: only creation
  counts as "a customer asked".
- Trigger webhooks whose JSON body wraps the ticket: ``{"ticket": {...}}`` with the
  API's ticket fields (``id``, ``created_at``, ``requester_id``, ``organization_id``,
  ``tags`` as a list or the ``{{ticket.tags}}`` space-separated string).

The customer is the tag ``customer_<id>``, else ``customer_id`` in the body, else the
organization's ``external_id``, else ``organization_id``. Tags ``component_<name>`` and
``region_<name>`` become the labels ``component`` and ``region``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from alertd.ingest.decoders import DecodeError
from alertd.ingest.event import MAX_TIME, MIN_TIME, Event
from alertd.ingest.formats.build import make_event
from alertd.ingest.formats.jsonbody import JSON_OBJECT, decode_json
from alertd.proof.tags import tag_list, tagged_fields

CREATED = "zen:event-type:ticket.created"
EVENT_NAME = "ticket_created"


def decode_zendesk(raw: bytes) -> list[Event]:
    body = decode_json(raw, JSON_OBJECT, "a Zendesk ticket webhook")
    if "ticket" in body:
        ticket = body["ticket"]
        if not isinstance(ticket, dict):
            raise DecodeError("Zendesk 'ticket' must be an object")
        return [_event(ticket, None)]
    kind = body.get("type")
    if isinstance(kind, str) and kind.startswith("zen:event-type:ticket."):
        if kind != CREATED:
            return []
        detail = body.get("detail")
        if not isinstance(detail, dict):
            raise DecodeError("Zendesk ticket.created event without a 'detail' object")
        return [_event(detail, body.get("time"))]
    raise DecodeError(
        "not a Zendesk ticket: expected {'ticket': {...}} (trigger webhook) or an event "
        f"webhook of type {CREATED!r}"
    )


def _event(ticket: dict[str, Any], fallback_time: Any) -> Event:
    ticket_id = ticket.get("id")
    if ticket_id in (None, ""):
        raise DecodeError("Zendesk ticket without an 'id'")
    at = _time(ticket.get("created_at") or fallback_time)
    tagged = tagged_fields(tag_list(ticket.get("tags")))
    customer = tagged.get("customer") or _customer(ticket)
    labels: dict[str, str] = {k: tagged[k] for k in ("component", "region") if k in tagged}
    attributes: dict[str, Any] = {
        "ticket_id": str(ticket_id),
        "source": "zendesk",
        "subject": str(ticket.get("subject") or ""),
        "requester_id": _text(ticket.get("requester_id")),
        "priority": _text(ticket.get("priority")),
    }
    if customer:
        attributes["customer_id"] = customer
    return make_event(at, "ticket", EVENT_NAME, None, labels, attributes)


def _customer(ticket: dict[str, Any]) -> str | None:
    org = ticket.get("organization")
    for value in (
        ticket.get("customer_id"),
        org.get("external_id") if isinstance(org, dict) else None,
        ticket.get("organization_id"),
    ):
        text = _text(value)
        if text and text != "0":
            return text
    return None


def _text(value: Any) -> str | None:
    return None if value is None or isinstance(value, dict | list) else str(value) or None


def _time(value: Any) -> float:
    if not isinstance(value, str) or not value:
        raise DecodeError("Zendesk ticket without 'created_at' (RFC 3339)")
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except (ValueError, OverflowError) as exc:
        raise DecodeError(f"Zendesk created_at {value!r} is not RFC 3339") from exc
    if not MIN_TIME <= at <= MAX_TIME:
        raise DecodeError(f"Zendesk created_at {value!r} is outside the years 1-9999")
    return at
