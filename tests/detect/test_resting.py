"""The native resting map reads and changes like the dict of detectors it stands for."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

resting = pytest.importorskip("alertd.detect._resting")


class Series:
    """A detector as the lane sees it: a last-seen time and whether it is at rest."""

    def __init__(self) -> None:
        self.last_seen = 0.0
        self.at_rest = True


def rest_in_dict(model: dict[str, Series], key: str, at: float) -> bool:
    """The Python lane's step for one quiet event (alertd/detect/quiet.py)."""
    series = model.get(key)
    if series is None:
        model[key] = made = Series()
        made.last_seen = at
    elif not series.at_rest:
        return False
    elif at > series.last_seen:
        series.last_seen = at
    return True


KEYS = st.sampled_from(
    ["", "h1", "h2", "é-host", "a-very-long-host-name.eu-west-1.internal", "\ud800x", "\udc80x"]
)
TIMES = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("rest"), KEYS, TIMES),
        st.tuples(st.just("get"), KEYS, st.just(0.0)),
        st.tuples(st.just("unrest"), KEYS, st.just(0.0)),
        st.tuples(st.just("set"), KEYS, TIMES),
        st.tuples(st.just("del"), KEYS, st.just(0.0)),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(OPS, TIMES)
def test_resting_map_matches_a_dict_of_detectors(
    ops: list[tuple[str, str, float]], cutoff: float
) -> None:
    native, model = resting.RestingMap(Series), {}
    for op, key, at in ops:
        if op == "rest":
            assert native.rest(key, at) == rest_in_dict(model, key, at)
        elif op == "get":
            built, expected = native.get(key), model.get(key)
            assert (built is None) == (expected is None)
            if built is not None:
                assert built.last_seen == expected.last_seen
                model[key] = built  # the map holds this object from now on
        elif op == "unrest" and key in model:
            native[key].at_rest = model[key].at_rest = False
        elif op == "set":
            series = Series()
            series.last_seen = at
            native[key] = model[key] = series
        elif op == "del" and key in model:
            del native[key], model[key]
        assert len(native) == len(model)
        assert (key in native) == (key in model)
    assert sorted(native.idle_since(cutoff)) == sorted(
        k for k, s in model.items() if s.last_seen < cutoff
    )
    assert sorted(native.keys()) == sorted(model)
    assert {k: s.last_seen for k, s in native.items()} == {k: s.last_seen for k, s in model.items()}
    assert native.slots() == 0


def test_a_fresh_resting_series_is_a_slot_until_asked_for() -> None:
    native = resting.RestingMap(Series)
    assert native.rest("h1", 5.0)
    assert native.rest("h1", 4.0)
    assert native.slots() == 1
    built = native["h1"]
    assert built.last_seen == 5.0
    assert native.slots() == 0
    assert native["h1"] is built


def test_a_series_out_of_rest_is_left_to_the_full_path() -> None:
    native = resting.RestingMap(Series)
    native.rest("h1", 1.0)
    native["h1"].at_rest = False
    assert not native.rest("h1", 2.0)
    assert native["h1"].last_seen == 1.0


def test_missing_keys_and_other_key_types() -> None:
    native = resting.RestingMap(Series)
    assert native.get("nope") is None
    assert native.get(("h1",)) is None
    assert ("h1",) not in native
    with pytest.raises(KeyError):
        native["nope"]
    with pytest.raises(KeyError):
        del native["nope"]
