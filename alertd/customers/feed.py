"""Keep the directory current from a compacted topic of ``kind: customer`` events.

Every alertd process reads the whole topic (no consumer group): each one needs the
full directory, not a share of it. It is read to its end before the daemon starts
work, then followed. The record key is the customer id; a null value (a
tombstone) or an event named ``deleted`` removes the customer. A bad record is logged
and skipped, never fatal.
"""

from __future__ import annotations

from typing import Any

import structlog
from pydantic import ValidationError

from alertd.customers.directory import CustomerDirectory
from alertd.customers.model import Customer
from alertd.ingest.compacted import CompactedTopic
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
    """The directory's follower of the customer topic.

    :meth:`start` returns once the topic has been read to its end, so notices restored
    from the changelog right after it find their customers' contact details.
    """

    def __init__(
        self,
        bootstrap_servers: str,
        topic: str,
        directory: CustomerDirectory,
        client_options: dict[str, object] | None = None,
    ) -> None:
        """``client_options``: the daemon's TLS/SASL settings for the cluster."""
        self.topic = topic
        self._topic = CompactedTopic(
            bootstrap_servers,
            topic,
            lambda key, value: apply_record(directory, key, value),
            client_options,
        )

    @property
    def records(self) -> int:
        return self._topic.records

    async def start(self) -> None:
        read = await self._topic.start()
        log.info("customer_directory_loaded", topic=self.topic, records=read)

    async def stop(self) -> None:
        await self._topic.stop()
