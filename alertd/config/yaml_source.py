"""Load YAML while remembering the line of every value.

pydantic reports a location as a path of keys and indexes; the line map turns that
path back into the line the SRE has to edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from alertd.config.errors import ConfigError, ConfigProblems

Loc = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """Plain Python data plus the line where each path starts."""

    path: Path
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Sequence[str | int]) -> int:
        """Line of the deepest known prefix of ``loc`` (1-based)."""
        probe = tuple(loc)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), 1)

    def error(self, loc: Sequence[str | int], message: str) -> ConfigError:
        return ConfigError(self.path, self.line_of(loc), message)


def load_yaml(path: Path) -> YamlDocument:
    """Parse ``path``; syntax errors and duplicate keys raise ConfigProblems."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigProblems([ConfigError(path, 0, f"cannot read file: {exc.strerror}")]) from exc
    return parse_yaml(text, path)


def parse_yaml(text: str, path: Path) -> YamlDocument:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        raise ConfigProblems([ConfigError(path, line, f"invalid YAML: {exc.problem}")]) from exc
    except yaml.YAMLError as exc:
        raise ConfigProblems([ConfigError(path, 1, f"invalid YAML: {exc}")]) from exc
    doc = YamlDocument(path, None)
    if node is None:
        doc.data = {}
        return doc
    errors: list[ConfigError] = []
    doc.data = _convert(node, (), doc, errors)
    if errors:
        raise ConfigProblems(errors)
    return doc


def _convert(node: yaml.Node, loc: Loc, doc: YamlDocument, errors: list[ConfigError]) -> Any:
    doc.lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        return _convert_mapping(node, loc, doc, errors)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*loc, i), doc, errors) for i, item in enumerate(node.value)]
    return yaml.SafeLoader(" ").construct_object(node, deep=True)


def _convert_mapping(
    node: yaml.MappingNode, loc: Loc, doc: YamlDocument, errors: list[ConfigError]
) -> dict[Any, Any]:
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = yaml.SafeLoader(" ").construct_object(key_node)
        if isinstance(key, list | dict):
            errors.append(
                ConfigError(doc.path, key_node.start_mark.line + 1, "keys must be scalars")
            )
            continue
        if key in result:
            line = key_node.start_mark.line + 1
            errors.append(ConfigError(doc.path, line, f"duplicate key {key!r}"))
            continue
        result[key] = _convert(value_node, (*loc, key), doc, errors)
        doc.lines[(*loc, key)] = key_node.start_mark.line + 1
    return result
