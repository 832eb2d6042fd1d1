"""``alertd report``: notice lead time and tickets per incident, live or from a replay.

Live: ``alertd report [--url URL | -c CONFIG] [--since 24h]`` reads the daemon's
``/api/v1/report``. Replay: ``alertd report -c CONFIG --events FILE.jsonl`` drives the
same rules and notice logic offline (nothing is sent) and reports when notices would
have gone out. ``--html FILE`` also writes the self-contained HTML report.
"""

from __future__ import annotations

import asyncio
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from alertd.config import ConfigProblems, load_config
from alertd.proof.correlate import Report
from alertd.proof.timefmt import parse_when

DEFAULT_URL = "http://127.0.0.1:9464"


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "report",
        help="notice lead time before tickets, per incident (live daemon or replayed file)",
    )
    parser.add_argument("-c", "--config", help="alertd.yml (replay, or where the daemon listens)")
    parser.add_argument("--events", help="replay this .jsonl of events and tickets offline")
    parser.add_argument("--url", help=f"daemon HTTP address (default {DEFAULT_URL})")
    parser.add_argument("--since", help="RFC 3339, epoch seconds, or a duration ago (24h)")
    parser.add_argument("--until", help="RFC 3339, epoch seconds, or a duration ago")
    parser.add_argument("--html", metavar="FILE", help="also write the HTML report here")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.set_defaults(handler=run_report)


def run_report(args: Any) -> int:
    from alertd.observe.logging import configure_logging

    configure_logging("error", "console")  # the replay's notice logs are not the report
    try:
        since, until = parse_when(args.since), parse_when(args.until)
        report = _replayed(args, since, until) if args.events else _live(args, since, until)
    except (ValueError, OSError, ConfigProblems) as exc:
        print(f"alertd report: {exc}", file=sys.stderr)
        return 1
    emit(report, args.json, args.html)
    return 0


def emit(report: Report, as_json: bool, html: str | None) -> None:
    from alertd.proof.page import render_page
    from alertd.proof.table import render_table

    if as_json:
        print(json.dumps(report.as_json(), indent=2))
    else:
        print(render_table(report), end="")
    if html:
        Path(html).write_text(render_page(report), encoding="utf-8")
        sys.stdout.flush()
        print(f"HTML report written to {html}", file=sys.stderr)


def _replayed(args: Any, since: float | None, until: float | None) -> Report:
    from alertd.commands.backtest import read_events
    from alertd.proof.replay import replay

    if not args.config:
        raise ValueError("--events needs -c CONFIG (the rules and customers to replay with)")
    loaded = load_config(args.config)
    events = list(read_events(Path(args.events), sys.stderr))
    ledger = asyncio.run(replay(loaded, events))
    return ledger.report(since, until)


def _live(args: Any, since: float | None, until: float | None) -> Report:
    from alertd.proof.wire import report_from_json

    base = args.url or _url_from_config(args.config) or DEFAULT_URL
    query = {k: f"{v:.3f}" for k, v in (("since", since), ("until", until)) if v is not None}
    url = f"{base.rstrip('/')}/api/v1/report"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            data = json.load(response)
    except urllib.error.URLError as exc:
        raise OSError(
            f"cannot read {url}: {exc.reason}; is the daemon running? "
            "Pass --url, or -c CONFIG --events FILE to report from a replay"
        ) from exc
    return report_from_json(data)


def _url_from_config(config: str | None) -> str | None:
    if not config:
        return None
    host, port = load_config(config).config.http.host_port
    host = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    return f"http://{host}:{port}"
