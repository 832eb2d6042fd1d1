"""The YAML reader: line map, merge keys, and hostile documents that must not hang it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from alertd.config.errors import ConfigProblems
from alertd.config.yaml_source import MAX_ALIAS_EXPANSION, load_yaml, parse_yaml

PATH = Path("alertd.yml")


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigProblems) as exc:
        parse_yaml(text, PATH)
    return [str(e) for e in exc.value.errors]


def test_merge_keys_fill_in_defaults_and_explicit_keys_win() -> None:
    doc = parse_yaml(
        "defaults: &d {for: 5m, severity: warning}\nrule:\n  <<: *d\n  severity: critical\n",
        PATH,
    )
    assert doc.data["rule"] == {"for": "5m", "severity": "critical"}
    assert doc.line_of(("rule", "severity")) == 4
    assert doc.line_of(("rule", "for")) == 1  # where the merged value is written


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    started = time.monotonic()
    errors = problems("\n".join(lines) + "\n")
    assert time.monotonic() - started < 10
    assert any(f"more than {MAX_ALIAS_EXPANSION} values" in e for e in errors)


def test_alias_inside_itself_is_an_error_not_a_crash() -> None:
    assert problems("route: &r\n  routes: [*r]\n") == [
        "alertd.yml:1: invalid YAML: an alias refers to itself"
    ]


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    assert problems("[" * 20_000 + "]" * 20_000 + "\n") == [
        "alertd.yml:1: invalid YAML: nested too deeply"
    ]


def test_duplicate_key_names_the_first_line() -> None:
    assert problems("a: 1\nb: 2\na: 3\n") == [
        "alertd.yml:3: duplicate key 'a' (first at line 1); keep only one"
    ]


def test_tab_indentation_says_to_use_spaces() -> None:
    [error] = problems("kafka:\n\tgroup_id: x\n")
    assert error.startswith("alertd.yml:2: invalid YAML:")
    assert error.endswith("indent with spaces, not tabs")


def test_unknown_tag_is_reported_on_its_line() -> None:
    assert problems("a: 1\nb: !secret x\n") == [
        "alertd.yml:2: unknown YAML tag '!secret'; remove it (secrets go in *_env or *_file keys)"
    ]


def test_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "alertd.yml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(ConfigProblems) as exc:
        load_yaml(path)
    assert [str(e) for e in exc.value.errors] == [
        f"{path}:2: file is not valid UTF-8 (byte 0xe9); save it as UTF-8"
    ]
