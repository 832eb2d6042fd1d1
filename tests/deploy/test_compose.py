"""docker-compose.yml against the Compose specification's JSON schema (no Docker engine here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import check_jsonschema
import jsonschema
import pytest
import yaml

from alertd.cli import build_parser
from alertd.commands.replay import load_events
from alertd.config import load_config

ROOT = Path(__file__).parents[2]
COMPOSE_SCHEMA = (
    Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor" / "compose-spec.json"
)


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def _errors(document: dict[str, Any]) -> list[str]:
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def test_compose_file_is_valid_against_the_compose_spec_schema() -> None:
    assert _errors(compose()) == []


def test_schema_check_catches_a_broken_service() -> None:
    broken = compose()
    broken["services"]["alertd"]["restart_policy"] = "always"
    assert _errors(broken)


def test_stack_has_kraft_kafka_alertd_prometheus_mail_catcher_and_producer() -> None:
    services = compose()["services"]
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    assert "controller" in kafka["environment"]["KAFKA_PROCESS_ROLES"]
    assert services["mailpit"]["image"].startswith("axllent/mailpit")
    assert "8025:8025" in services["mailpit"]["ports"]
    assert services["prometheus"]["image"].startswith("prom/prometheus")
    assert services["alertd"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert services["producer"]["command"][0] == "replay"


def test_mounted_files_exist() -> None:
    for name, service in compose()["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert (ROOT / source).exists(), f"{name}: {source} missing"


def test_producer_command_is_a_valid_replay_of_a_valid_events_file() -> None:
    command = compose()["services"]["producer"]["command"]
    args = build_parser().parse_args(command)
    assert args.bootstrap_servers == "kafka:9092"
    local = ROOT / "deploy" / "compose" / Path(args.events).name
    events, problems = load_events(local)
    assert problems == []
    assert events


def test_alertd_config_of_the_stack_passes_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALERTD_API_TOKEN", "x")
    loaded = load_config(ROOT / "deploy" / "compose" / "alertd.yml")
    assert loaded.config.kafka.bootstrap_servers == "kafka:9092"
    assert loaded.config.http.listen == "0.0.0.0:9464"
    assert [r.name for r in loaded.rules] == ["checkout_errors"]


def test_dockerfile_is_slim_non_root_with_healthcheck() -> None:
    lines = (ROOT / "deploy" / "Dockerfile").read_text().splitlines()
    froms = [line for line in lines if line.startswith("FROM ")]
    assert froms
    assert all("-slim" in line for line in froms)
    users = [line for line in lines if line.startswith("USER ")]
    assert users
    assert users[-1].split()[1].split(":")[0] not in ("root", "0")
    health = next(i for i, line in enumerate(lines) if line.startswith("HEALTHCHECK"))
    assert "/healthz" in lines[health] + lines[health + 1]
