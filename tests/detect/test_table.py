"""The series table files series by rule, yet reads like one dict of SeriesKey."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alertd.detect.detectors.threshold import ThresholdParams, ThresholdSeries
from alertd.detect.table import NATIVE_BUILT, SeriesKey, SeriesTable, group_key

RULES = ("one", "two", "none")
GROUPS = {"one": st.tuples(st.sampled_from(["a", "b", ""])), "none": st.just(())}
GROUPS["two"] = st.tuples(st.sampled_from(["a", "b"]), st.sampled_from(["x", "y"]))
KEYS = st.sampled_from(RULES).flatmap(lambda rule: st.tuples(st.just(rule), GROUPS[rule]))


def _series(last_seen: float) -> ThresholdSeries:
    series = ThresholdSeries(ThresholdParams(above=1))
    series.last_seen = last_seen
    return series


def test_a_one_label_group_is_filed_under_its_value_and_read_back_as_a_key() -> None:
    table = SeriesTable(RULES)
    made = _series(0.0)
    table[("one", ("a",))] = made
    assert table.of_rule("one") == {"a": made}
    assert table.get(("one", ("a",))) is made
    assert list(table.items()) == [(("one", ("a",)), made)]


def test_groups_of_other_sizes_are_filed_as_tuples() -> None:
    table = SeriesTable(RULES)
    table[("two", ("a", "x"))] = _series(0.0)
    table[("none", ())] = _series(0.0)
    assert list(table.of_rule("two")) == [("a", "x")]
    assert list(table.of_rule("none")) == [()]
    assert set(table) == {("two", ("a", "x")), ("none", ())}


def test_a_rule_the_table_was_not_made_for_holds_nothing_and_takes_nothing() -> None:
    table = SeriesTable(RULES)
    assert table.get(("other", ("a",))) is None
    assert ("other", ("a",)) not in table
    with pytest.raises(KeyError):
        table[("other", ("a",))] = _series(0.0)


def test_idle_since_names_only_the_series_last_seen_before_the_cutoff() -> None:
    table = SeriesTable(RULES)
    table[("one", ("a",))] = _series(5.0)
    table[("one", ("b",))] = _series(50.0)
    table[("two", ("a", "x"))] = _series(1.0)
    assert sorted(table.idle_since(10.0)) == [("one", ("a",)), ("two", ("a", "x"))]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["set", "del", "get"]), KEYS), max_size=60))
def test_the_table_behaves_like_a_dict_keyed_by_series_key(
    steps: list[tuple[str, SeriesKey]],
) -> None:
    table, model = SeriesTable(RULES), {}
    for step, (op, key) in enumerate(steps):
        if op == "set":
            table[key] = model[key] = _series(float(step))
        elif op == "del" and key in model:
            del table[key], model[key]
        assert table.get(key) is model.get(key)
        assert (key in table) == (key in model)
    assert len(table) == len(model)
    assert dict(table.items()) == model
    assert set(table) == set(model)
    for name in RULES:
        filed = {(n, g): s for (n, g), s in model.items() if n == name}
        assert table.of_rule(name) == {group_key(g): s for (_, g), s in filed.items()}


native_only = pytest.mark.skipif(not NATIVE_BUILT, reason="alertd.detect._resting is not built")


@native_only
def test_resting_series_are_listed_and_expired_without_being_built() -> None:
    table = SeriesTable(RULES, resting={"one": lambda: _series(0.0)}, native=True)
    filed = table.of_rule("one")
    for value, at in (("a", 10.0), ("b", 20.0), ("", 30.0)):
        assert filed.rest(value, at)  # type: ignore[attr-defined]
    table[("two", ("a", "x"))] = _series(5.0)
    assert len(table) == 4
    assert set(table) == {("one", ("a",)), ("one", ("b",)), ("one", ("",)), ("two", ("a", "x"))}
    assert sorted(table.idle_since(25.0)) == [("one", ("a",)), ("one", ("b",)), ("two", ("a", "x"))]
    assert filed.slots() == 3  # type: ignore[attr-defined]
    del table[("one", ("a",))]
    assert table.get(("one", ("b",))).last_seen == 20.0  # type: ignore[union-attr]
    assert filed.slots() == 1  # type: ignore[attr-defined]


def test_without_the_native_switch_every_rule_is_a_dict() -> None:
    table = SeriesTable(RULES, resting={"one": lambda: _series(0.0)}, native=False)
    assert type(table.of_rule("one")) is dict
