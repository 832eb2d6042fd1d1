"""The ledger's Prometheus metrics: lead time, tickets by notified, ticket-first incidents."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from alertd.ingest.event import Event
from alertd.observe.metrics import Metrics
from alertd.proof.ledger import ProofLedger
from alertd.proof.model import IncidentFacts
from alertd.proof.series import SeriesBuffer
from tests.detect.rules import rules

ERROR_RATIO = """
rules:
  - name: checkout_errors
    match: {name: http_error_ratio}
    group_by: [service, region]
    detect: {threshold: {above: 0.05}}
"""

T0 = 1_800_000_000.0


def ledger_with(*incidents: IncidentFacts) -> tuple[ProofLedger, Metrics]:
    metrics = Metrics(CollectorRegistry())
    ledger = ProofLedger(metrics)
    ledger.source = lambda: list(incidents)
    return ledger, metrics


def checkout(iid: str = "inc-1", region: str = "eu-west") -> IncidentFacts:
    return IncidentFacts.scoped(
        iid,
        "checkout_errors",
        {"service": "checkout", "region": region},
        T0,
        audience=frozenset({"c1", "c2"}),
    )


def ticket_event(at: float, customer: str, region: str = "eu-west") -> Event:
    return Event(
        at,
        "ticket",
        "ticket_created",
        labels={"component": "checkout", "region": region},
        attributes={"customer_id": customer, "ticket_id": f"t-{customer}-{at:.0f}"},
    )


def sample(metrics: Metrics, name: str, labels: dict[str, str] | None = None) -> float:
    value = metrics.registry.get_sample_value(name, labels or {})
    return 0.0 if value is None else value


def test_first_ticket_after_a_notice_observes_the_lead_once_per_incident() -> None:
    ledger, metrics = ledger_with(checkout())
    ledger.customer_notified("inc-1", "c1", "email", T0 + 180)
    ledger.observe(ticket_event(T0 + 780, "c1"))
    ledger.observe(ticket_event(T0 + 900, "c2"))
    assert sample(metrics, "alertd_notice_lead_seconds_count") == 1
    assert sample(metrics, "alertd_notice_lead_seconds_sum") == 600
    assert sample(metrics, "alertd_tickets_total", {"notified": "true"}) == 1
    assert sample(metrics, "alertd_tickets_total", {"notified": "false"}) == 1
    assert sample(metrics, "alertd_incidents_ticket_first_total") == 0


def test_ticket_before_the_first_notice_counts_the_incident_as_ticket_first() -> None:
    ledger, metrics = ledger_with(checkout())
    ledger.observe(ticket_event(T0 + 60, "c1"))
    ledger.customer_notified("inc-1", "c1", "email", T0 + 180)
    ledger.observe(ticket_event(T0 + 600, "c2"))
    assert sample(metrics, "alertd_incidents_ticket_first_total") == 1
    assert sample(metrics, "alertd_notice_lead_seconds_count") == 0


def test_ticket_that_arrived_before_the_incident_opened_is_found_at_the_first_notice() -> None:
    incidents: list[IncidentFacts] = []
    metrics = Metrics(CollectorRegistry())
    ledger = ProofLedger(metrics)
    ledger.source = lambda: list(incidents)
    ledger.observe(ticket_event(T0 - 120, "c1"))  # degradation felt before detection
    assert sample(metrics, "alertd_tickets_total", {"notified": "false"}) == 1
    incidents.append(checkout())
    ledger.customer_notified("inc-1", "c2", "email", T0 + 180)
    ledger.customer_notified("inc-1", "c1", "email", T0 + 181)
    assert sample(metrics, "alertd_incidents_ticket_first_total") == 1


def test_ticket_about_another_region_does_not_decide_the_incident() -> None:
    ledger, metrics = ledger_with(checkout())
    ledger.customer_notified("inc-1", "c1", "email", T0 + 180)
    ledger.observe(ticket_event(T0 + 60, "c1", region="us-east"))
    assert sample(metrics, "alertd_incidents_ticket_first_total") == 0
    assert sample(metrics, "alertd_notice_lead_seconds_count") == 0


def test_report_carries_notices_pages_and_signal_of_the_incident() -> None:
    facts = checkout()
    facts.fingerprint, facts.signal_name = "fp-1", "http_error_ratio"
    facts.signal_labels = {"service": "checkout", "region": "eu-west"}
    ledger = ProofLedger(series=SeriesBuffer(rules(ERROR_RATIO)))
    ledger.source = lambda: [facts]
    for i, value in enumerate([0.01, 0.09, 0.1]):
        labels = {"service": "checkout", "region": "eu-west"}
        ledger.observe(Event(T0 - 60 + 30 * i, "metric", "http_error_ratio", value, labels))
    ledger.observe(Event(T0, "metric", "unwatched", 1.0))
    ledger.paged("fp-1", T0 + 1)
    ledger.paged("fp-other", T0 + 1)
    ledger.customer_notified("inc-1", "c1", "webhook", T0 + 200)
    ledger.customer_notified("inc-1", "c1", "email", T0 + 190)
    [proof] = ledger.report().incidents
    assert proof.facts.pages == [T0 + 1]
    assert proof.facts.notified == {"c1": T0 + 190}
    assert [v for _, v in proof.facts.signal] == [0.01, 0.09, 0.1]


def test_a_redelivered_ticket_counts_once() -> None:
    ledger, metrics = ledger_with(checkout())
    ledger.customer_notified("inc-1", "c1", "email", T0 + 180)
    for _ in range(3):  # Kafka redelivery after a rebalance, or a webhook retry
        ledger.observe(ticket_event(T0 + 780, "c1"))
    assert len(ledger.tickets) == 1
    assert sample(metrics, "alertd_tickets_total", {"notified": "true"}) == 1


def test_oldest_tickets_are_forgotten_beyond_the_limit() -> None:
    ledger = ProofLedger(max_tickets=2)
    for i in range(3):
        ledger.observe(ticket_event(T0 + i, f"c{i}"))
    assert [t.customer_id for t in ledger.tickets] == ["c1", "c2"]
    ledger.observe(ticket_event(T0, "c0"))  # forgotten, so it is new again
    assert [t.customer_id for t in ledger.tickets] == ["c2", "c0"]
