"""The proof ledger's facts in a compacted topic, so the report is group-wide and durable.

Each process writes the facts it observes first-hand (tickets, first notices, pages,
decided incidents, and its incidents' facts whenever they change) and follows the
whole topic (alertd/ingest/compacted.py), merging what every process wrote. Keys name
the fact, so a replayed or duplicated record changes nothing, and compaction keeps
the newest facts of each incident. Signal series for charts stay with each process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Mapping
from typing import Any

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from alertd.ingest.compacted import CompactedTopic
from alertd.proof.ledger import ProofLedger
from alertd.proof.model import IncidentFacts, Ticket

log = structlog.get_logger(__name__)
SYNC_INTERVAL = 1.0
"""Seconds between looks at the pipeline's incidents for opened/resolved/audience changes."""
MAX_PENDING = 10_000
"""Facts waiting for the producer; beyond this they are dropped (and logged)."""
FLUSH_TIMEOUT = 5.0


def incident_record(facts: IncidentFacts) -> dict[str, Any]:
    """What a report needs of an incident once the pipeline has forgotten it."""
    return {
        "id": facts.id,
        "rule": facts.rule,
        "labels": dict(facts.labels),
        "opened_at": facts.opened_at,
        "resolved_at": facts.resolved_at,
        "components": list(facts.components),
        "regions": list(facts.regions),
        "audience": sorted(facts.audience),
        "fingerprint": facts.fingerprint,
        "signal_name": facts.signal_name,
        "signal_labels": dict(facts.signal_labels),
    }


def incident_from_record(record: Mapping[str, Any]) -> IncidentFacts:
    resolved = record.get("resolved_at")
    return IncidentFacts(
        id=str(record["id"]),
        rule=str(record["rule"]),
        labels={str(k): str(v) for k, v in record["labels"].items()},
        opened_at=float(record["opened_at"]),
        resolved_at=float(resolved) if resolved is not None else None,
        components=tuple(record.get("components", ())),
        regions=tuple(record.get("regions", ())),
        audience=frozenset(record.get("audience", ())),
        fingerprint=str(record.get("fingerprint", "")),
        signal_name=str(record.get("signal_name", "")),
        signal_labels=dict(record.get("signal_labels", {})),
    )


def apply_record(ledger: ProofLedger, key: bytes | None, value: bytes | None) -> None:
    """Merge one journalled fact into ``ledger``; skip a bad or unknown record."""
    if key is None or value is None:
        return
    try:
        kind, *parts = json.loads(key)
        record = json.loads(value)
        if kind == "ticket":
            ledger.merge_ticket(Ticket(**record))
        elif kind == "notice":
            ledger.merge_notice(parts[0], parts[1], float(record["at"]))
        elif kind == "page":
            ledger.merge_page(parts[0], float(record["at"]))
        elif kind == "incident":
            ledger.merge_incident(incident_from_record(record))
        elif kind == "decided":
            ledger.merge_decided(parts[0])
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        log.warning("proof_record_skipped", error=str(exc))


class ProofJournal:
    """Writes a ledger's first-hand facts to ``topic`` without blocking the pipeline."""

    def __init__(self, ledger: ProofLedger, producer: AIOKafkaProducer, topic: str) -> None:
        self.ledger = ledger
        self.topic = topic
        self._producer = producer
        self._queue: asyncio.Queue[tuple[bytes, bytes]] = asyncio.Queue(MAX_PENDING)
        self._written: dict[str, dict[str, Any]] = {}
        self._tasks: list[asyncio.Task[None]] = []

    def write(self, key: tuple[str, ...], record: dict[str, Any]) -> None:
        try:
            self._queue.put_nowait(
                (json.dumps(list(key)).encode(), json.dumps(record, sort_keys=True).encode())
            )
        except asyncio.QueueFull:
            log.warning("proof_journal_full", topic=self.topic, kind=key[0])

    def sync(self) -> None:
        """Journal the pipeline's incidents whose facts changed since last written."""
        written: dict[str, dict[str, Any]] = {}
        for facts in self.ledger.source():
            record = written[facts.id] = incident_record(facts)
            if self._written.get(facts.id) != record:
                self.ledger.merge_incident(incident_from_record(record))
                self.write(("incident", facts.id), record)
        # only what the pipeline still knows: bounded like its store, nothing rewritten
        self._written = written

    def start(self) -> None:
        self.ledger.journal = self.write
        self._tasks = [
            asyncio.create_task(self._send(), name="proof-journal"),
            asyncio.create_task(self._sync_every(SYNC_INTERVAL), name="proof-sync"),
        ]

    async def stop(self) -> None:
        """Write the last changes, wait (briefly) for them to reach the broker."""
        self._tasks[1].cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._tasks[1]
        self.sync()
        self.ledger.journal = None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), FLUSH_TIMEOUT)
        self._tasks[0].cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._tasks[0]
        with contextlib.suppress(KafkaError, TimeoutError):
            await asyncio.wait_for(self._producer.flush(), FLUSH_TIMEOUT)

    async def _send(self) -> None:
        while True:
            key, value = await self._queue.get()
            try:
                # send() only batches; the delivery is awaited by flush() on stop
                await self._producer.send(self.topic, value, key=key)
            except KafkaError as exc:
                log.warning("proof_journal_write_failed", topic=self.topic, error=str(exc))
            finally:
                self._queue.task_done()

    async def _sync_every(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                self.sync()
            except Exception:  # the proof report must never stop the daemon
                log.exception("proof_sync_failed")


class ProofTopic:
    """The journal and the follower of one ledger; stop it before the producer."""

    def __init__(self, journal: ProofJournal, follower: CompactedTopic) -> None:
        self.journal = journal
        self.follower = follower

    async def stop(self) -> None:
        await self.journal.stop()
        await self.follower.stop()


async def attach_proof_topic(
    ledger: ProofLedger,
    producer: AIOKafkaProducer,
    bootstrap_servers: str,
    topic: str,
    client_options: Mapping[str, Any] | None = None,
) -> ProofTopic:
    """Create the compacted topic if needed, merge what it holds (before any event is
    consumed), then journal this process's facts and follow the other processes'."""
    from alertd.ingest.topics import ensure_topics

    options = dict(client_options or {})
    await ensure_topics(bootstrap_servers, [topic], 1, compacted=[topic], client_options=options)
    follower = CompactedTopic(
        bootstrap_servers, topic, lambda key, value: apply_record(ledger, key, value), options
    )
    read = await follower.start()
    log.info("proof_ledger_restored", topic=topic, records=read)
    journal = ProofJournal(ledger, producer, topic)
    journal.start()
    return ProofTopic(journal, follower)
