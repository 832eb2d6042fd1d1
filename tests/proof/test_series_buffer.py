"""The chart buffer keeps recent points of watched series, bounded, and hands tickets on."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from alertd.alerts.model import AlertState, Transition, fingerprint
from alertd.ingest.event import Event
from alertd.proof.ledger import ProofLedger
from alertd.proof.listener import ProofListener
from alertd.proof.series import SeriesBuffer
from tests.detect.rules import rules

RULES = rules(
    """
rules:
  - {name: cpu_high, match: {name: cpu}, group_by: [host], detect: {threshold: {above: 90}}}
  - {name: mem_high, match: {name: mem}, group_by: [host], detect: {threshold: {above: 90}}}
"""
)


def _point(t: float, name: str, host: str, value: float | None = 1.0, **more: str) -> Event:
    return Event(t, "metric", name, value, {"host": host, **more})


def _firing(rule: str, host: str, at: float, value: float | None = None) -> Transition:
    labels = {"host": host}
    return Transition(
        rule, labels, AlertState.FIRING, at, fingerprint(rule, labels), at, value=value
    )


def test_a_full_buffer_still_extends_the_series_it_keeps_and_starts_no_other() -> None:
    buffer = SeriesBuffer(RULES, max_series=2, max_points=10)
    buffer.observe_many([_point(0, "cpu", "a"), _point(0, "cpu", "b")])  # full now
    buffer.observe_many(
        [_point(1, "cpu", "a"), _point(1, "cpu", "c"), _point(1, "mem", "a"), _point(2, "cpu", "b")]
    )
    assert buffer.points("cpu", {"host": "a"}, 0, 10) == [(0, 1.0), (1, 1.0)]
    assert buffer.points("cpu", {"host": "b"}, 0, 10) == [(0, 1.0), (2, 1.0)]
    assert buffer.points("cpu", {"host": "c"}, 0, 10) == []
    assert buffer.points("mem", {"host": "a"}, 0, 10) == []


def test_points_are_filed_by_the_labels_the_rules_group_by() -> None:
    buffer = SeriesBuffer(RULES, max_series=1)
    buffer.observe_many([_point(0, "cpu", "a", pod="p1"), _point(1, "cpu", "a", 2.0, pod="p2")])
    assert buffer.points("cpu", {"host": "a"}, 0, 10) == [(0, 1.0), (1, 2.0)]
    assert buffer.points("cpu", {}, 0, 10) == [(0, 1.0), (1, 2.0)]
    assert buffer.points("cpu", {"host": "b"}, 0, 10) == []


def test_an_alerting_series_takes_the_place_of_one_that_never_alerted() -> None:
    buffer = SeriesBuffer(RULES, max_series=2)
    buffer.observe_many([_point(0, "cpu", "a"), _point(0, "cpu", "b"), _point(0, "cpu", "c")])
    buffer.alerting(_firing("cpu_high", "c", 1))
    buffer.observe_many([_point(2, "cpu", "a"), _point(2, "cpu", "b"), _point(2, "cpu", "c")])
    assert buffer.points("cpu", {"host": "c"}, 0, 10) == [(2, 1.0)]
    assert buffer.points("cpu", {"host": "a"}, 0, 10) == []  # the oldest gave way
    assert buffer.points("cpu", {"host": "b"}, 0, 10) == [(0, 1.0), (2, 1.0)]


def test_when_every_kept_series_alerted_the_one_that_alerted_longest_ago_gives_way() -> None:
    buffer = SeriesBuffer(RULES, max_series=2)
    for at, host in enumerate(["a", "b", "a", "c"]):
        buffer.alerting(_firing("cpu_high", host, at))
    buffer.observe_many([_point(5, "cpu", host) for host in "abc"])
    assert buffer.points("cpu", {"host": "a"}, 0, 10) == [(5, 1.0)]  # alerted again at 2
    assert buffer.points("cpu", {"host": "b"}, 0, 10) == []
    assert buffer.points("cpu", {"host": "c"}, 0, 10) == [(5, 1.0)]


def test_a_resolved_alert_or_an_unwatched_rule_claims_no_place() -> None:
    buffer = SeriesBuffer(RULES, max_series=1)
    buffer.observe(_point(0, "cpu", "a"))
    resolved = _firing("cpu_high", "b", 1)
    buffer.alerting(replace(resolved, state=AlertState.RESOLVED))
    buffer.alerting(_firing("not_a_rule", "b", 1))
    buffer.observe(_point(2, "cpu", "a"))
    assert buffer.points("cpu", {"host": "a"}, 0, 10) == [(0, 1.0), (2, 1.0)]


def test_new_rules_keep_the_series_they_still_chart_the_same_way() -> None:
    buffer = SeriesBuffer(RULES)
    buffer.observe_many([_point(0, "cpu", "a"), _point(0, "mem", "a")])
    buffer.watch(
        rules(
            """
rules:
  - {name: cpu_high, match: {name: cpu}, group_by: [host], detect: {threshold: {above: 80}}}
  - {name: mem_high, match: {name: mem}, group_by: [host, region], detect: {threshold: {above: 9}}}
