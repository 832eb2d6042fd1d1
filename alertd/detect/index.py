"""Find the rule inputs an event feeds without scanning every rule.

Matching must not cost O(rules) per event, so inputs are looked up, not scanned:

1. by event ``name``: an exact name is a hash lookup; a glob name (``http_*``) is
   filed under its literal prefix (``http_``), found by slicing the event name to each
   prefix length in use; only inputs with no name or a glob that starts with a wildcard
   are left for every event;
2. within each of those buckets, by one label the input requires to equal a value
   (``service: checkout``): the label most inputs of the bucket pin, so 1,000 rules on
   one metric that differ by ``service`` cost one dict lookup, not 1,000 checks.

Candidates are then checked in full (``Stream.accepts``), so the index only has to be
a superset; hits come back in rule order. A rule with several streams (ratio's
numerator and denominator) has one entry per stream, so one event may feed both
streams of the same rule.

3. the answer is remembered: it depends only on the event's kind, its name and the
   values of the few labels the candidate rules look at, and a stream of events
   repeats those far more often than it repeats anything else, so most events cost
   one tuple and one dict lookup.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from alertd.detect.rule import CompiledRule, Stream
from alertd.ingest.event import Event

Input = tuple[CompiledRule, Stream]
Entry = tuple[int, Input, Callable[[Event], bool]]
"""(rule order, input, full check): the check is the one selection's own ``accepts``
when the stream has one (the usual case), which saves a generator per candidate."""
_GLOB = "*?["

MEMO_LIMIT = 65_536
"""Remembered answers before the memo starts over: label values a rule matches by
regex can be unbounded (pod names), and a full memo must not grow."""


class Hit:
    """What the index remembers for one (kind, name, values of the labels rules look at)."""

    __slots__ = ("derived", "inputs")

    def __init__(self, inputs: tuple[Input, ...]) -> None:
        self.inputs = inputs
        self.derived: object = NOT_DERIVED
        """A caller's own memo for these inputs, forgotten with them."""


NOT_DERIVED = object()
"""``Hit.derived`` before a caller filled it."""


class _Bucket:
    """Inputs that share a name constraint, sub-indexed by one pinned label each."""

    def __init__(self) -> None:
        self._pending: list[tuple[int, Input, dict[str, str]]] = []
        self._by_label: dict[str, dict[str, list[Entry]]] = {}
        self._rest: list[Entry] = []
        self.labels: frozenset[str] = frozenset()
        """Every label some input of this bucket matches on (set by :meth:`build`)."""

    def add(self, position: int, item: Input) -> None:
        pinned: dict[str, str] = {}
        for selection in item[1].selections:
            pinned.update(selection.selector.exact_values())
        self._pending.append((position, item, pinned))

    def build(self) -> None:
        """File each input under the pinned label most inputs of this bucket share."""
        popularity = Counter(key for _, _, pinned in self._pending for key in pinned)
        self.labels = frozenset(
            matcher.name
            for _, (_, stream), _ in self._pending
            for selection in stream.selections
            for matcher in selection.selector.matchers
        )
        for position, item, pinned in self._pending:
            selections = item[1].selections
            check = selections[0].accepts if len(selections) == 1 else item[1].accepts
            entry = (position, item, check)
            if not pinned:
                self._rest.append(entry)
                continue
            key = max(pinned, key=lambda k: (popularity[k], k))
            table = self._by_label.setdefault(key, defaultdict(list))
            table[pinned[key]].append(entry)
        self._by_label = {k: dict(v) for k, v in self._by_label.items()}
        self._pending = []

    @property
    def empty(self) -> bool:
        return not (self._by_label or self._rest or self._pending)

    def candidates(self, event: Event, out: list[Entry]) -> None:
        labels = event.labels
        for key, table in self._by_label.items():
            value = labels.get(key)
            if value is not None:
                hits = table.get(value)
                if hits:
                    out.extend(hits)
        if self._rest:
            out.extend(self._rest)


