"""alertd's compiled modules are optional builds (pyproject.toml, ext-modules): without
a compiler alertd runs on their Python counterparts. Where a build is required, a
failed one must not pass unnoticed."""

from __future__ import annotations

import os

import pytest

from alertd.detect import quiet, table
from alertd.ingest import batch
from alertd.ingest.event import epoch_seconds


def test_the_compiled_modules_are_built_where_ci_requires_them() -> None:
    """.ci/run sets ALERTD_REQUIRE_NATIVE=1."""
    if os.environ.get("ALERTD_REQUIRE_NATIVE") != "1":
        pytest.skip("ALERTD_REQUIRE_NATIVE is not set")
    assert table.NATIVE_BUILT, "alertd.detect._resting is not built"
    assert quiet.CompiledLane is not None, "alertd.detect._lane is not built"
    assert epoch_seconds.__module__ == "alertd.ingest._decode", "_decode is not built"
    assert batch._object_run is not batch.object_run, "alertd.ingest._decode is not built"