"""
        )
    )
    assert buffer.points("cpu", {"host": "a"}, 0, 10) == [(0, 1.0)]
    assert buffer.points("mem", {"host": "a"}, 0, 10) == []  # now charted by host and region
    buffer.observe(_point(1, "mem", "a", region="eu"))
    assert buffer.points("mem", {"host": "a", "region": "eu"}, 0, 10) == [(1, 1.0)]


def test_tickets_come_back_in_order_and_unwatched_or_valueless_points_are_skipped() -> None:
    buffer = SeriesBuffer(RULES)
    first = Event(0, "ticket", "ticket_created", None, {"id": "1"})
    second = Event(2, "ticket", "ticket_created", None, {"id": "2"})
    tickets = buffer.observe_many(
        [first, _point(1, "disk", "a"), _point(1, "cpu", "a", None), second]
    )
    assert tickets == [first, second]
    assert buffer.points("cpu", {"host": "a"}, 0, 10) == []
    assert buffer.points("disk", {"host": "a"}, 0, 10) == []


def test_the_proof_listener_keeps_the_series_of_an_alert_it_hears_fire_from_its_crossing() -> None:
    ledger = ProofLedger(series=SeriesBuffer(RULES, max_series=1))
    listener = ProofListener(ledger)
    listener.consumed("events", [_point(0, "cpu", "a")])
    listener.consumed("events", [_point(1, "cpu", "b", 93.0)])  # not kept: full
    listener.transition(_firing("cpu_high", "b", 1, 93.0))
    listener.consumed("events", [_point(2, "cpu", "a"), _point(2, "cpu", "b", 95.0)])
    assert ledger.series.points("cpu", {"host": "b"}, 0, 10) == [(1, 93.0), (2, 95.0)]


_EVENTS = st.lists(
    st.builds(
        Event,
        st.floats(0, 100),
        st.sampled_from(["metric", "metric", "ticket"]),
        st.sampled_from(["cpu", "mem", "disk"]),
        st.one_of(st.none(), st.floats(0, 100)),
        st.fixed_dictionaries({"host": st.sampled_from(["a", "b", "c", "d"])}),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_EVENTS, max_size=4), st.integers(0, 5))
def test_batches_keep_the_first_series_seen_until_full_and_extend_only_those(
    batches: list[list[Event]], max_series: int
) -> None:
    buffer = SeriesBuffer(RULES, max_series=max_series, max_points=1000)
    kept: dict[tuple[str, str], list[tuple[float, float]]] = {}  # the plain model
    for batch in batches:
        tickets = buffer.observe_many(batch)
        assert tickets == [event for event in batch if event.kind == "ticket"]
        for event in batch:
            if event.kind == "ticket" or event.value is None or event.name == "disk":
                continue
            key = (event.name, event.labels["host"])
            if key in kept or len(kept) < max_series:
                kept.setdefault(key, []).append((event.time, event.value))
    for (name, host), points in kept.items():
        assert buffer.points(name, {"host": host}, 0, 100) == points
    for name in ("cpu", "mem"):
        for host in "abcd":
            if (name, host) not in kept:
                assert buffer.points(name, {"host": host}, 0, 100) == []


MODEL_RULES = rules(
    """
rules:
  - {name: cpu_high, match: {name: cpu}, group_by: [host], detect: {threshold: {above: 90}}}
  - {name: mem_high, match: {name: mem}, group_by: [host, zone], detect: {threshold: {above: 9}}}
  - {name: fleet, match: {name: fleet}, detect: {threshold: {above: 90}}}
"""
)
STEPS = st.lists(
    st.one_of(
        st.lists(  # a batch of points (and the odd ticket)
            st.tuples(
                st.sampled_from(["cpu", "mem", "fleet", "other", "ticket"]),
                st.sampled_from(["a", "b", "c"]),
                st.sampled_from(["z1", "z2", None]),
                st.sampled_from([1.0, 2.0, None]),
            ),
            max_size=8,
        ),
        st.tuples(st.sampled_from(["cpu_high", "fleet"]), st.sampled_from(["a", "b", "c", "d"])),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(steps=STEPS, max_series=st.integers(0, 4))
def test_a_kept_series_holds_every_point_since_it_was_kept(
    steps: list[object], max_series: int
) -> None:
    """The buffer against a model that files each point in turn: a series is kept from
    its first point while there is room, or from its alert in place of another."""
    buffer = SeriesBuffer(MODEL_RULES, max_series=max_series, max_points=5)
    chart = {"cpu": ("host",), "mem": ("host", "zone"), "fleet": ()}
    expected: dict[object, list[tuple[float, float]]] = {}
    clock = 0.0
    for step in steps:
        clock += 1.0
        if isinstance(step, tuple):  # an alert on (rule, host)
            rule, host = step
            name, labels = ("cpu", {"host": host}) if rule == "cpu_high" else ("fleet", {})
            before = set(buffer._series)
            buffer.alerting(replace(_firing(rule, host, clock, 7.0), labels=labels))
            key = (name, tuple(labels[label] for label in chart[name]))
            for gone in before - set(buffer._series):
                del expected[gone]
            if key in buffer._series and key not in before:
                expected[key] = [(clock, 7.0)]
            continue
        batch, tickets = [], []
        for name, host, zone, value in step:
            labels = {"host": host} | ({"zone": zone} if zone else {})
            kind = "ticket" if name == "ticket" else "metric"
            event = Event(clock, kind, name, value, labels)  # type: ignore[arg-type]
            batch.append(event)
            if kind == "ticket":
                tickets.append(event)
                continue
            if name not in chart or value is None:
                continue
            key = (name, tuple(labels.get(label, "") for label in chart[name]))
            if key not in expected and len(expected) < max_series:
                expected[key] = []
            if key in expected:
                expected[key].append((clock, value))
        assert buffer.observe_many(batch) == tickets
        assert {k: list(v) for k, v in buffer._series.items()} == {
            k: v[-5:] for k, v in expected.items()
        }
