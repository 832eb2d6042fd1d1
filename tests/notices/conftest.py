"""Stop the dispatcher workers each harness started."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.notices.helpers import close_all


@pytest.fixture(autouse=True)
async def _close_harness_dispatchers() -> AsyncIterator[None]:
    yield
    await close_all()
