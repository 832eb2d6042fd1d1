"""Correlation edge cases: who wrote in, about which incident, before or after a notice."""

from __future__ import annotations

from alertd.proof.correlate import Window, correlate, score
from alertd.proof.model import IncidentFacts, Ticket

T0 = 1_800_000_000.0


def incident(
    iid: str = "inc-a",
    component: str = "checkout",
    region: str = "eu-west",
    opened: float = T0,
    resolved: float | None = T0 + 3600,
    audience: tuple[str, ...] = ("c1", "c2", "c3"),
    notified: dict[str, float] | None = None,
) -> IncidentFacts:
    return IncidentFacts.scoped(
        iid,
        "checkout_errors",
        {"service": component, "region": region},
        opened,
        resolved_at=resolved,
        audience=frozenset(audience),
        notified=dict(notified or {}),
    )


def ticket(
    tid: str,
    at: float,
    customer: str | None,
    component: str | None = "checkout",
    region: str | None = "eu-west",
) -> Ticket:
    return Ticket(tid, at, customer, component, region)


def test_notice_before_the_first_ticket_gives_a_positive_lead() -> None:
    inc = incident(notified={"c1": T0 + 180, "c2": T0 + 181})
    report = correlate([inc], [ticket("t1", T0 + 600, "c1"), ticket("t2", T0 + 900, "c3")])
    [proof] = report.incidents
    assert proof.first_notice == T0 + 180
    assert proof.first_ticket == T0 + 600
    assert proof.lead_seconds == 600 - 180
    assert not proof.ticket_first
    assert [v.verdict for v in proof.tickets] == ["notified", "not_notified"]


def test_ticket_before_any_notice_gives_negative_lead_and_ticket_first() -> None:
    inc = incident(notified={"c1": T0 + 180})
    report = correlate([inc], [ticket("t1", T0 + 60, "c2"), ticket("t2", T0 + 200, "c1")])
    [proof] = report.incidents
    assert proof.lead_seconds == 60 - 180
    assert proof.ticket_first
    assert proof.count("not_notified") == 1  # c2 had not been told when writing
    assert proof.count("notified") == 1


def test_ticket_from_a_customer_told_only_after_writing_counts_as_not_notified() -> None:
    inc = incident(notified={"c1": T0 + 300})
    [proof] = correlate([inc], [ticket("t1", T0 + 200, "c1")]).incidents
    assert [v.verdict for v in proof.tickets] == ["not_notified"]


def test_ticket_from_outside_the_audience_about_the_component_counts_as_outside() -> None:
    inc = incident(notified={"c1": T0 + 180})
    [proof] = correlate([inc], [ticket("t1", T0 + 400, "zz", region=None)]).incidents
    assert [v.verdict for v in proof.tickets] == ["outside"]
    assert proof.lead_seconds == 400 - 180


def test_ticket_from_outside_the_audience_without_matching_labels_is_unmatched() -> None:
    inc = incident()
    report = correlate([inc], [ticket("t1", T0 + 400, "zz", component=None, region=None)])
    assert report.incidents[0].tickets == []
    assert report.unmatched == 1


def test_ticket_naming_another_region_never_joins_the_incident() -> None:
    inc = incident()
    assert score(ticket("t1", T0 + 60, "c1", region="us-east"), inc, Window()) is None


def test_incident_without_tickets_has_no_lead_and_is_not_ticket_first() -> None:
    [proof] = correlate([incident(notified={"c1": T0 + 180})], []).incidents
    assert proof.first_ticket is None
    assert proof.lead_seconds is None
    assert not proof.ticket_first
    assert proof.as_json()["tickets"] == {"total": 0, "notified": 0, "notNotified": 0, "outside": 0}


def test_incident_nobody_was_told_about_counts_a_ticket_as_first() -> None:
    [proof] = correlate([incident()], [ticket("t1", T0 + 100, "c1")]).incidents
    assert proof.ticket_first
    assert proof.lead_seconds is None


def test_tickets_outside_the_time_window_belong_to_no_incident() -> None:
    window = Window(before=600, after=300)
    inc = incident(resolved=T0 + 1000)
    early, late = ticket("early", T0 - 601, "c1"), ticket("late", T0 + 1301, "c1")
    inside = ticket("inside", T0 - 599, "c1")
    report = correlate([inc], [early, late, inside], window)
    assert [v.ticket.id for v in report.incidents[0].tickets] == ["inside"]
    assert report.unmatched == 2


def test_overlapping_incidents_each_ticket_goes_to_exactly_one() -> None:
    checkout = incident("inc-checkout", "checkout", "us-east", T0, audience=("u1", "u2"))
    search = incident("inc-search", "search", "us-east", T0 + 300, audience=("u2", "u3"))
    tickets = [
        ticket("a", T0 + 400, "u1", component=None, region="us-east"),  # only checkout's member
        ticket("b", T0 + 400, "u3", component=None, region="us-east"),  # only search's member
        ticket("c", T0 + 400, "u2", component="search", region="us-east"),  # member of both
        ticket("d", T0 + 400, "x9", component=None, region="us-east"),  # neither: nearest
    ]
    report = correlate([checkout, search], tickets)
    got = {p.facts.id: sorted(v.ticket.id for v in p.tickets) for p in report.incidents}
    assert got == {"inc-checkout": ["a"], "inc-search": ["b", "c", "d"]}
    assert sum(len(p.tickets) for p in report.incidents) == len(tickets)


def test_time_range_selects_incidents_but_tickets_keep_their_true_incident() -> None:
    old = incident("inc-old", opened=T0, resolved=T0 + 600)
    new = incident("inc-new", opened=T0 + 7200, resolved=T0 + 7800)
    report = correlate(
        [old, new],
        [ticket("t-old", T0 + 100, "c1"), ticket("t-new", T0 + 7300, "c1")],
        since=T0 + 3600,
    )
    assert [p.facts.id for p in report.incidents] == ["inc-new"]
    assert [v.ticket.id for v in report.incidents[0].tickets] == ["t-new"]


def test_summary_counts_and_median_lead() -> None:
    a = incident("a", notified={"c1": T0 + 100})
    b = incident("b", "search", "us-east", T0 + 5000, T0 + 6000, ("u1",), {"u1": T0 + 5100})
    report = correlate(
        [a, b],
        [ticket("t1", T0 + 400, "c1"), ticket("t2", T0 + 5200, "u1", "search", "us-east")],
    )
    summary = report.summary()
    assert summary["incidents"] == 2
    assert summary["medianLeadSeconds"] == (300 + 100) / 2
    assert summary["tickets"]["notified"] == 2
