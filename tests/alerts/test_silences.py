"""Silences: matching, windows, expiry and persistence hooks."""

from __future__ import annotations

import pytest

from alertd.alerts.silences import Silence, Silences, new_silence

T0 = 1_790_000_000.0


class MemorySink:
    def __init__(self) -> None:
        self.saved: list[Silence] = []

    async def save(self, silence: Silence) -> None:
        self.saved.append(silence)


async def test_active_silence_matches_by_glob_regex_and_negation() -> None:
    silences = Silences()
    s = await silences.add(
        new_silence({"service": "check*", "region": "~eu-.*", "env": "!staging"}, T0, T0 + 3600)
    )
    assert silences.silenced_by({"service": "checkout", "region": "eu-west"}, T0 + 1) == [s.id]
    assert silences.silenced_by({"service": "checkout", "region": "us-east"}, T0 + 1) == []
    assert (
        silences.silenced_by({"service": "checkout", "region": "eu-west", "env": "staging"}, T0 + 1)
        == []
    )


async def test_silence_applies_only_within_its_window() -> None:
    silences = Silences()
    await silences.add(new_silence({"service": "checkout"}, T0 + 60, T0 + 120))
    labels = {"service": "checkout"}
    assert silences.silenced_by(labels, T0) == []
    assert silences.silenced_by(labels, T0 + 60) != []
    assert silences.silenced_by(labels, T0 + 120) == []


async def test_expire_ends_it_now_and_persists_the_change() -> None:
    sink = MemorySink()
    silences = Silences(sink)
    s = await silences.add(new_silence({"service": "checkout"}, T0, T0 + 3600, "alice", "deploy"))
    expired = await silences.expire(s.id, T0 + 10)
    assert expired is not None
    assert expired.state(T0 + 10) == "expired"
    assert silences.silenced_by({"service": "checkout"}, T0 + 11) == []
    assert [x.ends_at for x in sink.saved] == [T0 + 3600, T0 + 10]
    assert await silences.expire("nope", T0) is None


def test_record_round_trip_keeps_every_field() -> None:
    s = new_silence({"a": "b"}, T0, T0 + 1, "bob", "why")
    assert Silence.from_record(s.to_record()) == s


@pytest.mark.parametrize(
    ("matchers", "end", "message"),
    [
        ({}, T0 + 1, "at least one matcher"),
        ({"a": "~("}, T0 + 1, "invalid regex"),
        ({"a": "b"}, T0, "after startsAt"),
    ],
)
def test_bad_silences_are_refused_with_a_reason(
    matchers: dict[str, str], end: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        new_silence(matchers, T0, end)
