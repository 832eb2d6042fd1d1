"""RuleIndex: the same inputs, in the same order, as checking every rule; fewer checks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alertd.config.rules import RuleSpec
from alertd.detect import index as index_module
from alertd.detect.index import RuleIndex
from alertd.detect.rule import CompiledRule, Selection, compile_rule
from alertd.ingest.event import Event

NAMES = ["http_errors", "http_latency", "disk", "h"]
NAME_PATTERNS = [None, "http_errors", "http_*", "*_latency", "h*", "disk", "[dh]isk"]
LABEL_PATTERNS = [None, "checkout", "check*", "~^pay.*", "!checkout", "payments"]


def rule(
    i: int, kind: str | None, name: str | None, service: str | None, region: str | None
) -> CompiledRule:
    match: dict[str, object] = {"labels": {}}
    if kind is not None:
        match["kind"] = kind
    if name is not None:
        match["name"] = name
    labels: dict[str, str] = {}
    if service is not None:
        labels["service"] = service
    if region is not None:
        labels["region"] = region
    match["labels"] = labels
    spec = RuleSpec.model_validate(
        {"name": f"r{i}", "match": match, "detect": {"threshold": {"above": 1}}}
    )
    return compile_rule(spec)


rule_params = st.tuples(
    st.sampled_from([None, "metric", "log"]),
    st.sampled_from(NAME_PATTERNS),
    st.sampled_from(LABEL_PATTERNS),
    st.sampled_from([None, "eu", "us"]),
)
events = st.builds(
    lambda kind, name, service, region, pod: Event(
        time=0.0,
        kind=kind,
        name=name,
        value=1.0,
        labels={
            k: v
            for k, v in (("service", service), ("region", region), ("pod", pod))
            if v is not None
        },
    ),
    st.sampled_from(["metric", "log"]),
    st.sampled_from(NAMES),
    st.sampled_from([None, "", "checkout", "payments", "search"]),
    st.sampled_from([None, "eu", "us"]),
    st.sampled_from([None, "p1", "p2"]),  # a label no rule looks at: the memo ignores it
)


def scan(rules: list[CompiledRule], event: Event) -> list[tuple[str, object]]:
    return [(r.name, s) for r in rules for s in r.streams if s.accepts(event)]


@settings(max_examples=200, deadline=None)
@given(st.lists(rule_params, max_size=12), st.lists(events, min_size=1, max_size=20))
def test_index_finds_exactly_what_a_full_scan_finds_in_rule_order(
    params: list[tuple[str | None, str | None, str | None, str | None]], evs: list[Event]
) -> None:
    rules = [rule(i, *p) for i, p in enumerate(params)]
    index = RuleIndex(rules)
    for event in evs:
        assert [(r.name, s) for r, s in index.inputs_for(event)] == scan(rules, event)
        assert [r.name for r in index.rules_for(event)] == [
            r.name for r in rules if r.accepts(event)
        ]


def test_a_full_memo_starts_over_and_still_answers_exactly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(index_module, "MEMO_LIMIT", 2)
    rules = [rule(i, "metric", "latency", f"s{i}", None) for i in range(10)]
    index = RuleIndex(rules)
    for i in [*range(10), *range(10)]:
        event = Event(time=0.0, kind="metric", name="latency", labels={"service": f"s{i}"})
        assert [r.name for r, _ in index.inputs_for(event)] == [f"r{i}"]
        assert len(index.memo) <= 2


def test_a_thousand_rules_on_one_metric_told_apart_by_label_check_only_the_candidate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checks = 0
    original = Selection.accepts

    def counted(self: Selection, event: Event) -> bool:
        nonlocal checks
        checks += 1
        return original(self, event)

    monkeypatch.setattr(Selection, "accepts", counted)
    rules = [rule(i, "metric", "latency", f"s{i}", None) for i in range(1000)]
    index = RuleIndex(rules)
    event = Event(time=0.0, kind="metric", name="latency", value=1.0, labels={"service": "s42"})
    hits = index.inputs_for(event)
    assert [r.name for r, _ in hits] == ["r42"]
    assert checks == 1


def test_glob_names_are_found_by_their_literal_prefix() -> None:
    rules = [rule(i, None, f"svc{i}_*", None, None) for i in range(500)]
    index = RuleIndex(rules)
    event = Event(time=0.0, kind="metric", name="svc7_errors", value=1.0)
    assert [r.name for r in index.rules_for(event)] == ["r7"]


@pytest.mark.parametrize(
    ("pattern", "name", "accepted"),
    [
        ("disk", "disk", True),
        ("disk", "disks", False),
        ("[dh]isk", "hisk", True),
        ("[dh]isk", "[dh]isk", False),  # a glob is a pattern, never compared literally
        ("http_*", "http_*", True),
    ],
)
def test_selection_compares_literal_names_and_globs_like_fnmatch(
    pattern: str, name: str, accepted: bool
) -> None:
    selection = rule(0, None, pattern, None, None).streams[0].selections[0]
    assert selection.accepts(Event(time=0.0, kind="metric", name=name, labels={})) is accepted
