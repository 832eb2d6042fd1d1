"""Keep the directory current from a compacted topic of ``kind: customer`` events.

Every alertd process reads the whole topic (no consumer group): each one needs the
full directory, not a share of it. The record key is the customer id; a null value (a
tombstone) or an event named ``deleted`` removes the customer. A bad record is logged
and skipped, never fatal.
"""

from __future__ import annotations

import asyncio
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from alertd.customers.directory import CustomerDirectory
from alertd.customers.model import Customer
from alertd.ingest.decoders import DecodeError, decode_alertd

log = structlog.get_logger(__name__)
DELETE_NAMES = frozenset({"deleted", "delete", "removed"})


def apply_record(directory: CustomerDirectory, key: bytes | None, value: bytes | None) -> bool:
    """Apply one record; False (and a log line) when it was unusable."""
    if value is None:
        if key:
            directory.remove(key.decode("utf-8", "replace"))
            return True
        return False
    try:
        events = decode_alertd(value)
    except DecodeError as exc:
        log.warning("customer_record_invalid", reason=str(exc))
        return False
    ok = True
    for event in events:
        if event.kind != "customer":
            log.warning("customer_record_wrong_kind", kind=event.kind)
            ok = False
            continue
        ok = apply_attributes(directory, event.name, dict(event.attributes), key) and ok
    return ok


def apply_attributes(
    directory: CustomerDirectory, name: str, attributes: dict[str, Any], key: bytes | None
) -> bool:
    if "id" not in attributes and key:
        attributes["id"] = key.decode("utf-8", "replace")
    if name in DELETE_NAMES or attributes.get("deleted") is True:
        if attributes.get("id"):
            directory.remove(str(attributes["id"]))
            return True
        return False
    attributes.pop("deleted", None)
    try:
        directory.upsert(Customer.model_validate(attributes))
    except ValidationError as exc:
        log.warning(
            "customer_record_invalid", reason=str(exc).splitlines()[0], id=attributes.get("id")
        )
        return False
    return True


class CustomerFeed:
    def __init__(
        self,
        bootstrap_servers: str,
        topic: str,
        directory: CustomerDirectory,
        client_id: str = "alertd-customers",
        client_options: dict[str, object] | None = None,
    ) -> None:
        """``client_options``: the daemon's TLS/SASL settings for the cluster."""
        self.topic = topic
        self._directory = directory
        self._consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=bootstrap_servers,
            client_id=client_id,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            **(client_options or {}),
        )
        self._task: asyncio.Task[None] | None = None
        self.records = 0

    async def start(self) -> None:
        await self._consumer.start()
        self._task = asyncio.create_task(self._run(), name="customer-feed")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._consumer.stop()

    async def _run(self) -> None:
        while True:
            try:
                batch = await self._consumer.getmany(timeout_ms=500)
            except KafkaError as exc:
                log.warning("customer_feed_fetch_failed", error=str(exc))
                await asyncio.sleep(1.0)
                continue
            for records in batch.values():
                try:
                    self._apply(records)
                except Exception:  # a record must never stop the directory from updating
                    log.exception("customer_feed_apply_failed")

    def _apply(self, records: list[ConsumerRecord]) -> None:
        for record in records:
            self.records += 1
            apply_record(self._directory, record.key, record.value)
