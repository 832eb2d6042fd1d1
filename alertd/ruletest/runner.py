"""Run rule test files through the same Evaluator as the daemon and backtest.

Each test replays its input series as events in time order; at each ``at`` the clock is
advanced (so ``for`` timers and clock-driven detectors such as ``absent`` run) and the
alerts of the named rule are compared with the expectation. A mismatch is reported
as a unified diff of expected vs. actual alerts.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from alertd.alerts.evaluator import Evaluator
from alertd.alerts.store import Alert, AlertStore
from alertd.config.errors import ConfigError, ConfigProblems
from alertd.config.loader import LocatedRule, validate_model
from alertd.config.rules import RuleFile, RuleSpec
from alertd.config.semantic import check_rules
from alertd.config.yaml_source import load_yaml
from alertd.ingest.event import Event, checked
from alertd.ruletest.notation import expand
from alertd.ruletest.spec import AlertCheck, ExpectedAlert, RuleTest, RuleTestFile, parse_series
from alertd.templating import Templates


@dataclass(frozen=True, slots=True)
class Failure:
    test: str
    check: str
    diff: str

    def __str__(self) -> str:
        return f"FAIL {self.test}: {self.check}\n{self.diff}"


@dataclass(frozen=True, slots=True)
class FileResult:
    path: Path
    tests: int
    failures: list[Failure]


def run_file(path: Path) -> FileResult:
    """Run every test of one file; ConfigProblems for a broken test or rule file."""
    doc = load_yaml(path)
    spec = validate_model(RuleTestFile, doc)
    rules = _load_rules(path.parent, spec.rule_files)
    failures: list[Failure] = []
    for i, test in enumerate(spec.tests):
        name = test.name or f"tests[{i}]"
        failures.extend(_run_test(name, test, spec, rules))
    return FileResult(path, len(spec.tests), failures)


def _load_rules(base: Path, files: list[str]) -> list[RuleSpec]:
    located: list[LocatedRule] = []
    errors: list[ConfigError] = []
    for name in files:
        full = base / name
        try:
            doc = load_yaml(full)
            parsed = validate_model(RuleFile, doc)
        except ConfigProblems as exc:
            errors.extend(exc.errors)
            continue
        located.extend(LocatedRule(rule, doc, i) for i, rule in enumerate(parsed.rules))
    errors.extend(check_rules(located))
    if errors:
        raise ConfigProblems(errors)
    return [r.spec for r in located]


class _BadInput(ValueError):
    """An input series point that cannot be an event (its time, its value)."""


def _events(test: RuleTest, spec: RuleTestFile) -> list[Event]:
    events = []
    for order, series in enumerate(test.input_series):
        name, labels = parse_series(series.series)
        step = series.interval or test.interval or spec.interval
        for i, value in enumerate(expand(series.values)):
            if value is not None:
                t = spec.start + i * step
                try:
                    event = checked(Event(t, series.kind, name, value, labels))
                except ValueError as exc:
                    raise _BadInput(f"input series {series.series!r}, step {i}: {exc}") from exc
                events.append((t, order, i, event))
    return [e for *_, e in sorted(events, key=lambda item: item[:3])]


def _run_test(
    name: str, test: RuleTest, spec: RuleTestFile, rules: list[RuleSpec]
) -> Iterator[Failure]:
    evaluator = Evaluator(rules, track_changes=False)
    store = AlertStore(rules, Templates())
    known = {r.name for r in rules}
    try:
        events = _events(test, spec)
    except _BadInput as exc:
        yield Failure(name, "input_series", str(exc))
        return
    pos = 0
    for check in sorted(test.alerts, key=lambda c: c.at):
        if check.rule not in known:
            yield Failure(name, f"at {check.at:g}s", f"unknown rule {check.rule!r}")
            continue
        at = spec.start + check.at
        while pos < len(events) and events[pos].time <= at:
            for transition in evaluator.process(events[pos]):
                store.apply(transition)
            pos += 1
        for transition in evaluator.advance(at):
            store.apply(transition)
        failure = _compare(name, check, rules, store.active())
        if failure is not None:
            yield failure


def _compare(
    name: str, check: AlertCheck, rules: list[RuleSpec], active: list[Alert]
) -> Failure | None:
    rule = next(r for r in rules if r.name == check.rule)
    states = {e.state for e in check.expected} or {"firing"}
    got = [a for a in active if a.rule == check.rule and str(a.state) in states]
    expected = sorted((_expected(e, rule) for e in check.expected), key=_sort_key)
    actual = sorted((_actual(a, check, rule) for a in got), key=_sort_key)
    if expected == actual:
        return None
    diff = difflib.unified_diff(_dump(expected), _dump(actual), "expected", "actual", lineterm="")
    where = f"rule {check.rule} at {check.at:g}s"
    return Failure(name, where, "\n".join(diff))


def _expected(exp: ExpectedAlert, rule: RuleSpec) -> dict[str, Any]:
    return {"state": exp.state, "labels": dict(exp.labels), "annotations": dict(exp.annotations)}


def _actual(alert: Alert, check: AlertCheck, rule: RuleSpec) -> dict[str, Any]:
    """The alert reduced to what the test can state: group labels plus any label or
    annotation the expectations mention (rule labels, severity...)."""
    mentioned_labels = {k for e in check.expected for k in e.labels} | set(rule.group_by)
    mentioned_notes = {k for e in check.expected for k in e.annotations}
    return {
        "state": str(alert.state),
        "labels": {k: v for k, v in alert.labels.items() if k in mentioned_labels},
        "annotations": {k: v for k, v in alert.annotations.items() if k in mentioned_notes},
    }


def _sort_key(item: dict[str, Any]) -> str:
    return yaml.safe_dump(item, sort_keys=True)


def _dump(items: list[dict[str, Any]]) -> list[str]:
    text = yaml.safe_dump(items, sort_keys=True, default_flow_style=False) if items else "[]\n"
    return text.splitlines()
