"""The proof scenario: four incidents, 3000 customers, tickets after degradation starts.

Everything is derived deterministically from the definitions below (no randomness),
so ``alertd demo --full``, ``config/examples/scenario/`` and the tests all replay
exactly the same morning:

- A: checkout errors in eu-west; customers are told before they write in.
- B: search latency in us-east, and C: checkout errors in us-east, overlapping B.
- D: login errors in ap-south that customers notice within 90 seconds: the tickets
  come first.

Some customers have no contact address (they cannot be told), some customers outside
an incident's audience write in about it, and unrelated billing tickets arrive all
morning.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from alertd.ingest.event import Event

START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC).timestamp()
END = START + 4 * 3600
STEP = 30.0
"""Seconds between two samples of a series."""
REGIONS = ("eu-west", "us-east", "ap-south")
COMPONENTS = ("checkout", "search", "login")
CUSTOMERS = 3000
CONFIRM_AFTER = 180.0
"""``notices.confirm_after`` of the scenario config."""


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    metric: str
    above: float
    for_: float
    healthy: float


ERRORS = Rule("service_errors", "http_error_ratio", 0.05, 120.0, 0.004)
LATENCY = Rule("search_latency", "search_latency_p99_seconds", 1.5, 180.0, 0.35)
RULES = (ERRORS, LATENCY)


@dataclass(frozen=True, slots=True)
class Degradation:
    key: str
    rule: Rule
    component: str
    region: str
    start: float
    end: float
    bad: float
    first_ticket: float
    """Seconds after ``start`` customers begin to write in."""
    tickets: int
    gap: float
    outside: int
    """Tickets from customers outside the audience (other regions) about this component."""


DEGRADATIONS = (
    Degradation(
        "A", ERRORS, "checkout", "eu-west", START + 1800, START + 4500, 0.12, 900, 40, 45, 3
    ),
    Degradation("B", LATENCY, "search", "us-east", START + 5400, START + 8400, 3.2, 720, 25, 60, 2),
    Degradation(
        "C", ERRORS, "checkout", "us-east", START + 6000, START + 7200, 0.09, 540, 20, 40, 0
    ),
    Degradation("D", ERRORS, "login", "ap-south", START + 10200, START + 12000, 0.3, 90, 30, 30, 1),
)


# -- customers ---------------------------------------------------------------------------


def customer_id(i: int) -> str:
    return f"cust-{i:04d}"


def customer_region(i: int) -> str:
    return REGIONS[i % len(REGIONS)]


def customer_components(i: int) -> list[str]:
    used = ["login"]
    if i % 5 != 0:
        used.insert(0, "checkout")
    if i % 2 == 0:
        used.append("search")
    return used


def reachable(i: int) -> bool:
    """Customers with ``i % 10 == 7`` left no contact address: nobody can tell them."""
    return i % 10 != 7


def customers_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "plan", "regions", "components", "locale", "email"])
    for i in range(CUSTOMERS):
        plan = "enterprise" if i % 20 == 0 else ("pro" if i % 3 == 0 else "starter")
        email = f"ops@{customer_id(i)}.example" if reachable(i) else ""
        writer.writerow(
            [
                customer_id(i),
                f"Customer {i}",
                plan,
                customer_region(i),
                ";".join(customer_components(i)),
                "en",
                email,
            ]
        )
    return out.getvalue()


def affected(d: Degradation) -> list[int]:
    """Customer numbers in the audience of ``d`` (region and component match)."""
    return [
        i
        for i in range(CUSTOMERS)
        if customer_region(i) == d.region and d.component in customer_components(i)
    ]


# -- signals -----------------------------------------------------------------------------


def series() -> list[tuple[Rule, str, str]]:
    """Every (rule, component, region) series the scenario samples."""
    out = [(ERRORS, c, r) for c in ("checkout", "login") for r in REGIONS]
    return out + [(LATENCY, "search", r) for r in REGIONS]


def value(rule: Rule, component: str, region: str, at: float) -> float:
    """The sample at ``at``: healthy with a small wiggle, ramping up in a degradation."""
    k = int((at - START) // STEP)
    wiggle = rule.healthy * 0.25 * ((k * 7 + len(region)) % 5 - 2) / 2
    level = rule.healthy + wiggle
    for d in DEGRADATIONS:
        if (d.rule, d.component, d.region) == (rule, component, region) and d.start <= at < d.end:
            ramp = min(1.0, (at - d.start + STEP) / (3 * STEP))
            level += (d.bad - rule.healthy) * ramp * (1 + ((k * 3) % 4) / 20)
    return round(level, 5)


def samples(rule: Rule, component: str, region: str) -> Iterator[tuple[float, float]]:
    at = START
    while at < END:
        yield at, value(rule, component, region, at)
        at += STEP


def metric_events() -> Iterator[Event]:
    for rule, component, region in series():
        for at, v in samples(rule, component, region):
            yield Event(at, "metric", rule.metric, v, {"service": component, "region": region})


# -- tickets -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScenarioTicket:
    id: str
    at: float
    customer: int
    component: str
    region: str | None
    subject: str


def incident_tickets(d: Degradation) -> list[ScenarioTicket]:
    """Tickets from the audience, then from other regions (about the component only)."""
    members = affected(d)
    out = [
        ScenarioTicket(
            f"T-{d.key}{n:03d}",
            d.start + d.first_ticket + n * d.gap,
            members[(n * 37) % len(members)],
            d.component,
            d.region,
            f"{d.component} is failing for us",
        )
        for n in range(d.tickets)
    ]
    others = [i for i in range(CUSTOMERS) if customer_region(i) != d.region]
    for n in range(d.outside):
        out.append(
            ScenarioTicket(
                f"T-{d.key}X{n}",
                d.start + d.first_ticket + 120 + n * 300,
                others[(n * 53) % len(others)],
                d.component,
                None,
                f"is {d.component} down?",
            )
        )
    return out


def billing_tickets() -> list[ScenarioTicket]:
    """Unrelated tickets all morning: they must not count for any incident."""
    return [
        ScenarioTicket(
            f"T-BILL{n:02d}",
            START + 300 + n * 1200,
            (n * 101) % CUSTOMERS,
            "billing",
            None,
            "invoice question",
        )
        for n in range(12)
    ]


def all_tickets() -> list[ScenarioTicket]:
    tickets = [t for d in DEGRADATIONS for t in incident_tickets(d)] + billing_tickets()
    return sorted(tickets, key=lambda t: (t.at, t.id))


def ticket_event(t: ScenarioTicket) -> Event:
    labels = {"component": t.component}
    if t.region:
        labels["region"] = t.region
    attributes = {"ticket_id": t.id, "customer_id": customer_id(t.customer), "subject": t.subject}
    return Event(t.at, "ticket", "ticket_created", None, labels, attributes)


def events() -> list[Event]:
    """Metrics and tickets in time order: the scenario's events.jsonl."""
    merged = [*metric_events(), *(ticket_event(t) for t in all_tickets())]
    return sorted(merged, key=lambda e: (e.time, e.kind, e.name))
