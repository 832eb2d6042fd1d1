"""Maintenance windows declared over HTTP, kept in a compacted topic.

Windows from alertd.yml come back with the config; windows declared or cancelled over
``/api/v1/maintenance`` are written here (keyed by window id) before they take effect.
Every process follows the topic (alertd/ingest/compacted.py), so a window declared
through any process of a group is announced by the group's leader and marks the
alerts of every process, and it survives restarts.
"""

from __future__ import annotations

import json

import structlog
from aiokafka import AIOKafkaProducer
from pydantic import ValidationError

from alertd.ingest.compacted import JsonRecords
from alertd.notices.config import MaintenanceSpec
from alertd.notices.maintenance import MaintenanceBook

log = structlog.get_logger(__name__)


class MaintenanceTopic:
    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self._records = JsonRecords(producer, topic)

    async def save(self, spec: MaintenanceSpec, cancelled: bool) -> None:
        spec_json = spec.model_dump(mode="json", by_alias=True)
        await self._records.put(spec.id, {"spec": spec_json, "cancelled": cancelled})


def apply_record(book: MaintenanceBook, value: bytes | None) -> None:
    """Declare, replace or cancel the window a record describes; skip a bad record."""
    if value is None:
        return
    try:
        record = json.loads(value)
        spec = MaintenanceSpec.model_validate(record["spec"])
    except (ValueError, KeyError, TypeError, ValidationError) as exc:
        log.warning("maintenance_record_skipped", error=str(exc).splitlines()[0])
        return
    window = book.add(spec)
    window.cancelled = bool(record.get("cancelled"))
