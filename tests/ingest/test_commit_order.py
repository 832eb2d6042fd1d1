"""Offsets are committed only after the state they include is on the broker, and
partitions being restored are not fetched from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import pytest
from aiokafka import TopicPartition

from alertd.config.schema import KafkaConfig
from alertd.ingest.consumer import KafkaIngest, _CommitOnRevoke
from alertd.ingest.dlq import DeadLetters
from alertd.ingest.event import Event
from alertd.observe.metrics import Metrics
from alertd.state.writer import StateWriteError

TP0, TP1 = TopicPartition("events", 0), TopicPartition("events", 1)


class Hooks:
    """Partition state that records what the consumer asked of it, and when."""

    def __init__(self, log: list[str], fail: bool = False) -> None:
        self.log = log
        self.fail = fail
        self.paused_while_restoring: set[TopicPartition] = set()
        self.consumer: Any = None

    async def assigned(self, partitions: Sequence[tuple[str, int]]) -> None:
        self.paused_while_restoring = set(self.consumer.paused())
        self.log.append(f"restore {sorted(p for _, p in partitions)}")

    async def revoked(self, partitions: Sequence[tuple[str, int]]) -> None: ...

    def owns(self, origin: tuple[str, int]) -> bool:
        return True

    def applied_offset(self, topic: str, partition: int) -> int:
        return -1

    async def applied(self, topic: str, partition: int, offset: int) -> None: ...

    async def persist(self, partitions: Sequence[tuple[str, int]]) -> None:
        self.log.append(f"persist {sorted(p for _, p in partitions)}")
        if self.fail:
            raise StateWriteError("changelog not writable")

    def log_end(self, topic: str, partition: int, end: int, committed: int | None) -> None: ...


async def _handler(topic: str, partition: int, events: Sequence[Event], at: float) -> None: ...


def _ingest(hooks: Hooks) -> KafkaIngest:
    ingest = KafkaIngest(
        KafkaConfig(bootstrap_servers="127.0.0.1:9", topics=[{"name": "events"}]),  # type: ignore[list-item]
        "127.0.0.1:9",
        _handler,
        cast(DeadLetters, None),
        Metrics(),
        state=hooks,
    )
    hooks.consumer = ingest.consumer

    async def commit(offsets: dict[TopicPartition, int]) -> None:
        hooks.log.append(f"commit {sorted((tp.partition, o) for tp, o in offsets.items())}")

    ingest.consumer.commit = commit  # type: ignore[method-assign]
    return ingest


async def test_the_state_of_the_committed_partitions_is_written_before_their_offsets() -> None:
    log: list[str] = []
    ingest = _ingest(Hooks(log))
    ingest._uncommitted = {TP0: 10, TP1: 20}
    await ingest.commit([TP1])
    await ingest.commit()
    assert log == ["persist [1]", "commit [(1, 20)]", "persist [0]", "commit [(0, 10)]"]
    assert ingest._uncommitted == {}


async def test_offsets_stay_uncommitted_when_their_state_cannot_be_written() -> None:
    log: list[str] = []
    ingest = _ingest(Hooks(log, fail=True))
    ingest._uncommitted = {TP0: 10}
    with pytest.raises(StateWriteError):
        await ingest.commit()
    assert log == ["persist [0]"]
    assert ingest._uncommitted == {TP0: 10}


async def test_partitions_are_paused_while_their_state_is_restored() -> None:
    log: list[str] = []
    hooks = Hooks(log)
    ingest = _ingest(hooks)
    # as the group coordinator assigns them, before it calls the rebalance listener
    ingest.consumer._subscription.assign_from_subscribed({TP0, TP1})
    listener = _CommitOnRevoke(ingest)

    async def no_ends(partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        return {}

    ingest.consumer.end_offsets = no_ends  # type: ignore[method-assign]
    await listener.on_partitions_assigned([TP0, TP1])
    assert hooks.paused_while_restoring == {TP0, TP1}
    assert ingest.consumer.paused() == set()
    assert log == ["restore [0, 1]"]


async def test_a_commit_that_cannot_write_the_state_is_counted_and_does_not_stop_the_loop() -> None:
    log: list[str] = []
    ingest = _ingest(Hooks(log, fail=True))
    ingest._uncommitted = {TP0: 10}
    ingest._commit_in_background()
    assert ingest._committing is not None
    await ingest._committing  # the loop would have gone on fetching meanwhile
    assert log == ["persist [0]"]
    assert ingest._uncommitted == {TP0: 10}
    assert ingest._metrics.commit_failures._value.get() == 1
