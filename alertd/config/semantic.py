"""Checks that need more than one key: detector parameters, unique names, templates."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from pydantic import BaseModel, ValidationError

from alertd.config.errors import ConfigError
from alertd.config.schema import Config
from alertd.config.yaml_source import YamlDocument
from alertd.templating import Templates

if TYPE_CHECKING:
    from alertd.config.loader import LocatedRule


def check_rules(rules: Sequence[LocatedRule]) -> Iterable[ConfigError]:
    from alertd.detect.detectors import REGISTRY

    seen: dict[str, LocatedRule] = {}
    for rule in rules:
        name = rule.spec.name
        if name in seen:
            first = seen[name]
            yield rule.error(
                ("name",),
                f"duplicate rule name {name!r} (first at {first.doc.path}:"
                f"{first.doc.line_of((*first.loc, 'name'))})",
            )
        seen[name] = rule
        detector = REGISTRY.get(rule.spec.detector_name)
        if detector is None:
            known = ", ".join(sorted(REGISTRY))
            yield rule.error(
                ("detect", rule.spec.detector_name),
                f"unknown detector {rule.spec.detector_name!r}; known detectors: {known}",
            )
            continue
        yield from _check_params(rule, detector.name, detector.params)


def _check_params(rule: LocatedRule, name: str, params: type[BaseModel]) -> Iterable[ConfigError]:
    raw = rule.spec.detect[name]
    try:
        params.model_validate({} if raw is None else raw)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in ("detect", name, *err["loc"]))
            if err["type"] == "extra_forbidden":
                msg = f"unknown key {err['loc'][-1]!r} for detector {name!r}"
            else:
                msg = f"{where}: {str(err['msg']).removeprefix('Value error, ')}"
            yield rule.error(("detect", name, *err["loc"]), msg)


def check_templates(
    config: Config, rules: Sequence[LocatedRule], doc: YamlDocument, base: Path
) -> Iterable[ConfigError]:
    templates_dir = base / config.templates_dir if config.templates_dir else None
    if templates_dir is not None and not templates_dir.is_dir():
        yield doc.error(("templates_dir",), f"templates_dir {templates_dir} is not a directory")
        templates_dir = None
    templates = Templates(templates_dir)
    for rule in rules:
        for key, source in rule.spec.annotations.items():
            yield from _syntax(templates, source, partial(_rule_error, rule, ("annotations", key)))
    for r, receiver in enumerate(config.receivers):
        for e, email in enumerate(receiver.email_configs):
            for field in ("subject", "text", "html"):
                source = getattr(email, field)
                loc = ("receivers", r, "email_configs", e, field)
                if source is not None:
                    yield from _syntax(templates, source, partial(doc.error, loc))


def _rule_error(rule: LocatedRule, loc: tuple[str, ...], message: str) -> ConfigError:
    return rule.error(loc, message)


def _syntax(
    templates: Templates, source: str, error: Callable[[str], ConfigError]
) -> Iterable[ConfigError]:
    try:
        templates.compile(source)
    except jinja2.TemplateSyntaxError as exc:
        yield error(f"template syntax error: {exc.message}")
