"""Aggregation group timers: group_wait, group_interval, repeat_interval, fast paths."""

from __future__ import annotations

from alertd.alerts.store import Alert
from alertd.config.schema import RouteConfig
from alertd.notify.grouping import GroupBook
from alertd.route.tree import Route
from tests.notify.factories import T0, alert, resolved

ROUTE = Route.build(
    RouteConfig.model_validate(
        {
            "receiver": "r",
            "group_by": ["service"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "1h",
        }
    )
)


def always(_: Alert) -> bool:
    return True


def flush_due(book: GroupBook, now: float) -> list[list[str]]:
    """Fingerprints paged per group flushed at ``now``."""
    out = []
    for group in book.due(now):
        flush = book.flush(group, now, always)
        if flush is not None:
            out.append(sorted(a.fingerprint for a in flush.alerts))
    return out


def test_warning_waits_for_group_wait_and_collects_siblings() -> None:
    book = GroupBook()
    a = alert(service="checkout", region="eu")
    b = alert(service="checkout", region="us")
    book.add(ROUTE, a, T0)
    book.add(ROUTE, b, T0 + 10)
    assert flush_due(book, T0 + 29) == []
    assert flush_due(book, T0 + 30) == [sorted([a.fingerprint, b.fingerprint])]


def test_critical_first_page_is_not_held_behind_group_wait() -> None:
    book = GroupBook()
    crit = alert(service="checkout", severity="critical")
    book.add(ROUTE, crit, T0)
    assert flush_due(book, T0) == [[crit.fingerprint]]


def test_new_alert_in_paged_group_waits_for_group_interval() -> None:
    book = GroupBook()
    a = alert(service="checkout", region="eu")
    book.add(ROUTE, a, T0)
    flush_due(book, T0 + 30)
    b = alert(service="checkout", region="us")
    book.add(ROUTE, b, T0 + 60)
    assert flush_due(book, T0 + 60) == []
    assert flush_due(book, T0 + 30 + 300) == [sorted([a.fingerprint, b.fingerprint])]


def test_unchanged_group_is_not_paged_again_until_repeat_interval() -> None:
    book = GroupBook()
    a = alert(service="checkout")
    book.add(ROUTE, a, T0)
    assert flush_due(book, T0 + 30) == [[a.fingerprint]]
    assert flush_due(book, T0 + 330) == []
    assert flush_due(book, T0 + 30 + 3600) == [[a.fingerprint]]


def test_resolve_is_paged_at_once_and_closes_the_group() -> None:
    book = GroupBook()
    a = alert(service="checkout")
    book.add(ROUTE, a, T0)
    flush_due(book, T0 + 30)
    book.add(ROUTE, resolved(a, T0 + 40), T0 + 40)
    [group] = book.due(T0 + 40)
    flush = book.flush(group, T0 + 40, always)
    assert flush is not None
    assert [x.state for x in flush.alerts] == ["resolved"]
    assert len(book) == 0


def test_resolve_of_an_alert_never_paged_sends_nothing() -> None:
    book = GroupBook()
    a = alert(service="checkout")
    book.add(ROUTE, a, T0)
    book.add(ROUTE, resolved(a, T0 + 5), T0 + 5)
    assert flush_due(book, T0 + 5) == []
    assert len(book) == 0


def test_muted_alert_is_left_out_but_its_resolve_still_closes_the_page() -> None:
    book = GroupBook()
    a = alert(service="checkout")
    book.add(ROUTE, a, T0)
    flush_due(book, T0 + 30)
    [group] = book.due(T0 + 330)
    assert book.flush(group, T0 + 330, lambda _: False) is None
    book.add(ROUTE, resolved(a, T0 + 400), T0 + 400)
    [group] = book.due(T0 + 400)
    flush = book.flush(group, T0 + 400, lambda _: False)
    assert flush is not None
    assert [x.fingerprint for x in flush.alerts] == [a.fingerprint]
