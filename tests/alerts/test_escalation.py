"""Escalation steps: levels in order, repeats, stop on ack."""

from __future__ import annotations

from alertd.alerts.escalation import EscalationPolicy, Escalations
from alertd.config.paging import EscalationPolicyConfig

POLICY = EscalationPolicy.build(
    EscalationPolicyConfig.model_validate(
        {
            "name": "pay",
            "levels": [{"after": "5m", "receiver": "second"}, {"after": "10m", "receiver": "boss"}],
            "repeat": 1,
        }
    )
)


def steps(esc: Escalations, now: float, unacked: bool = True) -> list[str]:
    return [s.receiver for s in esc.due(now, lambda _: unacked)]


def test_levels_page_in_order_after_their_delays_then_repeat_once() -> None:
    esc = Escalations()
    esc.start("inc", POLICY, 0.0)
    assert steps(esc, 299) == []
    assert steps(esc, 300) == ["second"]
    assert steps(esc, 899) == []
    assert steps(esc, 900) == ["boss"]
    assert steps(esc, 1200) == ["second"]
    assert steps(esc, 1800) == ["boss"]
    assert esc.pending() == []  # 2 levels x (1 + 1 repeat) done


def test_ack_or_resolve_stops_escalation() -> None:
    esc = Escalations()
    esc.start("inc", POLICY, 0.0)
    assert steps(esc, 1000, unacked=False) == []
    assert esc.pending() == []


def test_second_start_does_not_reset_the_clock() -> None:
    esc = Escalations()
    esc.start("inc", POLICY, 0.0)
    esc.start("inc", POLICY, 200.0)
    assert steps(esc, 300) == ["second"]
