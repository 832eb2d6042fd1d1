"""Session-wide real peers: one Tansu broker; per-test SMTP sink and HTTP recorder."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from alertd.demo.smtp_sink import SmtpSink
from alertd.embedded.tansu import EmbeddedBroker
from tests.support.http_recorder import HttpRecorder


@pytest.fixture(scope="session")
async def kafka() -> AsyncIterator[str]:
    """Bootstrap servers of a real Kafka-protocol broker (Tansu) on a free loopback port."""
    broker = EmbeddedBroker()
    await broker.start()
    yield broker.bootstrap_servers
    await broker.stop()


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpSink]:
    sink = SmtpSink()
    await sink.start()
    yield sink
    await sink.stop()


@pytest.fixture
async def http_recorder() -> AsyncIterator[HttpRecorder]:
    recorder = HttpRecorder()
    await recorder.start()
    yield recorder
    await recorder.stop()
