"""The proof scenario: lead-time figures follow from the scenario's own definition.

Expected values are derived here from ``alertd.demo.proof_scenario`` (its samples,
thresholds, ``for`` durations, confirmation window, tickets and customers) rather
than copied from a run of the code under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from alertd.config import load_config
from alertd.config.schema import LoadedConfig
from alertd.demo import proof_scenario as sc
from alertd.demo.full import run_through_broker
from alertd.demo.proof_files import write_scenario
from alertd.proof.correlate import IncidentProof, Report
from alertd.proof.replay import replay
from tests.support.daemon import unique

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "examples" / "scenario"
RATE_LIMIT = 600.0  # notices.rate_limit of the scenario config


def detected_at(d: sc.Degradation) -> float:
    """First sample over the threshold, held for the rule's ``for``: when it fires."""
    points = list(sc.samples(d.rule, d.component, d.region))
    crossing = next(t for t, v in points if v > d.rule.above)
    return next(t for t, _ in points if t >= crossing + d.rule.for_)


def released_at(d: sc.Degradation) -> float:
    return detected_at(d) + sc.CONFIRM_AFTER


def told_at(customer: int, d: sc.Degradation) -> float | None:
    """When ``customer`` hears about ``d``: at release, or after the rate limit if an
    earlier incident's notice reached them less than ``rate_limit`` before."""
    if not sc.reachable(customer):
        return None
    at = released_at(d)
    for other in sc.DEGRADATIONS:
        earlier = released_at(other)
        if other is not d and customer in sc.affected(other) and 0 < at - earlier < RATE_LIMIT:
            at = max(at, earlier + RATE_LIMIT)
    return at


def expected_verdicts(d: sc.Degradation) -> dict[str, str]:
    members = set(sc.affected(d))
    out: dict[str, str] = {}
    for t in sc.incident_tickets(d):
        if t.customer not in members:
            out[t.id] = "outside"
            continue
        told = told_at(t.customer, d)
        out[t.id] = "notified" if told is not None and told <= t.at else "not_notified"
    return out


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> LoadedConfig:
    return load_config(write_scenario(tmp_path_factory.mktemp("scenario")))


@pytest.fixture(scope="module")
async def report(loaded: LoadedConfig) -> Report:
    ledger = await replay(loaded, sc.events())
    return ledger.report()


def by_degradation(report: Report) -> dict[str, IncidentProof]:
    out: dict[str, IncidentProof] = {}
    for proof in report.incidents:
        labels = proof.facts.labels
        [d] = [
            d
            for d in sc.DEGRADATIONS
            if (labels["service"], labels["region"]) == (d.component, d.region)
        ]
        out[d.key] = proof
    return out


def test_shipped_example_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    write_scenario(tmp_path)
    for name in ("alertd.yml", "rules.yml", "customers.csv", "events.jsonl"):
        assert (EXAMPLE / name).read_text() == (tmp_path / name).read_text(), name


def test_scenario_has_thousands_of_customers_and_every_degradation_becomes_an_incident(
    report: Report,
) -> None:
    assert sc.CUSTOMERS >= 2000
    assert set(by_degradation(report)) == {d.key for d in sc.DEGRADATIONS}


@pytest.mark.parametrize("d", sc.DEGRADATIONS, ids=lambda d: d.key)
def test_lead_time_follows_from_the_scenario_definition(report: Report, d: sc.Degradation) -> None:
    proof = by_degradation(report)[d.key]
    first_ticket = d.start + d.first_ticket
    assert proof.facts.opened_at == detected_at(d)
    assert proof.first_page == detected_at(d)
    assert proof.first_notice == released_at(d)
    assert proof.first_ticket == first_ticket
    assert proof.lead_seconds == first_ticket - released_at(d)
    assert proof.ticket_first == (first_ticket < released_at(d))


@pytest.mark.parametrize("d", sc.DEGRADATIONS, ids=lambda d: d.key)
def test_tickets_split_into_notified_not_notified_and_outside(
    report: Report, d: sc.Degradation
) -> None:
    proof = by_degradation(report)[d.key]
    members = sc.affected(d)
    assert proof.facts.audience_size == len(members)
    assert len(proof.facts.notified) == sum(sc.reachable(i) for i in members)
    assert {v.ticket.id: v.verdict for v in proof.tickets} == expected_verdicts(d)


def test_ticket_first_only_where_customers_wrote_within_the_confirmation_window(
    report: Report,
) -> None:
    expected = sum(d.start + d.first_ticket < released_at(d) for d in sc.DEGRADATIONS)
    assert 0 < expected < len(sc.DEGRADATIONS)
    assert report.summary()["ticketFirst"] == expected
    assert report.unmatched == len(sc.billing_tickets())


async def test_through_kafka_with_zendesk_and_jira_payloads_gives_the_same_report(
    kafka: str, loaded: LoadedConfig, report: Report
) -> None:
    through_kafka = await run_through_broker(loaded, kafka, prefix=unique("proof") + "-")
    assert through_kafka.as_json() == report.as_json()
