"""A fresh compacted changelog topic on the real broker for each state test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from alertd.state.changelog import Changelog
from tests.state.stack import changelog
from tests.support.daemon import unique


@pytest.fixture
async def log(kafka: str) -> AsyncIterator[Changelog]:
    topic, producer = await changelog(kafka, unique("state"))
    yield topic
    await producer.stop()
