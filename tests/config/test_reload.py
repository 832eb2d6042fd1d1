"""Reload: validate first, diff, reject bad configs with PATH:LINE, keep series state."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest
import structlog

from alertd.alerts.evaluator import Evaluator
from alertd.alerts.model import AlertState
from alertd.config import load_config
from alertd.config.reload import (
    Reloader,
    diff_rules,
    rebase_evaluator,
    snapshot,
    watch_files,
    watched_files,
)
from alertd.config.rules import RuleSpec
from alertd.config.schema import LoadedConfig
from alertd.ingest.event import Event
from alertd.observe.metrics import Metrics


def rule(name: str, above: float = 0.5, for_: str = "60s", metric: str = "m") -> RuleSpec:
    return RuleSpec.model_validate(
        {
            "name": name,
            "match": {"kind": "metric", "name": metric},
            "detect": {"threshold": {"above": above}},
            "for": for_,
        }
    )


def metric(t: float, value: float, name: str = "m") -> Event:
    return Event(time=t, kind="metric", name=name, value=value)


def test_diff_lists_added_removed_and_changed_rules() -> None:
    diff = diff_rules(
        [rule("a"), rule("b"), rule("c")], [rule("a"), rule("b", above=0.9), rule("d")]
    )
    assert (diff.added, diff.removed, diff.changed) == (["d"], ["c"], ["b"])
    assert diff.lines() == ["+ d", "- c", "~ b"]
    assert diff_rules([rule("a")], [rule("a")]).is_empty()


def test_unchanged_rule_keeps_pending_timer_across_reload() -> None:
    evaluator = Evaluator([rule("kept"), rule("dropped", metric="n")])
    [pending] = evaluator.process(metric(0.0, 1.0))
    assert pending.state is AlertState.PENDING
    evaluator.process(metric(0.0, 1.0, name="n"))

    rebase_evaluator(evaluator, [rule("kept"), rule("new", metric="n")])
    transitions = evaluator.advance(61.0)

    assert [(t.rule, t.state) for t in transitions] == [("kept", AlertState.FIRING)]
    assert transitions[0].started_at == 0.0


def test_changed_rule_starts_fresh() -> None:
    evaluator = Evaluator([rule("r", for_="60s")])
    evaluator.process(metric(0.0, 1.0))
    rebase_evaluator(evaluator, [rule("r", for_="120s")])
    assert evaluator.advance(61.0) == []
    [again] = evaluator.process(metric(62.0, 1.0))
    assert (again.state, again.started_at) == (AlertState.PENDING, 62.0)


class _Target:
    def __init__(self, loaded: LoadedConfig) -> None:
        self.loaded = loaded
        self.metrics = Metrics()
        self.applied: list[LoadedConfig] = []

    async def reload(self, loaded: LoadedConfig) -> None:
        self.applied.append(loaded)
        self.loaded = loaded


RULES = """\
rules:
  - name: a
    match: {kind: metric, name: m}
    detect: {threshold: {above: 1}}
"""


def _setup(tmp_path: Path) -> Path:
    (tmp_path / "rules.yml").write_text(RULES)
    path = tmp_path / "alertd.yml"
    path.write_text("rule_files: [rules.yml]\n")
    return path


def _gauge(metrics: Metrics, name: str) -> float:
    value = metrics.registry.get_sample_value(name)
    assert value is not None
    return value


async def test_bad_config_is_rejected_with_path_line_and_old_one_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from alertd.observe.logging import configure_logging

    configure_logging("info", "json")
    path = _setup(tmp_path)
    target = _Target(load_config(path))
    (tmp_path / "rules.yml").write_text(RULES + "    bogus: 1\n")

    outcome = await Reloader(target).reload()

    assert not outcome.ok
    assert target.applied == []
    assert _gauge(target.metrics, "alertd_config_last_reload_successful") == 0
    rules_file = tmp_path / "rules.yml"
    assert any(p.startswith(f"{rules_file}:5: ") and "bogus" in p for p in outcome.problems)
    logged = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    assert any(
        e["event"] == "config_reload_problem" and e["problem"].startswith(f"{rules_file}:5:")
        for e in logged
    )
    structlog.reset_defaults()


async def test_good_config_is_applied_with_diff_and_metrics(tmp_path: Path) -> None:
    path = _setup(tmp_path)
    target = _Target(load_config(path))
    (tmp_path / "rules.yml").write_text(RULES.replace("name: a", "name: b"))

    dry = await Reloader(target).reload(dry_run=True)
    assert (dry.ok, dry.applied, target.applied) == (True, False, [])
    outcome = await Reloader(target).reload()

    assert outcome.ok
    assert outcome.applied
    assert outcome.as_json()["diff"] == {"added": ["b"], "removed": ["a"], "changed": []}
    assert [r.name for r in target.loaded.rules] == ["b"]
    assert _gauge(target.metrics, "alertd_config_last_reload_successful") == 1
    assert _gauge(target.metrics, "alertd_config_last_reload_success_timestamp_seconds") > 0


def test_watched_files_cover_config_rule_globs_and_templates(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "x.yml").write_text(RULES)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "mail.txt").write_text("hi")
    path = tmp_path / "alertd.yml"
    path.write_text("rule_files: [rules/*.yml]\ntemplates_dir: templates\n")
    files = watched_files(load_config(path))
    assert files == [path, tmp_path / "rules" / "x.yml", tmp_path / "templates" / "mail.txt"]


async def test_watcher_reloads_once_per_change(tmp_path: Path) -> None:
    path = _setup(tmp_path)
    loaded = load_config(path)
    calls: list[Any] = []

    async def reload() -> None:
        calls.append(snapshot(watched_files(loaded)))

    stop = asyncio.Event()
    task = asyncio.create_task(watch_files(lambda: loaded, reload, stop, 0.05))
    await asyncio.sleep(0.2)
    assert calls == []
    stamp = os.stat(tmp_path / "rules.yml").st_mtime + 5
    os.utime(tmp_path / "rules.yml", (stamp, stamp))
    async with asyncio.timeout(5):
        while not calls:
            await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert len(calls) == 1


async def test_changes_that_need_a_restart_are_reported(tmp_path: Path) -> None:
    path = _setup(tmp_path)
    target = _Target(load_config(path))
    path.write_text("rule_files: [rules.yml]\nkafka: {group_id: other}\n")
    outcome = await Reloader(target).reload()
    assert outcome.applied
    assert outcome.restart_needed == ["kafka"]
