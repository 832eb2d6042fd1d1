"""Topic setup on the real broker: the changelog follows the widest input topic."""

from __future__ import annotations

import pytest

from alertd.ingest.topics import (
    CoPartitioningError,
    ensure_changelog,
    ensure_topics,
    partition_counts,
)
from tests.support.daemon import unique


async def test_changelog_gets_as_many_partitions_as_the_widest_input(kafka: str) -> None:
    narrow, wide, changelog = unique("narrow"), unique("wide"), unique("changelog")
    await ensure_topics(kafka, [narrow], 2)
    await ensure_topics(kafka, [wide], 5)
    assert await ensure_changelog(kafka, changelog, [narrow, wide]) == 5
    assert (await partition_counts(kafka, [changelog]))[changelog] == 5


async def test_a_too_narrow_existing_changelog_is_refused_with_a_fix(kafka: str) -> None:
    wide, changelog = unique("wide"), unique("changelog")
    await ensure_topics(kafka, [wide], 4)
    await ensure_topics(kafka, [changelog], 2, compacted=[changelog])
    with pytest.raises(CoPartitioningError, match=f"{changelog} has 2 partitions but input"):
        await ensure_changelog(kafka, changelog, [wide])
