"""The config loader under random input: a LoadedConfig or PATH:LINE errors, nothing else.

``alertd check`` and a reload must never die on a file an SRE (or an editor accident)
produced; every problem has to point at a line that exists in the file it names.
"""

from __future__ import annotations

import copy
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from alertd.config import ConfigProblems, load_config
from alertd.config.schema import LoadedConfig
from tests.property.strategies import BOUNDED, yaml_soup

ERROR_LINE = re.compile(r"(?P<path>.+?):(?P<line>\d+): (?P<message>.+)")
SECONDS_PER_LOAD = 10.0
YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""What YAML (and so the reported line number) counts as the end of a line."""

VALID_MAIN: dict[str, Any] = {
    "kafka": {
        "bootstrap_servers": "127.0.0.1:9092",
        "topics": [{"name": "events"}],
        "session_timeout": "2s",
    },
    "http": {"listen": "127.0.0.1:0"},
    "rule_files": ["rules.yml"],
    "route": {
        "receiver": "oncall",
        "routes": [{"match": {"team": "~pay.*"}, "receiver": "oncall"}],
    },
    "receivers": [
        {"name": "oncall", "email_configs": [{"to": ["a@example.com"], "subject": "{{ x }}"}]}
    ],
}
VALID_RULES: dict[str, Any] = {
    "rules": [
        {
            "name": "checkout_errors",
            "match": {
                "kind": "metric",
                "name": "http_error_ratio",
                "labels": {"service": "checkout"},
            },
            "group_by": ["region"],
            "detect": {"threshold": {"above": 0.05, "reset": 0.04}},
            "for": "2m",
            "severity": "critical",
            "labels": {"team": "payments"},
            "annotations": {"summary": "at {{ value }}"},
        }
    ]
}

# No path separators: random rule_files / *_file values must stay inside the temp dir.
safe_text = st.text(
    st.characters(blacklist_characters="/\\", blacklist_categories=["Cs"]), max_size=20
)
yaml_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | safe_text
    | st.dates()
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(safe_text | st.integers() | st.booleans() | st.none(), inner, max_size=4)
    ),
    max_leaves=20,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, child in items:
        yield from paths(child, (*prefix, key))


def replaced(document: dict[str, Any], path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    result = copy.deepcopy(document)
    parent = result
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = new
    return result


@st.composite
def mutated(draw: st.DrawFn, document: dict[str, Any]) -> Any:
    """A valid document with one subtree replaced by a random value."""
    path = draw(st.sampled_from(list(paths(document))))
    return replaced(document, path, draw(yaml_values))


def load_in_temp_dir(files: dict[str, str | bytes]) -> None:
    """Write ``files``, load, and check the outcome holds the loader's promise."""
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for name, content in files.items():
            data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
            (base / name).write_bytes(data)
        started = time.monotonic()
        outcome = load(base / "alertd.yml")
        assert time.monotonic() - started < SECONDS_PER_LOAD
        if isinstance(outcome, ConfigProblems):
            assert outcome.errors, "ConfigProblems without a problem"
            for error in outcome.errors:
                assert_error_points_into_a_file(str(error), base)
        else:
            assert isinstance(outcome, LoadedConfig)


def load(path: Path) -> LoadedConfig | ConfigProblems:
    try:
        return load_config(path)
    except ConfigProblems as problems:
        return problems


def assert_error_points_into_a_file(text: str, base: Path) -> None:
    match = ERROR_LINE.fullmatch(text)
    assert match, f"not PATH:LINE: message: {text!r}"
    path = Path(match["path"])
    assert path.parent == base, text
    assert path.is_file(), text
    text_of_file = path.read_bytes().decode("utf-8", "replace")
    lines = len(YAML_LINE_BREAK.split(text_of_file))
    assert 1 <= int(match["line"]) <= lines, text


def dump(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


@BOUNDED
@given(st.text(max_size=400))
def test_random_text_as_main_config(text: str) -> None:
    load_in_temp_dir({"alertd.yml": text})


@BOUNDED
@given(st.binary(max_size=400))
def test_random_bytes_as_rule_file(raw: bytes) -> None:
    load_in_temp_dir({"alertd.yml": dump(VALID_MAIN), "rules.yml": raw})


@BOUNDED
@given(yaml_soup, yaml_soup)
def test_yaml_token_soup_in_both_files(main: str, rules: str) -> None:
    load_in_temp_dir({"alertd.yml": "rule_files: [rules.yml]\n" + main, "rules.yml": rules})


@BOUNDED
@given(yaml_values, yaml_values)
def test_random_structures_dumped_as_yaml(main: Any, rules: Any) -> None:
    load_in_temp_dir({"alertd.yml": dump(main), "rules.yml": dump(rules)})


@BOUNDED
@given(mutated(VALID_MAIN))
def test_valid_main_config_with_one_subtree_replaced(main: Any) -> None:
    load_in_temp_dir({"alertd.yml": dump(main), "rules.yml": dump(VALID_RULES)})


@BOUNDED
@given(mutated(VALID_RULES))
def test_valid_rule_file_with_one_subtree_replaced(rules: Any) -> None:
    load_in_temp_dir({"alertd.yml": dump(VALID_MAIN), "rules.yml": dump(rules)})


def test_the_unmutated_documents_are_valid() -> None:
    """Guards the mutation tests: they must start from a config that loads."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "alertd.yml").write_text(dump(VALID_MAIN))
        (Path(tmp) / "rules.yml").write_text(dump(VALID_RULES))
        loaded = load_config(Path(tmp) / "alertd.yml")
    assert [rule.name for rule in loaded.rules] == ["checkout_errors"]
