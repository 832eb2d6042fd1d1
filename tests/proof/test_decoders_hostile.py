"""Whatever a helpdesk bridge sends, the ticket decoders return events or DecodeError."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alertd.alerts.model import rfc3339
from alertd.ingest.decoders import DecodeError, get_decoder
from tests.support.hostile import decodes_or_rejects, json_values, mutations

FIXTURES = Path(__file__).parent / "fixtures"
DOCUMENTED = {"zendesk": "zendesk_ticket_created.json", "jira": "jira_issue_created.json"}


def ticket_events_or_rejects(name: str, raw: bytes) -> None:
    for event in decodes_or_rejects(name, raw):
        assert event.kind == "ticket"
        rfc3339(event.time)  # every report can print the time


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
@settings(max_examples=100, deadline=None)
@given(value=json_values)
def test_random_json(name: str, value: Any) -> None:
    ticket_events_or_rejects(name, json.dumps(value).encode())


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=200))
def test_random_bytes(name: str, raw: bytes) -> None:
    ticket_events_or_rejects(name, raw)


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_documented_payload_with_each_field_broken(name: str) -> None:
    document = json.loads((FIXTURES / DOCUMENTED[name]).read_text())
    broken = mutations(document)
    assert len(broken) > 50
    for mutated in broken:
        ticket_events_or_rejects(name, json.dumps(mutated).encode())


def test_times_beyond_year_9999_are_rejected() -> None:
    body = json.loads((FIXTURES / "jira_issue_created.json").read_text())
    del body["issue"]["fields"]["created"]
    body["timestamp"] = 10**20
    with pytest.raises(DecodeError, match="1-9999"):
        get_decoder("jira")(json.dumps(body).encode())
