"""Create the topics alertd needs when they are missing."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

import structlog
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

log = structlog.get_logger(__name__)


async def ensure_topics(
    bootstrap_servers: str,
    topics: Iterable[str],
    partitions: int,
    *,
    compacted: Iterable[str] = (),
    client_options: dict[str, object] | None = None,
) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **(client_options or {}))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        compact = set(compacted)
        missing = [t for t in dict.fromkeys(topics) if t not in existing]
        if not missing:
            return
        new = [
            NewTopic(
                name,
                partitions,
                1,
                topic_configs={"cleanup.policy": "compact"} if name in compact else {},
            )
            for name in missing
        ]
        with contextlib.suppress(TopicAlreadyExistsError):
            await admin.create_topics(new)
        log.info("topics_created", topics=missing, partitions=partitions)
    finally:
        await admin.close()


async def partition_counts(
    bootstrap_servers: str,
    topics: Iterable[str],
    client_options: dict[str, object] | None = None,
) -> dict[str, int]:
    """How many partitions each existing topic has (missing topics are left out)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **(client_options or {}))
    await admin.start()
    try:
        # Only describe topics that exist: some brokers auto-create on describe.
        existing = set(await admin.list_topics())
        wanted = [t for t in dict.fromkeys(topics) if t in existing]
        described = await admin.describe_topics(wanted) if wanted else []
    finally:
        await admin.close()
    return {
        str(topic["topic"]): len(topic["partitions"])
        for topic in described
        if topic.get("error_code", 0) == 0 and topic.get("partitions")
    }


class CoPartitioningError(RuntimeError):
    """The changelog topic cannot hold the state of every input partition."""


async def ensure_changelog(
    bootstrap_servers: str,
    changelog: str,
    inputs: Iterable[str],
    client_options: dict[str, object] | None = None,
) -> int:
    """Create ``changelog`` with as many partitions as the widest input; check an existing one.

    State of input partition p lives in changelog partition p, so the changelog needs
    at least as many partitions as every input topic.
    """
    counts = await partition_counts(bootstrap_servers, [*inputs, changelog], client_options)
    needed = max((n for t, n in counts.items() if t != changelog), default=1)
    if changelog not in counts:
        await ensure_topics(
            bootstrap_servers,
            [changelog],
            needed,
            compacted=[changelog],
            client_options=client_options,
        )
        return needed
    if counts[changelog] < needed:
        widest = max((t for t in counts if t != changelog), key=lambda t: counts[t])
        raise CoPartitioningError(
            f"changelog topic {changelog} has {counts[changelog]} partitions but input topic "
            f"{widest} has {needed}: add partitions to {changelog} (kafka-topics --alter "
            f"--partitions {needed}) or point kafka.changelog_topic at a new topic"
        )
    return counts[changelog]
