"""Per-partition state on a changelog topic: write changes before commit, restore on assign.

This is the Kafka Streams model without transactions. For every input partition the
owner keeps an :class:`~alertd.alerts.evaluator.Evaluator`; after each batch it buffers
the changed series, lifecycle tracks, active alerts, the watermark and - last - the
offset of the last applied record for changelog partition ``p``; before the consumer
commits, it writes them and waits for the broker's acks. A process that gains the partition reads
it back and skips input records at or below the restored offset, so a crash between
the changelog write and the commit applies nothing twice.

Notifications go through an outbox on the same partition (alertd/state/outbox.py),
written with the state of the batch that produced them.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import structlog

from alertd.alerts.incidents import Incident
from alertd.alerts.model import AlertState
from alertd.alerts.store import Alert, AlertStore
from alertd.detect.table import SeriesKey
from alertd.notify.dispatcher import Dispatcher
from alertd.notify.notification import Notification
from alertd.observe.metrics import Metrics
from alertd.state import keys
from alertd.state.changelog import Changelog
from alertd.state.codec import StateCodecError
from alertd.state.evaluator_records import KINDS as EVALUATOR_KINDS
from alertd.state.evaluator_records import collect_evaluator, restore_into
from alertd.state.origin import ORIGIN, Origin
from alertd.state.outbox import MARKER_TTL, Outbox
from alertd.state.paging_state import leave, rejoin
from alertd.state.records import (
    AlertRecord,
    decode_alert,
    decode_number,
    encode_alert,
    encode_number,
)
from alertd.state.section import Buffer, StateSection
from alertd.state.writer import BufferedWriter, StateWriteError

if TYPE_CHECKING:
    from alertd.alerts.evaluator import Evaluator
    from alertd.pipeline import Pipeline

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class _Active:
    origin: Origin
    alert: Alert


class PartitionState:
    """Changelog writer and restorer for the pipeline's per-partition state."""

    def __init__(
        self,
        changelog: Changelog,
        pipeline: Pipeline,
        store: AlertStore,
        dispatcher: Dispatcher,
        metrics: Metrics,
    ) -> None:
        self.changelog = changelog
        self.restoring = False
        """True while partitions are being restored (``/readyz`` says not ready)."""
        self._pipeline = pipeline
        self._store = store
        self._dispatcher = dispatcher
        self._writer = BufferedWriter(changelog)
        self._written: defaultdict[int, dict[bytes, int]] = defaultdict(dict)
        """Hash of the series record last written per key: an unchanged series is not
        written again (most events leave a detector's state as it was)."""
        self._applied: dict[Origin, int] = {}
        self._watermarks: dict[Origin, float] = {}
        self._active: dict[str, _Active] = {}
        self._paged: dict[str, float] = {}
        """Fingerprint -> when its last page was handed to the dispatcher."""
        self._dirty_alerts: defaultdict[Origin, dict[str, Alert]] = defaultdict(dict)
        self.outbox = Outbox(self._writer, dispatcher.delivery_log, metrics)
        self._owned: set[Origin] = set()
        """Partitions assigned to this process now."""
        self._unpersisted: set[Origin] = set()
        """Partitions with events applied since their offset was last persisted."""
        self._held: set[Origin] = set()
        """Partitions whose state is in memory (kept across a rebalance that returns them)."""
        self.sections: list[StateSection] = []
        """Other stages' state written and restored with the partition (notices)."""
        pipeline.paging.acknowledged = self.acknowledged

    def buffer(self, partition: int) -> Buffer:
        """The partition's pending records, written by the next :meth:`flush`."""
        return self._writer.buffer(partition)

    # -- ownership -------------------------------------------------------------

    def owns(self, origin: Origin) -> bool:
        return origin in self._owned

    def applied_offset(self, topic: str, partition: int) -> int:
        """Records at or below this offset were applied before (skip them)."""
        return self._applied.get((topic, partition), -1)

    def log_end(self, topic: str, partition: int, end_offset: int, committed: int | None) -> None:
        """Forget the applied offset if the broker lost the input log, or new records
        would be skipped: the log ends at or before it, or the group has no committed
        offset at all although records were applied (a broker that lost its data).
        After a crash before the group's very first commit this replays that batch,
        which only re-applies state; the delivery log still holds back duplicates."""
        origin = (topic, partition)
        applied = self._applied.get(origin)
        if applied is not None and (applied >= end_offset or committed is None):
            log.warning(
                "input_log_reset",
                topic=topic,
                partition=partition,
                applied=self._applied.pop(origin),
                end_offset=end_offset,
            )

    async def assigned(self, partitions: Sequence[Origin]) -> None:
        """Restore what is new to this process; drop what it no longer owns."""
        assigned = set(partitions)
        self.restoring = True
        try:
            for origin in self._held - assigned:
                self._drop(origin)
            new = sorted(assigned - self._held)
            numbers = sorted({p for _, p in new})
            snapshots = await asyncio.gather(*(self.changelog.read(p) for p in numbers))
            resubmit: list[tuple[Origin, Notification]] = []
            for number, records in zip(numbers, snapshots, strict=True):
                topics = [t for t, p in new if p == number]
                resubmit.extend(self._restore(number, topics, records))
            self._held |= set(new)
            self._owned = assigned
        finally:
            self.restoring = False
        for origin, notification in resubmit:
            token = ORIGIN.set(origin)
            try:
                await self._dispatcher.submit(notification)
            finally:
                ORIGIN.reset(token)
        if new:
            log.info(
                "partitions_restored",
                partitions=[f"{t}/{p}" for t, p in new],
                applied={f"{t}/{p}": self._applied.get((t, p)) for t, p in new},
            )

    async def revoked(self, partitions: Sequence[Origin]) -> None:
        """Write what is pending for these partitions; stop their clock-driven work."""
        for origin in partitions:
            if origin not in self._unpersisted:  # else its commit failed: nothing to add
                self._collect(origin)
            self._owned.discard(origin)
        await asyncio.gather(*(self.flush(p) for p in {p for _, p in partitions}))
        for _, partition in partitions:
            self._written.pop(partition, None)

    # -- writing ---------------------------------------------------------------

    def handling(self, origin: Origin) -> None:
        """The pipeline applies events of ``origin``: until :meth:`applied` persists
        them with their offset, its state must not be written without that offset."""
        self._unpersisted.add(origin)

    async def applied(self, topic: str, partition: int, offset: int) -> None:
        """Records of ``topic/partition`` up to ``offset`` were applied: buffer the
        state with the offset (last); :meth:`persist` writes it before the commit.

        Not written per batch: most batches change little, and a round trip to the
        broker per batch would cost more than evaluating it. A crash before the write
        replays the batch from the last committed offset, as it always could.
        """
        origin = (topic, partition)
        self._collect(origin)
        self._unpersisted.discard(origin)
        buffer = self._writer.buffer(partition)
        applied = keys.key(keys.APPLIED, topic)
        buffer.pop(applied, None)
        buffer[applied] = encode_number(offset)  # last: the batch is complete once it lands
        self._applied[origin] = offset

    async def persist(self, partitions: Sequence[Origin]) -> None:
        """Write what is buffered for ``partitions`` and wait for the acks: the consumer
        commits their offsets only after this returns."""
        await asyncio.gather(*(self.flush(p) for p in {p for _, p in partitions}))

    async def after_tick(self) -> None:
        """Persist what the clock changed (timers, absent detectors, paging flushes).

        Partitions with unpersisted events wait for the commit, which writes their
        state together with the offset it corresponds to.
        """
        for origin in self._owned - self._unpersisted:
            self._collect(origin)
        self.outbox.expire_markers(time.time() - MARKER_TTL)
        await asyncio.gather(*(self.flush(p) for p in self._writer.partitions()))

    def alert_changed(self, alert: Alert) -> None:
        """The pipeline applied a transition to ``alert`` (under :data:`ORIGIN`)."""
        origin = ORIGIN.get()
        if origin is None:
            return
        self._active[alert.fingerprint] = _Active(origin, alert)
        self._dirty_alerts[origin][alert.fingerprint] = alert

    def acknowledged(self, incident: Incident) -> None:
        """On-call acked: write it with the next flush, not with the alert's next change,
        so a restart or failover does not escalate an acknowledged incident again."""
        active = self._active.get(incident.alert.fingerprint)
        if active is not None:
            self._dirty_alerts[active.origin][incident.alert.fingerprint] = active.alert

    def submitted(self, notification: Notification, delivery_keys: Sequence[str]) -> None:
        """The dispatcher accepted ``notification``: file it in its partition's outbox."""
        partition = self._partition_of(notification)
        if partition is None or not self.outbox.file(notification, partition, delivery_keys):
            return
        for alert in (notification.alert, *notification.alerts):
            active = self._active.get(alert.fingerprint)
            if active is not None and alert.state is AlertState.FIRING:
                self._paged[alert.fingerprint] = time.time()
                self._dirty_alerts[active.origin][alert.fingerprint] = active.alert

    async def delivered(self, notification: Notification, delivery_key: str) -> None:
        """One channel delivered: mark it, and tombstone the outbox entry when all did."""
        partition = self.outbox.partition_of(notification.id)
        if partition is None:
            partition = self._partition_of(notification)
        if partition is None:
            return
        self.outbox.delivered(notification.id, delivery_key, partition, time.time())
        try:
            await self.flush(partition)
        except StateWriteError:
            log.warning("delivery_marker_not_written", notification=notification.id)

    def state_keys(self) -> dict[Origin, tuple[set[SeriesKey], set[SeriesKey]]]:
        """Series and track keys per partition, taken before a config reload."""
        out = {}
        for origin in self._held:
            evaluator = self._pipeline.evaluator_if_any(*origin)
            if evaluator is not None:
                out[origin] = (evaluator.engine.series_keys(), evaluator.lifecycle.track_keys())
        return out

    def rules_replaced(self, before: dict[Origin, tuple[set[SeriesKey], set[SeriesKey]]]) -> None:
        """A reload dropped the state of changed rules: tombstone it in the changelog
        too, or a later restore would bring it back under the new rule."""
        for origin, (series, tracks) in before.items():
            evaluator = self._pipeline.evaluator_if_any(*origin)
            if evaluator is not None:
                evaluator.engine.mark_gone(series)
                evaluator.lifecycle.mark_gone(tracks)
        still = {alert.fingerprint for alert in self._store.active()}
        for fingerprint, active in list(self._active.items()):
            if fingerprint not in still:
                del self._active[fingerprint]
                self._paged.pop(fingerprint, None)
                buffer = self._writer.buffer(active.origin[1])
                buffer[keys.key(keys.ALERT, active.origin[0], fingerprint)] = None

    async def flush(self, partition: int) -> None:
        """Write the partition's buffered records (see :meth:`BufferedWriter.flush`)."""
        await self._writer.flush(partition)

    def _partition_of(self, notification: Notification) -> int | None:
        """The partition of the notification's alert; else the one being worked on
        (a paging flush may carry alerts of other partitions; customer notices carry
        stand-in alerts)."""
        for alert in (notification.alert, *notification.alerts):
            active = self._active.get(alert.fingerprint)
            if active is not None:
                return active.origin[1]
        origin = ORIGIN.get()
        return None if origin is None else origin[1]

    def _collect(self, origin: Origin) -> None:
        """Move the origin's changed state into its partition's write buffer."""
        evaluator = self._pipeline.evaluator_if_any(*origin)
        buffer = self._writer.buffer(origin[1])
        topic = origin[0]
        if evaluator is not None:
            collect_evaluator(topic, evaluator, buffer, self._written[origin[1]])
            if self._watermarks.get(origin) != evaluator.watermark:
                self._watermarks[origin] = evaluator.watermark
                buffer[keys.key(keys.WATERMARK, topic)] = encode_number(evaluator.watermark)
        for fingerprint, alert in self._dirty_alerts.pop(origin, {}).items():
            record_key = keys.key(keys.ALERT, topic, fingerprint)
            if alert.state in (AlertState.RESOLVED, AlertState.INACTIVE):
                buffer[record_key] = None
                self._paged.pop(fingerprint, None)
                active = self._active.get(fingerprint)
                if active is not None and active.alert is alert:
                    del self._active[fingerprint]
                continue
            incident = self._pipeline.incidents.for_fingerprint(fingerprint)
            buffer[record_key] = encode_alert(
                AlertRecord(
                    alert,
                    fingerprint in self._paged,
                    incident.opened_at if incident else None,
                    incident.acked_by if incident else None,
                    incident.acked_at if incident else None,
                    self._paged.get(fingerprint),
                )
            )
        for section in self.sections:
            section.collect(origin, buffer)

    # -- restoring -------------------------------------------------------------

    def _restore(
        self, partition: int, topics: Iterable[str], records: dict[bytes, bytes]
    ) -> list[tuple[Origin, Notification]]:
        """Rebuild the partition's state for ``topics``; return outbox entries to resend."""
        wanted = set(topics)
        evaluators = {t: self._pipeline.fresh_evaluator(t, partition) for t in wanted}
        first: Origin = (min(wanted), partition)
        resubmit: list[tuple[Origin, Notification]] = []
        for raw_key, raw in records.items():
            parts = keys.parse(raw_key)
            if parts is None:
                continue
            try:
                kind = parts[0]
                if kind == keys.DELIVERED:
                    self.outbox.restore_marker(partition, str(parts[1]), raw, time.time())
                elif kind == keys.OUTBOX:
                    notification = self.outbox.restore_entry(raw)
                    if notification is not None:
                        resubmit.append((first, notification))
                elif parts[1] not in wanted:
                    continue
                elif section := self._section_of(kind):
                    section.restore((parts[1], partition), parts, raw)
                else:
                    self._restore_one(parts, raw, evaluators[parts[1]], partition)
            except (StateCodecError, IndexError, KeyError, TypeError, ValueError) as exc:
                log.warning("state_record_skipped", partition=partition, error=str(exc))
        self.outbox.restored()
        return resubmit

    def _section_of(self, kind: str) -> StateSection | None:
        return next((s for s in self.sections if kind in s.kinds), None)

    def _restore_one(
        self, parts: list[Any], raw: bytes, evaluator: Evaluator, partition: int
    ) -> None:
        kind, topic = parts[0], str(parts[1])
        if kind == keys.WATERMARK:
            evaluator.watermark = decode_number(raw)
            self._watermarks[(topic, partition)] = evaluator.watermark
        elif kind == keys.APPLIED:
            self._applied[(topic, partition)] = int(decode_number(raw))
        elif kind in EVALUATOR_KINDS:
            restore_into(evaluator, parts, raw)
        elif kind == keys.ALERT:
            self._restore_alert((topic, partition), decode_alert(raw))

    def _restore_alert(self, origin: Origin, record: AlertRecord) -> None:
        alert = record.alert
        self._store.restore(alert)
        self._active[alert.fingerprint] = _Active(origin, alert)
        if alert.state is not AlertState.FIRING:
            return
        incidents = self._pipeline.incidents
        incident = incidents.apply(alert, record.opened_at or alert.starts_at)
        if incident is not None and record.acked_by is not None:
            incidents.ack(incident.id, record.acked_by, record.acked_at or time.time())
        now = time.time()
        if record.paged:
            self._paged[alert.fingerprint] = record.paged_at or now
        acked = incident is not None and incident.acked_at is not None
        paged_at = (record.paged_at or now) if record.paged else None
        rejoin(self._pipeline.paging, alert, paged_at, now, record.paged and not acked)

    def _drop(self, origin: Origin) -> None:
        """Forget a partition this process no longer owns (its new owner restores it)."""
        self._pipeline.drop_evaluator(*origin)
        self._held.discard(origin)
        self._applied.pop(origin, None)
        self._unpersisted.discard(origin)
        self._watermarks.pop(origin, None)
        self._dirty_alerts.pop(origin, None)
        for section in self.sections:
            section.drop(origin)
        for fingerprint in [f for f, a in self._active.items() if a.origin == origin]:
            leave(self._pipeline.paging, self._active.pop(fingerprint).alert)
            self._paged.pop(fingerprint, None)
            self._store.forget(fingerprint)
            self._pipeline.incidents.forget(fingerprint)
