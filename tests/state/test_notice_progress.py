"""Customer-notice progress written to the changelog and taken back by a new process.

Each harness is a fresh NoticeService, as a restarted or surviving process has; the
records travel through a real changelog topic on the broker.
"""

from __future__ import annotations

from collections import defaultdict

from alertd.alerts.incidents import Incident
from alertd.customers.model import Customer
from alertd.notices.tracker import Status
from alertd.state import keys
from alertd.state.changelog import Changelog
from alertd.state.codec import encode_object
from alertd.state.notice_section import NoticeSection
from alertd.state.origin import Origin, working_for
from alertd.state.section import Buffer
from tests.notices.helpers import Harness, customer, harness
from tests.state.stack import build, close

ORIGIN: Origin = ("events", 0)
QUIET_ALL_DAY = {"start": "00:00", "end": "23:59"}


def _attach(h: Harness) -> tuple[NoticeSection, defaultdict[int, Buffer]]:
    buffers: defaultdict[int, Buffer] = defaultdict(dict)
    return NoticeSection(h.service, buffers.__getitem__), buffers


async def _persist(section: NoticeSection, buffers: dict[int, Buffer], log: Changelog) -> None:
    section.collect(ORIGIN, buffers[0])
    await log.write(0, list(buffers.pop(0).items()))


async def _fired(
    confirm_after: float, after: float
) -> tuple[Harness, NoticeSection, defaultdict[int, Buffer], Incident]:
    """A process's notices with their changelog section: one incident fired, ``after``
    seconds gone by since."""
    h = harness(_customers(), confirm_after=confirm_after)
    section, buffers = _attach(h)
    with working_for(ORIGIN):
        incident = await h.fire()
    await h.advance(after)
    return h, section, buffers, incident


async def _restore(h: Harness, log: Changelog, now: float) -> NoticeSection:
    h.clock[0] = now  # the wall clock went on while the process was down
    section, _ = _attach(h)
    for raw_key, raw in (await log.read(0)).items():
        parts = keys.parse(raw_key)
        assert parts is not None
        if parts[0] in section.kinds:
            section.restore(ORIGIN, parts, raw)
    return section


def _customers() -> list[Customer]:
    return [customer("acme"), customer("zeta", contacts={"email": ["z@zeta.example"]})]


async def test_published_notice_resumes_and_resolves_exactly_the_notified(log: Changelog) -> None:
    first, section, buffers, incident = await _fired(confirm_after=0, after=1)
    assert {n.customer_id for n in first.emails()} == {"acme", "zeta"}
    await _persist(section, buffers, log)

    second = harness(_customers(), confirm_after=0)
    await _restore(second, log, first.now)
    state = second.service.tracker.get(incident.id)
    assert state is not None
    assert state.status is Status.PUBLISHED
    assert state.notified == {"acme", "zeta"}
    assert state.origin == ORIGIN
    assert state.audience.ids() == ["acme", "zeta"]
    await second.resolve(incident)
    assert {(n.customer_id, n.items[0].stage) for n in second.emails()} == {
        ("acme", "resolved"),
        ("zeta", "resolved"),
    }


async def test_waiting_notice_is_published_by_the_new_owner_when_its_window_ends(
    log: Changelog,
) -> None:
    first, section, buffers, incident = await _fired(confirm_after=60, after=10)
    await _persist(section, buffers, log)
    assert first.emails() == []

    second = harness(_customers(), confirm_after=60)
    await _restore(second, log, first.now)
    await second.advance(30)
    assert second.emails() == []  # the window started before the restart, not at it
    await second.advance(30)
    assert {n.customer_id for n in second.emails()} == {"acme", "zeta"}
    assert second.service.tracker.get(incident.id).status is Status.PUBLISHED  # type: ignore[union-attr]


