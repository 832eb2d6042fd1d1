"""Maintenance window records from the shared topic: declare, replace, cancel, skip bad."""

from __future__ import annotations

import json

from alertd.notices.maintenance import MaintenanceBook
from alertd.notices.maintenance_topic import apply_record

SPEC = {
    "id": "db-upgrade",
    "start": "2099-01-01T02:00:00Z",
    "end": "2099-01-01T03:00:00Z",
    "title": "Database upgrade",
    "components": ["checkout"],
}


def _record(cancelled: bool = False, **changes: object) -> bytes:
    return json.dumps({"spec": {**SPEC, **changes}, "cancelled": cancelled}).encode()


def test_record_declares_then_replaces_then_cancels_the_window() -> None:
    book = MaintenanceBook([3600.0])
    apply_record(book, _record())
    apply_record(book, _record(title="Database upgrade (longer)"))
    [window] = book.all()
    assert window.spec.title == "Database upgrade (longer)"
    assert not window.cancelled
    apply_record(book, _record(cancelled=True))
    assert book.get("db-upgrade").cancelled  # type: ignore[union-attr]


def test_bad_records_are_skipped_and_leave_the_book_as_it_was() -> None:
    book = MaintenanceBook([3600.0])
    apply_record(book, _record())
    for bad in (b"{not json", b"[]", _record(end="1999-01-01T00:00:00Z"), None):
        apply_record(book, bad)
    [window] = book.all()
    assert window.spec.end.year == 2099
    assert not window.cancelled
