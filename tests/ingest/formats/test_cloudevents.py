from __future__ import annotations

import json

import pytest

from alertd.ingest.decoders import DecodeError, get_decoder
from tests.ingest.fixture import fixture

decode = get_decoder("cloudevents")


def test_documented_event_maps_type_time_and_context_to_labels() -> None:
    [event] = decode(fixture("cloudevents.json"))
    assert event.name == "com.github.pull_request.opened"
    assert event.kind == "log"
    assert event.time == 1522949460.0
    assert event.labels == {
        "source": "https://github.com/cloudevents/spec/pull",
        "subject": "123",
        "comexampleextension1": "value",
        "comexampleothervalue": "5",
    }
    assert event.attributes["id"] == "A234-1234-1234"
    assert event.attributes["data"] == '<much wow="xml"/>'


def test_json_data_can_carry_kind_value_and_labels() -> None:
    record = {
        "specversion": "1.0",
        "id": "1",
        "source": "/deploys",
        "type": "deploy.finished",
        "time": "2026-11-22T10:00:00Z",
        "data": {"kind": "change", "value": 3, "labels": {"service": "checkout"}},
    }
    [event] = decode(json.dumps([record]).encode())
    assert (event.kind, event.value) == ("change", 3.0)
    assert event.labels == {"source": "/deploys", "service": "checkout"}


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"specversion": "1.0", "id": "1", "source": "/s", "type": "t"}, "no 'time'"),
        (
            {
                "specversion": "0.3",
                "id": "1",
                "source": "/s",
                "type": "t",
                "time": "2026-11-22T10:00:00Z",
            },
            "specversion",
        ),
        ({"specversion": "1.0", "id": "1", "type": "t", "time": "2026-11-22T10:00:00Z"}, "source"),
        (
            {
                "specversion": "1.0",
                "id": "1",
                "source": "/s",
                "type": "t",
                "time": "2026-11-22T10:00:00Z",
                "data": {"kind": "weird"},
            },
            "data.kind",
        ),
    ],
)
def test_invalid_envelopes_are_rejected_with_reason(record: dict[str, object], reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode(json.dumps(record).encode())
