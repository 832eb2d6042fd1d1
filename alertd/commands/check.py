"""``alertd check``: validate config, rules and templates without running anything."""

from __future__ import annotations

import sys
from typing import Any

from alertd.config import ConfigProblems, load_config


def check(config_path: str) -> int:
    try:
        loaded = load_config(config_path)
    except ConfigProblems as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"{len(exc.errors)} problem(s) found", file=sys.stderr)
        return 1
    print(
        f"{loaded.path}: OK ({len(loaded.rules)} rules, {len(loaded.config.receivers)} receivers)"
    )
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser("check", help="validate config, rules and templates (PATH:LINE errors)")
    parser.add_argument("-c", "--config", required=True, help="path to alertd.yml")
    parser.set_defaults(handler=lambda args: check(args.config))