async def test_digest_item_and_rate_limit_gap_survive(log: Changelog) -> None:
    first = harness([customer("acme")], confirm_after=0, rate_limit=600)
    section, buffers = _attach(first)
    with working_for(ORIGIN):
        incident = await first.fire()
    await first.advance(1)  # published: the first notice goes out at once
    update = {"text": "Card payments retried", "stage": "identified"}
    await first.service.update(incident.id, update)
    assert first.service.outbox.pending("acme") != []  # waits for the gap
    await _persist(section, buffers, log)

    second = harness([customer("acme")], confirm_after=0, rate_limit=600)
    await _restore(second, log, first.now)
    await second.advance(300)
    assert second.emails() == []  # the gap started before the restart
    await second.advance(301)
    [digest] = second.emails()
    assert [i.stage for i in digest.items] == ["identified"]
    assert digest.items[0].text == "Card payments retried"


async def test_quiet_hours_item_survives_and_moves_with_its_partition(log: Changelog) -> None:
    sms = customer(
        "acme",
        contacts={"webhook": ["http://127.0.0.1:9/sms"]},
        quiet_hours=QUIET_ALL_DAY,
        timezone="UTC",
    )
    first = harness([sms], confirm_after=0)
    section, buffers = _attach(first)
    with working_for(ORIGIN):
        await first.fire()
    await first.advance(1)
    assert first.webhook.sent == []  # held for quiet hours
    await _persist(section, buffers, log)
    section.drop(ORIGIN)
    assert first.service.tracker.all() == []
    await first.advance(60)
    assert first.webhook.sent == []  # the partition's new owner sends it, not this one

    loud = sms.model_copy(update={"quiet_hours": None})
    second = harness([loud], confirm_after=0)
    await _restore(second, log, first.now)
    await second.advance(1)
    assert [n.customer_id for n in second.webhook.sent] == ["acme"]


async def test_finished_notice_is_written_once_and_tombstoned_when_pruned(log: Changelog) -> None:
    h, section, buffers, incident = await _fired(confirm_after=0, after=1)
    await h.resolve(incident)
    section.collect(ORIGIN, buffers[0])
    assert any(v is not None for v in buffers.pop(0).values())
    section.collect(ORIGIN, buffers[0])
    assert buffers.pop(0, {}) == {}  # settled: not encoded again
    h.service.tracker.keep_closed = 0
    h.service.tracker.prune()
    section.collect(ORIGIN, buffers[0])
    assert list(buffers[0].values()) == [None]


async def test_corrupt_notice_records_are_skipped_and_the_rest_restores(log: Changelog) -> None:
    first, section, buffers, incident = await _fired(confirm_after=0, after=1)
    await _persist(section, buffers, log)
    garbage = [
        (keys.key(keys.NOTICE, "events", "inc-bad"), b"\xc1not msgpack"),
        (keys.key(keys.NOTICE, "events", "inc-empty"), encode_object({"status": "waiting"})),
        (keys.key(keys.DIGEST, "events", "acme", "story"), encode_object([1, 2, 3])),
        (keys.key(keys.SENT, "events", "acme"), b"\xa3abc"),
        (keys.key(keys.QUIET, "events"), encode_object({})),
    ]
    await log.write(0, garbage)

    stack = build(log, "events")
    second = harness(_customers(), confirm_after=0)
    second.clock[0] = first.now
    stack.state.sections.append(NoticeSection(second.service, stack.state.buffer))
    await stack.state.assigned([("events", 0)])
    assert [s.incident_id for s in second.service.tracker.all()] == [incident.id]
    await close(stack)


async def test_digest_item_is_tombstoned_where_it_was_written_after_its_incident_is_pruned() -> (
    None
):
    h = harness([customer("acme")], confirm_after=0, rate_limit=600)
    _, buffers = _attach(h)
    with working_for(ORIGIN):
        incident = await h.fire()
    await h.advance(1)
    await h.service.update(incident.id, {"text": "Retrying", "stage": "identified"})
    [digest_key] = [k for k in buffers[0] if keys.parse(k)[0] == keys.DIGEST]  # type: ignore[index]
    buffers[0].clear()
    h.service.tracker.forget(ORIGIN)  # pruned: the item no longer knows its partition
    await h.advance(600)
    assert buffers[0].get(digest_key, b"missing") is None
