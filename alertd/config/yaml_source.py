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


MAX_ALIAS_EXPANSION = 100_000
"""Values an alias (``*name``) may repeat in total: stops "billion laughs" documents."""


def load_yaml(path: Path) -> YamlDocument:
    """Parse ``path``; syntax errors and duplicate keys raise ConfigProblems."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigProblems([ConfigError(path, 0, f"cannot read file: {exc.strerror}")]) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8"
        raise ConfigProblems([ConfigError(path, line, message)]) from None
    return parse_yaml(text, path)


def parse_yaml(text: str, path: Path) -> YamlDocument:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ConfigProblems([ConfigError(path, line, _syntax_message(exc, line))]) from exc
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        message = f"invalid YAML: character #x{exc.character:04x} is not allowed; remove it"
        raise ConfigProblems([ConfigError(path, line, message)]) from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "syntax error"
        raise ConfigProblems([ConfigError(path, 1, f"invalid YAML: {first}")]) from exc
    except RecursionError:
        raise ConfigProblems([ConfigError(path, 1, "invalid YAML: nested too deeply")]) from None
    doc = YamlDocument(path, None)
    if node is None:
        doc.data = {}
        return doc
    converter = _Converter(doc)
    try:
        doc.data = converter.convert(node, ())
    except _Abort as exc:
        converter.errors.append(exc.error)
    except RecursionError:
        converter.errors.append(ConfigError(path, 1, "invalid YAML: nested too deeply"))
    if converter.errors:
        raise ConfigProblems(converter.errors)
    return doc


_HINTS = {
    "found character '\\t'": "indent with spaces, not tabs",
    "mapping values are not allowed": "check the indentation, and quote values that contain ': '",
    "found undefined alias": "define the anchor (&name) before using *name",
    "end of stream": "close every quote and bracket that was opened",
}


def _syntax_message(exc: yaml.MarkedYAMLError, line: int) -> str:
    """PyYAML's problem, where the broken construct began, and how to fix it."""
    problem = exc.problem or "syntax error"
    if exc.context:
        start = exc.context_mark.line + 1 if exc.context_mark else line
        where = f" (line {start})" if start != line else ""
        problem = f"{exc.context}{where}, {problem}"
    hints = [hint for needle, hint in _HINTS.items() if needle in problem]
    return f"invalid YAML: {problem}" + "".join(f"; {hint}" for hint in hints)


class _Abort(Exception):
    """A problem after which the rest of the document cannot be read sensibly."""

    def __init__(self, error: ConfigError) -> None:
        super().__init__(str(error))
        self.error = error


_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Converter:
    """Turns composed nodes into plain data, recording lines and collecting problems.

    Aliases share nodes, so a node met again on its own path is a recursive alias and
    the total re-expansion is bounded; both would otherwise hang or crash the loader.
    """

    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.errors: list[ConfigError] = []
        self._seen: set[int] = set()
        self._active: set[int] = set()
        self._expanded = 0

    def error(self, node: yaml.Node, message: str) -> ConfigError:
        return ConfigError(self.doc.path, node.start_mark.line + 1, message)

    def convert(self, node: yaml.Node, loc: Loc) -> Any:
        self._enter(node)
        self.doc.lines[loc] = node.start_mark.line + 1
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, loc)
            if isinstance(node, yaml.SequenceNode):
                return [self.convert(item, (*loc, i)) for i, item in enumerate(node.value)]
            return self.scalar(node)
        finally:
            self._active.discard(id(node))

    def _enter(self, node: yaml.Node) -> None:
        if id(node) in self._active:
            raise _Abort(self.error(node, "invalid YAML: an alias refers to itself"))
        if id(node) in self._seen:
            self._expanded += 1
            if self._expanded > MAX_ALIAS_EXPANSION:
                message = f"invalid YAML: aliases expand to more than {MAX_ALIAS_EXPANSION} values"
                raise _Abort(self.error(node, message))
        self._seen.add(id(node))
        self._active.add(id(node))

    def scalar(self, node: yaml.Node) -> Any:
        """The value of a scalar (or of a key); None after recording a problem."""
        try:
            return yaml.SafeLoader("").construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            message = f"invalid YAML: {exc.problem or 'cannot read this value'}"
            if (exc.problem or "").startswith("could not determine a constructor"):
                message = (
                    f"unknown YAML tag {node.tag!r}; remove it (secrets go in *_env or *_file keys)"
                )
            self.errors.append(self.error(node, message))
        except Exception:
            # PyYAML's constructors fail in many ways (ValueError, IndexError,
            # AttributeError...) on text that does not fit an explicit tag like !!int.
            tag, text = node.tag.rpartition(":")[2], node.value[:60]
            message = f"invalid YAML: {text!r} is not a valid {tag}; fix or remove the tag"
            self.errors.append(self.error(node, message))
        return None

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            key = self._key(key_node)
            if key is _NO_KEY:
                continue
            if key in result:
                first = self.doc.lines.get((*loc, key))
                message = f"duplicate key {key!r} (first at line {first}); keep only one"
                self.errors.append(self.error(key_node, message))
                continue
            result[key] = self.convert(value_node, (*loc, key))
            self.doc.lines[(*loc, key)] = key_node.start_mark.line + 1
        for merge in merges:
            self._merge(merge, loc, result)
        return result

    def _key(self, key_node: yaml.Node) -> Any:
        if not isinstance(key_node, yaml.ScalarNode):
            self.errors.append(self.error(key_node, "keys must be scalars"))
            return _NO_KEY
        key = self.scalar(key_node)
        try:
            hash(key)
        except TypeError:
            self.errors.append(self.error(key_node, "keys must be scalars"))
            return _NO_KEY
        return key

    def _merge(self, value: yaml.Node, loc: Loc, result: dict[Any, Any]) -> None:
        """``<<: *defaults``: keys written in the mapping itself win over merged ones."""
        sources = value.value if isinstance(value, yaml.SequenceNode) else [value]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                self.errors.append(self.error(source, "'<<' merges only mappings"))
                continue
            own_lines, self.doc.lines = self.doc.lines, {}
            try:
                merged = self.convert(source, loc)
            finally:
                merged_lines, self.doc.lines = self.doc.lines, own_lines
            for key, item in merged.items():
                if key not in result:
                    result[key] = item
                    prefix = (*loc, key)
                    self.doc.lines.update(
                        (k, v) for k, v in merged_lines.items() if k[: len(prefix)] == prefix
                    )


_NO_KEY = object()
