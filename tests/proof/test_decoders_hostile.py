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
from alertd.ingest.event import Event

FIXTURES = Path(__file__).parent / "fixtures"
DOCUMENTED = {"zendesk": "zendesk_ticket_created.json", "jira": "jira_issue_created.json"}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


def decodes_or_rejects(name: str, raw: bytes) -> None:
    error: DecodeError | None = None
    events: list[Event] = []
    try:
        events = get_decoder(name)(raw)
    except DecodeError as exc:
        error = exc
    if error is not None:
        assert str(error)
        assert error.kind in {"malformed", "invalid", "too_large", "empty"}
    for event in events:
        assert isinstance(event, Event)
        assert event.kind == "ticket"
        rfc3339(event.time)  # every report can print the time


def mutations(document: Any) -> list[Any]:
    out: list[Any] = []
    if isinstance(document, dict):
        for key, value in document.items():
            for bad in (None, 1e308, -1, "", [], {}, "x" * 5, True, "0001-01-01T00:00:00+14:00"):
                out.append({**document, key: bad})
            out.extend({**document, key: sub} for sub in mutations(value))
    elif isinstance(document, list) and document:
        out.extend([sub, *document[1:]] for sub in mutations(document[0]))
    return out


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
@settings(max_examples=100, deadline=None)
@given(value=json_values)
def test_random_json(name: str, value: Any) -> None:
    decodes_or_rejects(name, json.dumps(value).encode())


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=200))
def test_random_bytes(name: str, raw: bytes) -> None:
    decodes_or_rejects(name, raw)


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_documented_payload_with_each_field_broken(name: str) -> None:
    document = json.loads((FIXTURES / DOCUMENTED[name]).read_text())
    broken = mutations(document)
    assert len(broken) > 50
    for mutated in broken:
        decodes_or_rejects(name, json.dumps(mutated).encode())


def test_times_beyond_year_9999_are_rejected() -> None:
    body = json.loads((FIXTURES / "jira_issue_created.json").read_text())
    del body["issue"]["fields"]["created"]
    body["timestamp"] = 10**20
    with pytest.raises(DecodeError, match="1-9999"):
        get_decoder("jira")(json.dumps(body).encode())
