"""Zendesk and Jira Service Management webhooks become ``kind: ticket`` events."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from alertd.ingest.decoders import DECODERS, DecodeError
from alertd.ingest.formats.jira import decode_jira
from alertd.ingest.formats.zendesk import decode_zendesk
from alertd.proof.model import Ticket

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_both_helpdesks_are_registered_as_topic_decoders() -> None:
    assert DECODERS["zendesk"] is decode_zendesk
    assert DECODERS["jira"] is decode_jira


def test_zendesk_ticket_created_event_maps_tags_to_customer_component_region() -> None:
    [event] = decode_zendesk(fixture("zendesk_ticket_created.json"))
    assert event.kind == "ticket"
    assert event.time == datetime(2026, 11, 2, 8, 41, 5, tzinfo=UTC).timestamp()
    assert event.labels == {"component": "checkout", "region": "eu-west"}
    assert event.attributes["customer_id"] == "acme"
    assert event.attributes["ticket_id"] == "35436"
    assert event.attributes["source"] == "zendesk"
    ticket = Ticket.from_event(event)
    assert (ticket.customer_id, ticket.component, ticket.region) == ("acme", "checkout", "eu-west")


def test_zendesk_trigger_body_uses_organization_external_id_and_space_separated_tags() -> None:
    [event] = decode_zendesk(fixture("zendesk_trigger.json"))
    plus_one = timezone(timedelta(hours=1))
    assert event.time == datetime(2026, 11, 2, 9, 12, tzinfo=plus_one).timestamp()
    assert event.attributes["customer_id"] == "globex"
    assert event.labels == {"component": "search", "region": "us-east"}


def test_zendesk_events_other_than_creation_are_ignored_not_rejected() -> None:
    assert decode_zendesk(fixture("zendesk_status_changed.json")) == []


def test_jira_issue_created_reads_jira_timestamps_components_and_labels() -> None:
    [event] = decode_jira(fixture("jira_issue_created.json"))
    plus_one = timezone(timedelta(hours=1))
    expected = datetime(2026, 11, 2, 9, 31, 5, 123000, tzinfo=plus_one).timestamp()
    assert event.time == pytest.approx(expected)
    assert event.labels == {"component": "checkout", "region": "eu-west"}
    assert event.attributes["customer_id"] == "initech"
    assert event.attributes["ticket_id"] == "SUP-20"


def test_jira_issue_updated_is_ignored() -> None:
    assert decode_jira(fixture("jira_issue_updated.json")) == []


def test_jira_falls_back_to_the_webhook_timestamp_without_created() -> None:
    body = json.loads(fixture("jira_issue_created.json"))
    del body["issue"]["fields"]["created"]
    [event] = decode_jira(json.dumps(body).encode())
    assert event.time == pytest.approx(body["timestamp"] / 1000)


@pytest.mark.parametrize(
    ("decoder", "raw", "reason"),
    [
        (decode_zendesk, b"not json", "not a Zendesk"),
        (decode_zendesk, b'{"hello": 1}', "not a Zendesk ticket"),
        (decode_zendesk, b'{"ticket": {"id": 1}}', "created_at"),
        (decode_zendesk, b'{"ticket": {"created_at": "2026-11-02T08:00:00Z"}}', "'id'"),
        (decode_zendesk, b'{"ticket": {"id": 1, "created_at": "yesterday"}}', "RFC 3339"),
        (decode_jira, b"[]", "not a Jira"),
        (decode_jira, b'{"issue": {}}', "webhookEvent"),
        (decode_jira, b'{"webhookEvent": "jira:issue_created"}', "issue.fields"),
        (
            decode_jira,
            b'{"webhookEvent": "jira:issue_created", "issue": {"key": "A-1", '
            b'"fields": {"created": "2026-11-02T09:31:05"}}}',
            "time zone",
        ),
    ],
)
def test_bad_payloads_are_rejected_with_a_reason_for_the_dead_letter_topic(
    decoder: object, raw: bytes, reason: str
) -> None:
    assert callable(decoder)
    with pytest.raises(DecodeError, match=reason):
        decoder(raw)
