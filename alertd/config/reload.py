"""Reload the configuration without a restart, and without losing detection state.

Three triggers share one path: SIGHUP, ``POST /-/reload`` and the file watcher. The new
configuration is loaded and validated completely first; a bad one is logged as
``PATH:LINE: message`` lines and rejected while the running one carries on. A good one
is swapped in (rules, routing tree, receivers, templates) and the rule diff is logged.

Series state survives for every rule whose definition did not change: the rebuilt
engine adopts the old detector series and the lifecycle keeps their pending/firing
timers. Series of removed or changed rules are dropped (a changed rule starts fresh).
"""

from __future__ import annotations

import asyncio
import glob
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import structlog

from alertd.alerts.evaluator import Evaluator
from alertd.alerts.store import AlertStore
from alertd.config.errors import ConfigProblems
from alertd.config.loader import load_config
from alertd.config.rules import RuleSpec
from alertd.config.schema import LoadedConfig
from alertd.notify.channels.base import Channel
from alertd.notify.dispatcher import Dispatcher
from alertd.observe.metrics import Metrics
from alertd.templating import Templates

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class RuleDiff:
    """What a reload changes in the rules, by rule name."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def as_json(self) -> dict[str, list[str]]:
        return {"added": self.added, "removed": self.removed, "changed": self.changed}

    def lines(self) -> list[str]:
        """``+ name``, ``- name``, ``~ name``: the dry-run listing."""
        return [
            *(f"+ {n}" for n in self.added),
            *(f"- {n}" for n in self.removed),
            *(f"~ {n}" for n in self.changed),
        ]


def diff_rules(old: Sequence[RuleSpec], new: Sequence[RuleSpec]) -> RuleDiff:
    before = {r.name: r for r in old}
    after = {r.name: r for r in new}
    return RuleDiff(
        added=sorted(after.keys() - before.keys()),
        removed=sorted(before.keys() - after.keys()),
        changed=sorted(n for n in before.keys() & after.keys() if before[n] != after[n]),
    )


def unchanged_rules(old: Sequence[RuleSpec], new: Sequence[RuleSpec]) -> frozenset[str]:
    before = {r.name: r for r in old}
    return frozenset(r.name for r in new if before.get(r.name) == r)


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    ok: bool
    diff: RuleDiff | None = None
    problems: list[str] = field(default_factory=list)
    restart_needed: list[str] = field(default_factory=list)
    applied: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "applied": self.applied,
            "diff": self.diff.as_json() if self.diff else None,
            "problems": self.problems,
            "restart_needed": self.restart_needed,
        }


class Reloadable(Protocol):
    """What the reloader needs from the daemon."""

    loaded: LoadedConfig
    metrics: Metrics

    async def reload(self, loaded: LoadedConfig) -> None: ...


RESTART_ONLY = ("kafka", "http", "logging")
"""Sections read once at start; a change there is reported, applied on restart."""


class Reloader:
    """Validate-then-swap, one reload at a time, with metrics and a logged diff."""

    def __init__(self, target: Reloadable) -> None:
        self._target = target
        self._lock = asyncio.Lock()

    async def reload(self, *, dry_run: bool = False) -> ReloadOutcome:
        async with self._lock:
            return await self._reload(dry_run)

    async def _reload(self, dry_run: bool) -> ReloadOutcome:
        current = self._target.loaded
        new = self._load(current, dry_run)
        if isinstance(new, ReloadOutcome):
            return new
        diff = diff_rules(current.rules, new.rules)
        restart = [s for s in RESTART_ONLY if getattr(current.config, s) != getattr(new.config, s)]
        if current.api_token != new.api_token and "http" not in restart:
            restart.append("http")  # a rotated token file or variable
        if dry_run:
            return ReloadOutcome(ok=True, diff=diff, restart_needed=restart)
        metrics = self._target.metrics
        try:
            await self._target.reload(new)
        except Exception as exc:  # a bug while swapping; the config file was valid
            log.exception("config_reload_failed", error=str(exc))
            metrics.reload_ok.set(0)
            return ReloadOutcome(ok=False, diff=diff, problems=[f"applying failed: {exc}"])
        metrics.reload_ok.set(1)
        metrics.reload_time.set(time.time())
        log.info("config_reloaded", path=str(current.path), **diff.as_json())
        if restart:
            log.warning("config_reload_needs_restart", sections=restart)
        return ReloadOutcome(ok=True, diff=diff, restart_needed=restart, applied=True)

    def _load(self, current: LoadedConfig, dry_run: bool) -> LoadedConfig | ReloadOutcome:
        """The new config, or the rejection (logged as PATH:LINE lines) if it is bad."""
        try:
            return load_config(current.path)
        except ConfigProblems as exc:
            problems = [str(e) for e in exc.errors]
        for problem in problems:
            log.error("config_reload_problem", problem=problem)
        log.error("config_reload_rejected", path=str(current.path), problems=len(problems))
        if not dry_run:
            self._target.metrics.reload_ok.set(0)
        return ReloadOutcome(ok=False, problems=problems)


def watched_files(loaded: LoadedConfig) -> list[Path]:
    """The config file, every rule file its globs match now, and the template files."""
    base = loaded.base_dir
    files = [loaded.path]
    for pattern in loaded.config.rule_files:
        full = pattern if Path(pattern).is_absolute() else str(base / pattern)
        files.extend(Path(f) for f in sorted(glob.glob(full)))  # as the loader expands them
    if loaded.config.templates_dir:
        templates = base / loaded.config.templates_dir
        files.extend(sorted(p for p in templates.rglob("*") if p.is_file()))
    return files


def snapshot(files: Iterable[Path]) -> dict[Path, float]:
    """mtime per file (-1 for a missing one, so deletion counts as a change)."""
    stamps: dict[Path, float] = {}
    for path in files:
        try:
            stamps[path] = path.stat().st_mtime_ns / 1e9
        except OSError:
            stamps[path] = -1.0
    return stamps


async def watch_files(
    current: Callable[[], LoadedConfig],
    reload: Callable[[], Awaitable[object]],
    stop: asyncio.Event,
    interval: float,
) -> None:
    """Poll mtimes (no inotify dependency); a change anywhere triggers one reload.

    A rejected configuration is not retried until a file changes again.
    """
    seen = snapshot(watched_files(current()))
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), interval)
            return
        except TimeoutError:
            pass
        now = snapshot(watched_files(current()))
        if now != seen:
            seen = now
            log.info("config_files_changed")
            try:
                await reload()
            except Exception:
                log.exception("config_watch_reload_failed")
            seen = snapshot(watched_files(current()))


# Carrying state over. These reach into the stages' internals on purpose: the stages
# have no reload API of their own, and keeping it all here keeps it in one place.
# tests/config/test_reload_state.py pins the behaviour.


def rebase_evaluator(evaluator: Evaluator, rules: Sequence[RuleSpec]) -> None:
    """Give ``evaluator`` the new rules; unchanged rules keep series and alert tracks."""
    old = evaluator.engine
    keep = unchanged_rules([r.spec for r in old.rules.values()], rules)
    fresh = Evaluator(rules).engine
    fresh.adopt(old, keep)
    evaluator.engine = fresh
    tracks = evaluator.lifecycle._tracks
    for key in [k for k in tracks if k[0] not in keep]:
        del tracks[key]


def rebase_store(store: AlertStore, rules: Sequence[RuleSpec], templates: Templates) -> None:
    """New rules and templates for the alert store; alerts of dropped rules leave the list."""
    keep = unchanged_rules(list(store._rules.values()), rules)
    store._rules = {r.name: r for r in rules}
    store._templates = templates
    for fingerprint in [f for f, a in store._active.items() if a.rule not in keep]:
        del store._active[fingerprint]


def swap_receivers(dispatcher: Dispatcher, receivers: Mapping[str, Sequence[Channel]]) -> None:
    """Deliveries already queued finish on their old channel objects."""
    dispatcher._receivers = receivers
