"""``alertd replay``: a .jsonl file onto a real topic, keyed for partitioning."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import msgspec
import pytest

from alertd.cli import main
from alertd.ingest.decoders import decode_alertd
from tests.support.daemon import unique
from tests.support.kafka import read_all

LINES = [
    {"time": "2026-11-22T10:00:00Z", "kind": "metric", "name": "http_error_ratio",
     "value": 0.01, "labels": {"service": "checkout", "region": "eu-west"}},
    {"time": 1795341615, "kind": "metric", "name": "http_error_ratio",
     "value": 0.09, "labels": {"service": "search"}},
    {"time": "2026-11-22T10:00:30Z", "kind": "ticket", "name": "ticket_opened",
     "attributes": {"id": "T-1"}},
]  # fmt: skip


def _write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


async def test_replay_produces_every_event_keyed_by_service(kafka: str, tmp_path: Path) -> None:
    events = _write(tmp_path / "events.jsonl", [msgspec.json.encode(x) for x in LINES])
    topic = unique("replay")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "alertd", "replay", "--events", str(events), "--topic", topic,
        "--bootstrap-servers", kafka,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    assert f"replayed 3 events from {events} to {topic}" in err.decode()

    records = await read_all(kafka, topic, expect=3)
    decoded = [decode_alertd(r.value)[0] for r in records]
    assert sorted(e.name for e in decoded) == [
        "http_error_ratio",
        "http_error_ratio",
        "ticket_opened",
    ]
    keys = {decode_alertd(r.value)[0].name + "/" + r.key.decode() for r in records}
    assert keys == {
        "http_error_ratio/checkout",
        "http_error_ratio/search",
        "ticket_opened/ticket_opened",
    }


def test_bad_line_is_reported_with_path_and_line_and_nothing_is_produced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = msgspec.json.encode(LINES[0])
    events = _write(tmp_path / "events.jsonl", [good, b"", b'{"kind": "metric"}'])
    # an unreachable broker proves nothing was attempted: validation fails first
    code = main(
        ["replay", "--events", str(events), "--topic", "t", "--bootstrap-servers", "127.0.0.1:9"]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert f"{events}:3: " in err
    assert "nothing was produced" in err


def test_embedded_broker_config_is_refused_with_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = _write(tmp_path / "events.jsonl", [msgspec.json.encode(LINES[0])])
    config = tmp_path / "alertd.yml"
    config.write_text("kafka: {bootstrap_servers: embedded}\n")
    code = main(["replay", "--events", str(events), "--topic", "t", "-c", str(config)])
    assert code == 1
    assert "--bootstrap-servers" in capsys.readouterr().err