class RuleIndex:
    def __init__(self, rules: Iterable[CompiledRule]) -> None:
        self._by_name: dict[str, _Bucket] = {}
        self._by_prefix: dict[str, _Bucket] = {}
        self._scan = _Bucket()
        for position, item in enumerate((r, s) for r in rules for s in r.streams):
            self._bucket_for(item[1]).add(position, item)
        for bucket in (*self._by_name.values(), *self._by_prefix.values(), self._scan):
            bucket.build()
        self._prefix_lengths = sorted({len(p) for p in self._by_prefix})
        self._scan_any = not self._scan.empty
        self._scan_labels = self._scan.labels
        self.labels_by_name: dict[str, tuple[str, ...]] = {}
        """Memo of :meth:`labels_looked_at`."""
        self.memo: dict[tuple[str, ...], Hit] = {}

    def _bucket_for(self, stream: Stream) -> _Bucket:
        name = stream.exact_name
        if name is not None:
            return self._by_name.setdefault(name, _Bucket())
        prefix = _literal_prefix(stream)
        if prefix:
            return self._by_prefix.setdefault(prefix, _Bucket())
        return self._scan

    def inputs_for(self, event: Event) -> tuple[Input, ...]:
        """Every (rule, stream) the event feeds, in rule order."""
        return self.lookup(event).inputs

    def lookup(self, event: Event) -> Hit:
        """The remembered answer for ``event``: its inputs, and room for a caller's own
        memo of what it derives from them (the engine's quiet lane keeps its plan there).

        The quiet lane (alertd/detect/quiet.py) reads :attr:`memo` with the same
        one-label key inline, and calls this on a miss."""
        name, labels = event.name, event.labels
        names = self.labels_by_name.get(name)
        if names is None:
            names = self.labels_looked_at(name)
        if len(names) == 1:
            memo_key: tuple[str, ...] = (event.kind, name, labels.get(names[0], ""))
        else:
            memo_key = (event.kind, name, *[labels.get(label, "") for label in names])
        hit = self.memo.get(memo_key)
        if hit is None:
            if len(self.memo) >= MEMO_LIMIT:
                self.memo.clear()
            hit = self.memo[memo_key] = Hit(tuple(self._look_up(event)))
        return hit

    def labels_looked_at(self, name: str) -> tuple[str, ...]:
        """The labels any input that could take an event called ``name`` matches on."""
        found = set(self._scan_labels)
        bucket = self._by_name.get(name)
        if bucket is not None:
            found |= bucket.labels
        for length in self._prefix_lengths:
            prefix_bucket = self._by_prefix.get(name[:length])
            if prefix_bucket is not None:
                found |= prefix_bucket.labels
        if len(self.labels_by_name) >= MEMO_LIMIT:
            self.labels_by_name.clear()
        names = self.labels_by_name[name] = tuple(sorted(found))
        return names

    def _look_up(self, event: Event) -> list[Input]:
        found: list[Entry] = []
        bucket = self._by_name.get(event.name)
        if bucket is not None:
            bucket.candidates(event, found)
        if self._prefix_lengths:
            name = event.name
            for length in self._prefix_lengths:
                if length > len(name):
                    break  # a shorter slice would find a shorter prefix twice
                bucket = self._by_prefix.get(name[:length])
                if bucket is not None:
                    bucket.candidates(event, found)
        if self._scan_any:
            self._scan.candidates(event, found)
        if len(found) > 1:
            found.sort(key=_position)
        return [item for _, item, check in found if check(event)]

    def rules_for(self, event: Event) -> list[CompiledRule]:
        seen: dict[str, CompiledRule] = {}
        for rule, _ in self.inputs_for(event):
            seen.setdefault(rule.name, rule)
        return list(seen.values())


def _position(entry: Entry) -> int:
    return entry[0]


def _literal_prefix(stream: Stream) -> str:
    """The longest literal start of a glob name any selection of the stream requires."""
    best = ""
    for selection in stream.selections:
        name = selection.match.name
        if name is None:
            continue
        cut = min((i for i, ch in enumerate(name) if ch in _GLOB), default=len(name))
        if cut > len(best):
            best = name[:cut]
    return best
