"""CLI commands under test configure structlog to print to the captured stderr; put the
previous configuration back so later tests never log into a closed capture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import structlog


@pytest.fixture(autouse=True)
def _restore_structlog() -> Iterator[None]:
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)
