"""Load and validate a whole configuration: main file, rule files, templates.

Every problem found is collected (not just the first) and reported as
``PATH:LINE: message``, which is what ``alertd check`` prints and what a failed reload
logs while the old configuration keeps running.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

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
    rules = list(_load_rule_files(patterns, path.parent, errors))
    from alertd.config.semantic import check_rules, check_templates

    errors.extend(check_rules(rules))
    if config is None:
        raise ConfigProblems(errors)
    token = _resolve_secrets(config, doc, errors)
    errors.extend(_check_references(config, doc))
    errors.extend(check_templates(config, rules, doc, path.parent))
    if errors:
        raise ConfigProblems(errors)
    return LoadedConfig(path=path, config=config, rules=[r.spec for r in rules], api_token=token)


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
            [doc.error((*loc, *err["loc"]), _message(err)) for err in exc.errors()]
        ) from None


def _message(err: Any) -> str:
    where = ".".join(str(p) for p in err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"unknown key {err['loc'][-1]!r} in {where.rpartition('.')[0] or 'top level'}"
    if kind == "missing":
        return f"missing required key {where!r}"
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


class LocatedRule:
    """A rule spec with the file and line it came from."""

    def __init__(self, spec: RuleSpec, doc: YamlDocument, index: int) -> None:
        self.spec = spec
        self.doc = doc
        self.loc: tuple[str | int, ...] = ("rules", index)

    def error(self, sub: Iterable[str | int], message: str) -> ConfigError:
        return self.doc.error((*self.loc, *sub), message)


def _load_rule_files(
    patterns: Sequence[str], base: Path, errors: list[ConfigError]
) -> Iterable[LocatedRule]:
    for pattern in patterns:
        full = pattern if Path(pattern).is_absolute() else str(base / pattern)
        matches = sorted(glob.glob(full))
        if not matches and not glob.has_magic(pattern):
            errors.append(ConfigError(base, 0, f"rule file {full} does not exist"))
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
        errors.append(doc.error(("http",), f"http token: {exc}"))
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
            errors.append(doc.error(loc, f"smtp password: {exc}"))
    return token


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
