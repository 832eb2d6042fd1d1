"""``alertd backtest``: replay a .jsonl file through the same engine the daemon runs."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import msgspec

from alertd.alerts.evaluator import Evaluator
from alertd.alerts.model import AlertState, Transition
from alertd.config import ConfigProblems, load_config
from alertd.config.rules import RuleSpec
from alertd.ingest.decoders import DecodeError, decode_alertd
from alertd.ingest.event import Event


def read_events(path: Path, errors: TextIO) -> Iterator[Event]:
    """Events of a .jsonl file; a bad line is reported as PATH:LINE and skipped."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield from decode_alertd(line)
            except DecodeError as exc:
                print(f"{path}:{number}: {exc}", file=errors)


def backtest_transitions(rules: list[RuleSpec], events: Iterator[Event]) -> Iterator[Transition]:
    evaluator = Evaluator(rules, track_changes=False)
    for event in events:
        yield from evaluator.process(event)


def backtest(config_path: str, events_path: str, out: TextIO = sys.stdout) -> int:
    try:
        loaded = load_config(config_path)
    except ConfigProblems as exc:
        print(exc, file=sys.stderr)
        return 1
    counts: Counter[str] = Counter()
    fired: Counter[str] = Counter()
    events = read_events(Path(events_path), sys.stderr)
    for transition in backtest_transitions(loaded.rules, events):
        counts[str(transition.state)] += 1
        if transition.state is AlertState.FIRING:
            fired[transition.rule] += 1
        out.write(msgspec.json.encode(transition.as_json()).decode() + "\n")
    print(summary(counts, fired), file=sys.stderr)
    return 0


def summary(counts: Counter[str], fired: Counter[str]) -> str:
    """One line for the SRE: transitions per state, then alerts fired per rule."""
    states = ", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "no transitions"
    line = f"backtest: {states}"
    if fired:
        per_rule = ", ".join(f"{rule} {n}" for rule, n in sorted(fired.items()))
        line += f"; fired per rule: {per_rule}"
    return line


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "backtest", help="replay a .jsonl file of events through the rules; print transitions"
    )
    parser.add_argument("-c", "--config", required=True, help="path to alertd.yml")
    parser.add_argument("--events", required=True, help="a .jsonl file, one event per line")
    parser.set_defaults(handler=lambda args: backtest(args.config, args.events))
