"""Checks that need more than one key: detector parameters, unique names, templates."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from pydantic import BaseModel, ValidationError

from alertd.config.errors import ConfigError
from alertd.config.loader import describe_error
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
    from alertd.detect.checks import check_rule_graph

    yield from check_rule_graph(rules)


def _check_params(rule: LocatedRule, name: str, params: type[BaseModel]) -> Iterable[ConfigError]:
    raw = rule.spec.detect[name]
    try:
        params.model_validate({} if raw is None else raw)
    except ValidationError as exc:
        for err in exc.errors():
            if err["type"] == "extra_forbidden":
                msg = describe_error(err, ("detect", name), params)
            else:
                msg = describe_error(err, ("detect", name))
            yield rule.error(("detect", name, *err["loc"]), msg)


def check_templates(
    config: Config, rules: Sequence[LocatedRule], doc: YamlDocument, base: Path
) -> Iterable[ConfigError]:
    templates_dir = base / config.templates_dir if config.templates_dir else None
    if templates_dir is not None and not templates_dir.is_dir():
        yield doc.error(
            ("templates_dir",),
            f"templates_dir {templates_dir} is not a directory; create it or fix the path",
        )
        templates_dir = None
    templates = Templates(templates_dir)
    for rule in rules:
        for key, source in rule.spec.annotations.items():
            error = partial(_rule_error, rule, ("annotations", key))
            where = ".".join(map(str, (*rule.loc, "annotations", key)))
            yield from _syntax(templates, source, error, where)
    for r, receiver in enumerate(config.receivers):
        for e, email in enumerate(receiver.email_configs):
            for field in ("subject", "text", "html"):
                source = getattr(email, field)
                loc = ("receivers", r, "email_configs", e, field)
                if source is not None:
                    where = ".".join(map(str, loc))
                    yield from _syntax(templates, source, partial(doc.error, loc), where)
    from alertd.notices.checks import check_customer_notices

    yield from check_customer_notices(config, rules, doc, base, templates_dir)


def _rule_error(rule: LocatedRule, loc: tuple[str, ...], message: str) -> ConfigError:
    return rule.error(loc, message)


def _syntax(
    templates: Templates, source: str, error: Callable[[str], ConfigError], where: str
) -> Iterable[ConfigError]:
    try:
        templates.compile(source)
    except jinja2.TemplateSyntaxError as exc:
        detail = (exc.message or "cannot parse").splitlines()[0]
        yield error(f"{where}: template syntax error: {detail}")
    except RecursionError:
        yield error(f"{where}: template nested too deeply")
