"""Planned maintenance: announcements ahead, start/finish notices, alert suppression."""

from __future__ import annotations

from datetime import UTC, datetime

from alertd.alerts.model import AlertState
from alertd.notices.config import MaintenanceSpec
from alertd.notices.maintenance import MaintenanceBook
from alertd.notices.model import Phase
from alertd.notices.tracker import Status
from tests.notices.helpers import T0, customer, harness, make_alert

HOUR = 3600.0


def window(start: float, hours: float = 2, **extra: object) -> MaintenanceSpec:
    data = {
        "id": "db-upgrade",
        "start": datetime.fromtimestamp(start, UTC),
        "end": datetime.fromtimestamp(start + hours * HOUR, UTC),
        "title": "Database upgrade",
        "text": "Checkout may be read-only for a few minutes",
        "components": ["checkout"],
        "regions": ["eu-west"],
        **extra,
    }
    return MaintenanceSpec.model_validate(data)


def test_announcements_at_72h_24h_1h_then_started_and_finished_each_once() -> None:
    start = T0 + 100 * HOUR
    book = MaintenanceBook([72 * HOUR, 24 * HOUR, HOUR], [window(start)])
    seen = []
    for t in range(0, 104):
        seen += [(t, phase) for _, phase in book.due(T0 + t * HOUR)]
    assert seen == [
        (28, Phase.SCHEDULED),
        (76, Phase.SCHEDULED),
        (99, Phase.SCHEDULED),
        (100, Phase.STARTED),
        (102, Phase.FINISHED),
    ]


def test_window_declared_late_sends_one_announcement_not_three() -> None:
    book = MaintenanceBook([72 * HOUR, 24 * HOUR, HOUR], [window(T0 + 2 * HOUR)])
    assert [p for _, p in book.due(T0)] == [Phase.SCHEDULED]
    assert book.due(T0 + 60) == []


def test_window_entirely_in_the_past_sends_nothing() -> None:
    book = MaintenanceBook([HOUR], [window(T0 - 5 * HOUR)])
    assert book.due(T0) == []


async def test_affected_customers_get_announcement_others_do_not() -> None:
    h = harness(
        [customer("eu1"), customer("us1", region="us-east")],
        maintenance=[window(T0 + 30 * 60).model_dump(by_alias=True)],
    )
    await h.advance(1)
    assert h.stages_for("eu1") == [["scheduled"]]
    assert h.stages_for("us1") == []
    text = h.emails()[0].parts["text"]
    assert "Planned maintenance: Database upgrade" in text
    assert "no action needed" in text


async def test_alert_inside_window_is_suppressed_for_customers_and_marked_for_oncall() -> None:
    h = harness([customer("eu1")], maintenance=[window(T0 - 60).model_dump(by_alias=True)])
    await h.advance(1)
    started = len(h.emails())
    alert = make_alert(AlertState.FIRING)
    from alertd.alerts.incidents import Incident, incident_id

    incident = Incident(incident_id(alert), alert, h.now)
    paged = await h.service.on_alert(alert, incident, h.now)
    await h.advance(3600)
    assert paged.annotations["maintenance"] == "db-upgrade"
    assert h.service.state(incident.id).status is Status.SUPPRESSED
    assert [s for s in h.stages_for("eu1")[started:] if s != ["finished"]] == []
