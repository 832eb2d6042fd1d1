from __future__ import annotations

import pytest

from alertd.ingest.decoders import DecodeError, get_decoder
from tests.ingest.fixture import fixture

decode = get_decoder("telegraf")


def test_each_numeric_field_becomes_a_metric_named_measurement_field() -> None:
    events = decode(fixture("telegraf.json"))
    assert {e.name: e.value for e in events} == {
        "docker_field_1": 30.0,
        "docker_field_2": 4.0,
        "docker_field_N": 59.0,
        "docker_n_images": 660.0,
    }
    assert all(e.labels == {"host": "raynor"} and e.time == 1458229140.0 for e in events)


def test_batch_form_yields_the_metrics_of_every_entry() -> None:
    assert len(decode(fixture("telegraf-batch.json"))) == 8


@pytest.mark.parametrize("stamp", ["1458229140", "1458229140000", "1458229140000000000"])
def test_timestamp_units_are_recognised_by_magnitude(stamp: str) -> None:
    raw = b'{"fields": {"x": 1}, "name": "m", "tags": {}, "timestamp": ' + stamp.encode() + b"}"
    [event] = decode(raw)
    assert event.time == pytest.approx(1458229140.0)


def test_string_fields_are_attributes_and_string_only_metric_is_a_log() -> None:
    raw = b'{"fields": {"message": "disk full", "ok": false}, "name": "syslog", "timestamp": 1}'
    [metric] = decode(raw)
    assert (metric.name, metric.value, metric.attributes) == (
        "syslog_ok",
        0.0,
        {"message": "disk full"},
    )
    [log] = decode(b'{"fields": {"message": "hi"}, "name": "syslog", "timestamp": 1}')
    assert (log.kind, log.name, log.attributes) == ("log", "syslog", {"message": "hi"})


@pytest.mark.parametrize(
    ("raw", "kind"),
    [(b'{"name": "m", "timestamp": 1}', "invalid"), (b"docker field_1=30", "malformed")],
)
def test_broken_records_are_rejected(raw: bytes, kind: str) -> None:
    with pytest.raises(DecodeError, match="Telegraf") as caught:
        decode(raw)
    assert caught.value.kind == kind
