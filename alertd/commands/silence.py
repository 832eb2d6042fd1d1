"""``alertd silence add|list|expire``: manage silences through the daemon's HTTP API.

The CLI never touches Kafka itself: the daemon validates, persists and applies the
silence. The address and token come from ``-c CONFIG`` (``http.listen`` and the
token settings), or from ``--url`` and ``ALERTD_TOKEN``.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from alertd.commands.routes import parse_labels
from alertd.config import ConfigProblems, load_config

DEFAULT_URL = "http://127.0.0.1:9464"


@dataclass(frozen=True, slots=True)
class Api:
    url: str
    token: str | None

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url.rstrip('/')}{path}", data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"{}")


def api_from_args(args: Any) -> Api:
    url, token = args.url, os.environ.get("ALERTD_TOKEN")
    if args.config:
        loaded = load_config(args.config)
        if url is None:
            host, port = loaded.config.http.host_port
            host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
            url = f"http://{host}:{port}"
        if token is None and loaded.api_token is not None:
            token = loaded.api_token.get_secret_value()
    return Api(url or DEFAULT_URL, token)


def add(api: Api, args: Any) -> int:
    body = {
        "matchers": parse_labels(args.matchers),
        "duration": args.duration,
        "createdBy": args.author or os.environ.get("USER", ""),
        "comment": args.comment,
    }
    silence = api.call("POST", "/api/v1/silences", body)["silence"]
    print(silence["id"])
    return 0


def list_(api: Api, args: Any) -> int:
    query = f"?state={args.state}" if args.state else ""
    for s in api.call("GET", f"/api/v1/silences{query}")["silences"]:
        matchers = ",".join(f"{k}={v}" for k, v in s["matchers"].items())
        print(f"{s['id']}\t{s['status']['state']}\t{s['endsAt']}\t{matchers}\t{s['comment']}")
    return 0


def expire(api: Api, args: Any) -> int:
    silence = api.call("DELETE", f"/api/v1/silences/{args.id}")["silence"]
    print(f"{silence['id']}\t{silence['status']['state']}")
    return 0


def run(args: Any) -> int:
    try:
        api = api_from_args(args)
        code: int = args.action(api, args)
        return code
    except ConfigProblems as exc:
        print(exc, file=sys.stderr)
    except ValueError as exc:
        print(f"alertd silence: {exc}", file=sys.stderr)
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace").strip()
        print(f"alertd silence: HTTP {exc.code}: {detail}", file=sys.stderr)
    except (urllib.error.URLError, OSError) as exc:
        print(f"alertd silence: cannot reach the daemon: {exc}", file=sys.stderr)
    return 1


def register(sub: Any) -> None:
    parser = sub.add_parser("silence", help="add, list or expire silences (via the HTTP API)")
    actions = parser.add_subparsers(dest="silence_command", required=True, metavar="ACTION")

    def common(p: Any) -> None:
        p.add_argument("-c", "--config", help="alertd.yml: daemon address and API token")
        p.add_argument("--url", help=f"daemon base URL (default {DEFAULT_URL})")
        p.set_defaults(handler=run)

    add_p = actions.add_parser("add", help="silence alerts matching labels; prints the id")
    add_p.add_argument("matchers", nargs="+", help="k=v matchers (glob, ~regex, !negation)")
    add_p.add_argument("-d", "--duration", default="1h", help="how long, e.g. 2h (default 1h)")
    add_p.add_argument("--comment", default="", help="why (shown in list)")
    add_p.add_argument("--author", help="who (default $USER)")
    add_p.set_defaults(action=add)
    common(add_p)
    list_p = actions.add_parser("list", help="list silences")
    list_p.add_argument("--state", choices=["active", "pending", "expired"])
    list_p.set_defaults(action=list_)
    common(list_p)
    exp_p = actions.add_parser("expire", help="end a silence now")
    exp_p.add_argument("id")
    exp_p.set_defaults(action=expire)
    common(exp_p)
