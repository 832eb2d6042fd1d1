"""Load and validate a whole configuration: main file, rule files, templates.

Every problem found is collected (not just the first) and reported as
``PATH:LINE: message``, which is what ``alertd check`` prints and what a failed reload
logs while the old configuration keeps running.
"""

from __future__ import annotations

import difflib
import glob
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError

from alertd.config.errors import ConfigError, ConfigProblems
from alertd.config.rules import RuleFile, RuleSpec
from alertd.config.schema import Config, LoadedConfig, SmtpConfig
from alertd.config.secrets import resolve_secret
from alertd.config.yaml_source import YamlDocument, load_yaml

M = TypeVar("M", bound=BaseModel)


def load_config(path: str | Path) -> LoadedConfig:
    """Load ``path`` and everything it references; raise ConfigProblems on any error."""
    path = Path(path)
    doc = load_yaml(path)
    errors: list[ConfigError] = []
    config: Config | None = None
    try:
        config = validate_model(Config, doc)
    except ConfigProblems as exc:
        errors.extend(exc.errors)
    # Rule files are checked even when the main file has problems, so one run of
    # `alertd check` reports everything there is to fix.
    patterns = config.rule_files if config else _raw_rule_files(doc.data)
    rules = list(_load_rule_files(patterns, doc, errors))
    from alertd.config.semantic import check_rules, check_templates

    errors.extend(check_rules(rules))
    if config is None:
        raise ConfigProblems(_one_line(errors))
    token = _resolve_secrets(config, doc, errors)
    errors.extend(_check_references(config, doc))
    from alertd.route.checks import check_paging

    errors.extend(check_paging(config, doc))
    errors.extend(check_templates(config, rules, doc, path.parent))
    if errors:
        raise ConfigProblems(_one_line(errors))
    return LoadedConfig(path=path, config=config, rules=[r.spec for r in rules], api_token=token)


_LINE_BREAKS = str.maketrans({c: repr(c)[1:-1] for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})


def _one_line(errors: list[ConfigError]) -> list[ConfigError]:
    """Escape line breaks that config values carried into messages: one problem, one line."""
    return [ConfigError(e.path, e.line, e.message.translate(_LINE_BREAKS)) for e in errors]


def _raw_rule_files(data: Any) -> list[str]:
    raw = data.get("rule_files") if isinstance(data, dict) else None
    if isinstance(raw, list) and all(isinstance(p, str) for p in raw):
        return raw
    return []


def validate_model(model: type[M], doc: YamlDocument, loc: Sequence[str | int] = ()) -> M:
    """Validate ``doc.data`` (or the part at ``loc``) and map errors to lines."""
    data: Any = doc.data
    for key in loc:
        data = data[key]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigProblems(
            [
                doc.error((*loc, *err["loc"]), describe_error(err, model=model))
                for err in exc.errors()
            ]
        ) from None


def describe_error(
    err: Any, prefix: Sequence[str | int] = (), model: type[BaseModel] | None = None
) -> str:
    """One pydantic error as a sentence that names the key and says what to write."""
    path = (*prefix, *err["loc"])
    where = _path_text(path)
    kind = err["type"]
    if kind == "extra_forbidden":
        key = err["loc"][-1]
        hint = _did_you_mean(key, _known_keys(model, err["loc"][:-1]) if model else [])
        return f"unknown key {key!r} in {_path_text(path[:-1]) or 'top level'}{hint}"
    if kind == "missing":
        return f"missing required key {where!r}"
    if kind == "invalid_key":
        parent = _path_text(path[:-1]) or "top level"
        key = err.get("input", path[-1])
        shown = "null" if key is None else str(key).lower() if isinstance(key, bool) else key
        return f"key {shown} in {parent} must be a string; quote it"
    got = _describe(err.get("input"))
    if kind in ("model_type", "dict_type"):
        msg = f"expected a mapping (key: value lines), got {got}"
        if (err.get("ctx") or {}).get("class_name") == "RuleFile":
            msg = f"a rule file must be a mapping with a 'rules:' list, got {got}"
    elif kind.endswith(("_type", "_parsing")):
        expected = str(err["msg"]).removeprefix("Input should be ").removeprefix("a valid ")
        msg = f"expected {expected.partition(',')[0]}, got {got}"
    elif str(err["msg"]).startswith("Input should be "):
        msg = f"must be {str(err['msg']).removeprefix('Input should be ')}, got {got}"
    elif kind == "too_short":
        msg = f"needs at least {err['ctx']['min_length']} item(s), got none"
    else:
        msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


