"""The proof ledger's journal: facts written by one process reach every other one,
through a real broker, and are counted in Prometheus only where they happened."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import cast

import pytest
from aiokafka import AIOKafkaProducer
from prometheus_client import CollectorRegistry

from alertd.observe.metrics import Metrics
from alertd.proof.journal import ProofJournal, apply_record, attach_proof_topic
from alertd.proof.ledger import ProofLedger
from alertd.proof.model import IncidentFacts
from tests.proof.test_ledger_metrics import T0, checkout, sample, ticket_event
from tests.support.daemon import unique


@pytest.fixture
async def producer(kafka: str) -> AsyncIterator[AIOKafkaProducer]:
    client = AIOKafkaProducer(bootstrap_servers=kafka)
    await client.start()
    yield client
    await client.stop()


def fresh_ledger(*incidents: IncidentFacts) -> tuple[ProofLedger, Metrics]:
    metrics = Metrics(CollectorRegistry())
    ledger = ProofLedger(metrics)
    ledger.source = lambda: list(incidents)
    return ledger, metrics


async def until(predicate: Callable[[], bool], timeout: float = 15.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.05)


def lead(ledger: ProofLedger) -> float | None:
    proofs = ledger.report().incidents
    return proofs[0].lead_seconds if proofs else None


async def test_facts_written_by_one_ledger_reach_a_follower_without_counting_twice(
    kafka: str, producer: AIOKafkaProducer
) -> None:
    topic = unique("proof-journal")
    writer, written = fresh_ledger(checkout())
    follower, followed = fresh_ledger()  # the incident lives in the writer's pipeline only
    first = await attach_proof_topic(writer, producer, kafka, topic)
    second = await attach_proof_topic(follower, producer, kafka, topic)
    try:
        writer.customer_notified("inc-1", "c1", "email", T0 + 180)
        writer.paged("fp-1", T0 + 5)
        writer.observe(ticket_event(T0 + 780, "c1"))
        await until(lambda: lead(follower) == 600 and len(follower.tickets) == 1)
        [proof] = follower.report().incidents
        assert proof.facts.rule == "checkout_errors"
        assert proof.facts.audience == frozenset({"c1", "c2"})
        assert [t.verdict for t in proof.tickets] == ["notified"]
        assert sample(written, "alertd_notice_lead_seconds_count") == 1
        assert sample(followed, "alertd_notice_lead_seconds_count") == 0
        assert sample(followed, "alertd_tickets_total", {"notified": "true"}) == 0
        # A later ticket seen first-hand by the follower counts there, but the incident's
        # lead time was already decided by the writer.
        follower.observe(ticket_event(T0 + 900, "c2"))
        assert sample(followed, "alertd_tickets_total", {"notified": "false"}) == 1
        assert sample(followed, "alertd_notice_lead_seconds_count") == 0
        await until(lambda: len(writer.tickets) == 2)
        assert sample(written, "alertd_tickets_total", {"notified": "false"}) == 0
    finally:
        await second.stop()
        await first.stop()
    # A process started later (a restart) reads the same report back from the topic.
    restarted, counted = fresh_ledger()
    third = await attach_proof_topic(restarted, producer, kafka, topic)
    try:
        assert restarted.report().as_json() == follower.report().as_json()
        assert sample(counted, "alertd_notice_lead_seconds_count") == 0
        assert sample(counted, "alertd_incidents_ticket_first_total") == 0
    finally:
        await third.stop()


def test_replayed_or_duplicated_records_change_nothing() -> None:
    writer, _ = fresh_ledger(checkout())
    records: list[tuple[bytes, bytes]] = []
    writer.journal = lambda key, record: records.append(
        (json.dumps(list(key)).encode(), json.dumps(record).encode())
    )
    writer.customer_notified("inc-1", "c1", "email", T0 + 180)
    writer.customer_notified("inc-1", "c1", "email", T0 + 240)  # a later update: no record
    writer.paged("fp-1", T0 + 5)
    writer.observe(ticket_event(T0 + 780, "c1"))
    follower, followed = fresh_ledger(checkout())
    for _ in range(2):
        for key, value in records:
            apply_record(follower, key, value)
    assert len(records) == 4  # notice, page, ticket, decided
    assert follower.report().as_json() == writer.report().as_json()
    assert len(follower.tickets) == 1
    assert follower.incidents()[0].pages == writer.incidents()[0].pages
    assert sample(followed, "alertd_notice_lead_seconds_count") == 0


def test_bad_records_are_skipped() -> None:
    ledger, _ = fresh_ledger()
    for key, value in [(b"{", b"{}"), (b'["ticket","x"]', b'{"nope":1}'), (b'["page"]', b"{}")]:
        apply_record(ledger, key, value)
    apply_record(ledger, b'["ticket","x"]', None)
    assert not ledger.tickets
    assert ledger.incidents() == []


def test_incident_facts_are_written_when_they_change_and_kept_once_forgotten() -> None:
    incident = checkout()
    ledger, _ = fresh_ledger()
    live = [incident]
    ledger.source = lambda: list(live)
    journal = ProofJournal(ledger, cast(AIOKafkaProducer, None), "unused")
    written: list[tuple[str, ...]] = []
    journal.write = lambda key, record: written.append(key)  # type: ignore[method-assign]
    journal.sync()
    journal.sync()  # nothing changed: nothing written
    incident.resolved_at = T0 + 600
    journal.sync()
    assert written == [("incident", "inc-1"), ("incident", "inc-1")]
    live.clear()  # the pipeline forgot the closed incident
    [kept] = ledger.incidents()
    assert (kept.id, kept.resolved_at) == ("inc-1", T0 + 600)
