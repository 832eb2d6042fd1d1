"""``alertd test FILE...``: rule unit tests, like ``promtool test rules``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from alertd.config.errors import ConfigProblems
from alertd.ruletest.runner import run_file


def run_tests(files: list[str], out: TextIO = sys.stdout) -> int:
    """Exit 0 when every test of every file passes, 1 otherwise."""
    failed = passed = 0
    for name in files:
        try:
            result = run_file(Path(name))
        except ConfigProblems as exc:
            print(exc, file=out)
            failed += 1
            continue
        for failure in result.failures:
            print(f"{name}: {failure}", file=out)
        failing_tests = len({f.test for f in result.failures})
        failed += failing_tests
        passed += result.tests - failing_tests
    verdict = "FAILED" if failed else "SUCCESS"
    print(f"{verdict}: {passed} passed, {failed} failed", file=out)
    return 1 if failed else 0


def register(sub: Any) -> None:
    parser = sub.add_parser("test", help="run rule unit tests (input series, expected alerts)")
    parser.add_argument("files", nargs="+", metavar="FILE", help="rule test files (YAML)")
    parser.set_defaults(handler=lambda args: run_tests(args.files))