def _known_keys(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys the model accepts at ``loc``, following field types through lists and maps."""
    current: Any = model
    for part in loc:
        current = _inner(current, part)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [info.alias or name for name, info in current.model_fields.items()]
    return []


def _inner(annotation: Any, part: str | int) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields = {info.alias or name: info for name, info in annotation.model_fields.items()}
        return fields[part].annotation if part in fields else None
    args = [a for a in get_args(annotation) if a is not type(None)]
    origin = get_origin(annotation)
    if origin is list and isinstance(part, int):
        return args[0] if args else None
    if origin is dict:
        return args[-1] if args else None
    if len(args) == 1:  # X | None, Annotated[X, ...]
        return _inner(args[0], part)
    return None


def _did_you_mean(key: object, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _path_text(path: Sequence[Any]) -> str:
    """``rules.0.labels.team``; keys that are not plain words are quoted."""
    return ".".join(
        str(p) if isinstance(p, int) or (isinstance(p, str) and _WORD.fullmatch(p)) else repr(p)
        for p in path
    )


_WORD = re.compile(r"[\w-]+")


def _describe(value: Any) -> str:
    """How a YAML value looks to the user, e.g. ``the number 1`` or ``a list``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (quote it to make it a string)"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value[:60]!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


class LocatedRule:
    """A rule spec with the file and line it came from."""

    def __init__(self, spec: RuleSpec, doc: YamlDocument, index: int) -> None:
        self.spec = spec
        self.doc = doc
        self.loc: tuple[str | int, ...] = ("rules", index)

    def error(self, sub: Iterable[str | int], message: str) -> ConfigError:
        return self.doc.error((*self.loc, *sub), message)


def _load_rule_files(
    patterns: Sequence[str], main: YamlDocument, errors: list[ConfigError]
) -> Iterable[LocatedRule]:
    base = main.path.parent
    for i, pattern in enumerate(patterns):
        full = pattern if Path(pattern).is_absolute() else str(base / pattern)
        # Only regular files: a glob may also match directories or device files.
        matches = sorted(f for f in glob.glob(full) if Path(f).is_file())
        if not matches and not glob.has_magic(pattern):
            problem = (
                f"is a directory; list its files instead, e.g. {pattern.rstrip('/')}/*.yml"
                if Path(full).is_dir()
                else "does not exist; fix the path "
                "(relative paths start at the config file's directory)"
            )
            errors.append(main.error(("rule_files", i), f"rule file {full} {problem}"))
        for file in matches:
            try:
                doc = load_yaml(Path(file))
                parsed = validate_model(RuleFile, doc)
            except ConfigProblems as exc:
                errors.extend(exc.errors)
                continue
            yield from (LocatedRule(spec, doc, i) for i, spec in enumerate(parsed.rules))


def _resolve_secrets(config: Config, doc: YamlDocument, errors: list[ConfigError]) -> Any:
    base = doc.path.parent
    token = None
    try:
        token = resolve_secret(
            config.http.token, config.http.token_env, config.http.token_file, base
        )
    except ValueError as exc:
        errors.append(doc.error(_secret_loc(doc, ("http",), "token"), f"http token: {exc}"))
    smtp_locs: list[tuple[tuple[str | int, ...], SmtpConfig]] = [(("smtp",), config.smtp)]
    for r, receiver in enumerate(config.receivers):
        for e, email in enumerate(receiver.email_configs):
            if email.smtp is not None:
                smtp_locs.append((("receivers", r, "email_configs", e, "smtp"), email.smtp))
    for loc, smtp in smtp_locs:
        try:
            smtp.password = resolve_secret(
                smtp.password, smtp.password_env, smtp.password_file, base
            )
        except ValueError as exc:
            errors.append(doc.error(_secret_loc(doc, loc, "password"), f"smtp password: {exc}"))
    return token


def _secret_loc(doc: YamlDocument, loc: tuple[str | int, ...], name: str) -> tuple[str | int, ...]:
    """The key the secret was given by (the later one if given twice), for the error line."""
    given = [(*loc, k) for k in (name, f"{name}_env", f"{name}_file") if (*loc, k) in doc.lines]
    return max(given, key=doc.line_of, default=loc)


def _check_references(config: Config, doc: YamlDocument) -> Iterable[ConfigError]:
    names: set[str] = set()
    for i, receiver in enumerate(config.receivers):
        if receiver.name in names:
            yield doc.error(("receivers", i, "name"), f"duplicate receiver {receiver.name!r}")
        names.add(receiver.name)

    def walk(route: Any, loc: tuple[str | int, ...]) -> Iterable[ConfigError]:
        if route.receiver is not None and route.receiver not in names:
            known = ", ".join(sorted(names)) or "none defined"
            yield doc.error(
                (*loc, "receiver"), f"unknown receiver {route.receiver!r} (known: {known})"
            )
        for i, child in enumerate(route.routes):
            yield from walk(child, (*loc, "routes", i))

    yield from walk(config.route, ("route",))
