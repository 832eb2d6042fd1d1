"""Customer directory from YAML, CSV and Kafka records; segments by field patterns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alertd.config import ConfigProblems
from alertd.customers.directory import CustomerDirectory, UnknownSegment
from alertd.customers.feed import apply_record
from alertd.customers.model import Customer
from alertd.customers.sources import load_customer_file


def test_yaml_file_loads_customers_and_segments(tmp_path: Path) -> None:
    path = tmp_path / "customers.yml"
    path.write_text(
        "segments:\n  enterprise-eu: {plan: enterprise, regions: 'eu-*'}\n"
        "customers:\n"
        "  - id: acme\n    plan: enterprise\n    regions: [eu-west]\n    locale: ru\n"
        "    timezone: Europe/Moscow\n    contacts: {email: [ops@acme.example]}\n"
        "    quiet_hours: {start: '22:00', end: '07:00'}\n"
        "  - id: globex\n    plan: pro\n    regions: [eu-west]\n"
    )
    parsed = load_customer_file(path)
    directory = CustomerDirectory(parsed.customers, parsed.segments)
    assert [c.id for c in directory.in_segment("enterprise-eu")] == ["acme"]
    acme = directory.get("acme")
    assert acme is not None
    assert acme.contacts.email == ["ops@acme.example"]


def test_yaml_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "customers.yml"
    path.write_text("customers:\n  - id: acme\n    timezone: Mars/Olympus\n    colour: red\n")
    with pytest.raises(ConfigProblems) as problems:
        load_customer_file(path)
    text = str(problems.value)
    assert f"{path}:3: customers.0.timezone: unknown time zone 'Mars/Olympus'" in text
    assert f"{path}:4: unknown key 'colour'" in text


def test_csv_file_splits_lists_contacts_and_quiet_hours(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(
        "id,name,plan,regions,components,locale,timezone,email,webhook,quiet_hours\n"
        "acme,Acme,enterprise,eu-west;eu-north,checkout;search,ru,Europe/Moscow,"
        "a@acme.example;b@acme.example,https://sms.example/hook,22:00-07:00\n"
        "bad,,,,,,Nowhere/City,,,\n"
    )
    with pytest.raises(ConfigProblems) as problems:
        load_customer_file(path)
    assert f"{path}:3: timezone:" in str(problems.value)
    path.write_text(path.read_text().splitlines()[0] + "\n" + path.read_text().splitlines()[1])
    [acme] = load_customer_file(path).customers
    assert acme.regions == ["eu-west", "eu-north"]
    assert acme.contacts.email == ["a@acme.example", "b@acme.example"]
    assert acme.quiet_hours is not None
    assert acme.quiet_hours.start == "22:00"


def record(name: str, **attributes: object) -> bytes:
    event = {"time": 1_800_000_000, "kind": "customer", "name": name, "attributes": attributes}
    return json.dumps(event).encode()


def test_kafka_records_latest_wins_and_tombstone_removes() -> None:
    directory = CustomerDirectory()
    assert apply_record(directory, b"acme", record("upsert", plan="pro", regions=["eu-west"]))
    assert apply_record(directory, b"acme", record("upsert", plan="enterprise"))
    acme = directory.get("acme")
    assert acme is not None
    assert acme.plan == "enterprise"
    assert acme.regions == []
    assert apply_record(directory, b"acme", None)
    assert directory.get("acme") is None
    apply_record(directory, b"x", record("upsert", id="globex"))
    assert apply_record(directory, None, record("deleted", id="globex"))
    assert len(directory) == 0


def test_bad_kafka_records_are_skipped_not_fatal() -> None:
    directory = CustomerDirectory([Customer(id="acme")])
    assert not apply_record(directory, b"acme", b"not json")
    assert not apply_record(directory, b"acme", record("upsert", timezone="Nope/Nope"))
    assert not apply_record(
        directory, b"k", json.dumps({"time": 1, "kind": "metric", "name": "x"}).encode()
    )
    assert directory.get("acme") == Customer(id="acme")


def test_segments_match_lists_globs_regex_and_negation() -> None:
    customers = [
        Customer(id="a", plan="enterprise", regions=["us-east", "eu-west"]),
        Customer(id="b", plan="enterprise", regions=["us-east"]),
        Customer(id="c", plan="pro", regions=["eu-north"]),
    ]
    directory = CustomerDirectory(
        customers,
        {
            "ent-eu": {"plan": "enterprise", "region": "eu-*"},
            "not-us": {"regions": "!us-*"},
            "paying": {"plan": "~(enterprise|pro)"},
        },
    )
    assert [c.id for c in directory.in_segment("ent-eu")] == ["a"]
    assert [c.id for c in directory.in_segment("not-us")] == ["c"]
    assert [c.id for c in directory.in_segment("paying")] == ["a", "b", "c"]
    with pytest.raises(UnknownSegment, match="known: ent-eu, not-us, paying"):
        directory.segment("nope")
