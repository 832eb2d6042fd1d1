from __future__ import annotations

import json

import pytest

from alertd.ingest.decoders import DecodeError, get_decoder
from tests.ingest.fixture import fixture

decode = get_decoder("alertmanager")


def test_firing_alert_becomes_check_event_with_value_one_at_starts_at() -> None:
    [event] = decode(fixture("alertmanager.json"))
    assert (event.kind, event.name, event.value) == ("check", "ProbeFailure", 1.0)
    assert event.time == pytest.approx(1675688925.828)
    assert event.labels == {
        "instance": "https://server.example.org",
        "job": "http_checks",
        "monitor": "master",
        "severity": "critical",
    }
    assert event.attributes["annotations"]["summary"].startswith("BlackBox Probe Failure")
    assert event.attributes["fingerprint"] == "1a30ba71cca2921f"


def test_resolved_alert_has_value_zero_at_ends_at() -> None:
    [event] = decode(fixture("alertmanager-resolved.json"))
    assert (event.name, event.value) == ("Test", 0.0)
    assert event.time == pytest.approx(1533283046.739267)


def _payload(**alert: object) -> bytes:
    base = {"status": "firing", "labels": {"alertname": "A"}, "startsAt": "2026-11-22T10:00:00Z"}
    return json.dumps({"version": "4", "alerts": [{**base, **alert}]}).encode()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (_payload(labels={"job": "x"}), "alertname"),
        (_payload(status="resolved", endsAt="0001-01-01T00:00:00Z"), "endsAt"),
        (_payload(status="pending"), "status"),
        (b'{"receiver": "x"}', "alerts"),
    ],
)
def test_invalid_payloads_are_rejected_with_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode(raw)
