from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.detect.support import feed_stream, last_state, series, tick_until

PARAMS = {"numerator": {"labels": {"status": "5*"}}, "denominator": {}, "window": "1m"}


def traffic(errors: int, total: int, t0: float = 0.0) -> list[tuple[str, float, float | None]]:
    out = [("denominator", t0 + i, None) for i in range(total)]
    out += [("numerator", t0 + i, None) for i in range(errors)]
    return out


def test_fires_when_the_ratio_passes_the_level() -> None:
    s = series("ratio", **PARAMS, above=0.1)
    assert not last_state(feed_stream(s, traffic(1, 20)))
    verdicts = feed_stream(s, traffic(4, 0, 30))
    assert last_state(verdicts)
    final = verdicts[-1]
    assert final is not None
    assert final.value == pytest.approx(5 / 20)
    assert final.context["numerator"] == 5
    assert final.context["denominator"] == 20


def test_default_level_is_five_percent() -> None:
    s = series("ratio", **PARAMS)
    assert last_state(feed_stream(s, traffic(2, 20)))


def test_too_little_traffic_is_not_judged() -> None:
    s = series("ratio", **PARAMS, min_denominator=10)
    assert not last_state(feed_stream(s, traffic(5, 5)))


def test_clears_when_the_window_drains() -> None:
    s = series("ratio", **PARAMS, min_denominator=1)
    assert last_state(feed_stream(s, traffic(5, 10)))
    flips = tick_until(s, 1000)
    assert flips
    assert not flips[-1].active


def test_streams_need_valid_selectors() -> None:
    with pytest.raises(ValidationError):
        series("ratio", numerator={"labels": {"x": "~("}}, denominator={})
    with pytest.raises(ValidationError):
        series("ratio", numerator={"colour": "red"}, denominator={})
