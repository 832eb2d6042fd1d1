"""``alertd check`` for customer notices: templates say what customers need to hear,
rule ``customers:`` blocks name segments that exist, the customer file loads.

A customer template must show the impact, the workaround (or an honest "none yet")
and an ETA or the time of the next update. The check renders each template with
marked sample values and looks for the marks, so it holds however the template is
written (loops, macros, includes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from alertd.config.errors import ConfigError, ConfigProblems
from alertd.config.schema import Config
from alertd.config.yaml_source import YamlDocument
from alertd.customers.sources import load_customer_file
from alertd.notices.composer import PARTS, template_name
from alertd.notices.delivery import RECEIVERS
from alertd.templating import PACKAGE_TEMPLATES, Templates

if TYPE_CHECKING:
    from alertd.config.loader import LocatedRule

IMPACT = "@@impact@@"
WORKAROUND = "@@workaround@@"
ETA, NEXT_UPDATE = 1_900_000_000.0, 1_900_003_600.0


def check_customer_notices(
    config: Config,
    rules: Sequence[LocatedRule],
    doc: YamlDocument,
    base: Path,
    templates_dir: Path | None,
) -> Iterable[ConfigError]:
    for i, receiver in enumerate(config.receivers):
        if receiver.name in RECEIVERS.values():
            yield doc.error(
                ("receivers", i, "name"),
                f"receiver name {receiver.name!r} is reserved for customer notices; rename it",
            )
    if not any(r.spec.customers for r in rules) and config.customers is None:
        return
    yield from check_customer_templates(templates_dir)
    segments, problems = _known_segments(config, doc, base)
    yield from problems
    for rule in rules:
        spec = rule.spec.customers
        for i, name in enumerate(spec.segments if spec else ()):
            if name not in segments:
                yield rule.error(("customers", "segments", i), _unknown(name, segments))
    for w, window in enumerate(config.notices.maintenance):
        for i, name in enumerate(window.segments):
            if name not in segments:
                loc = ("notices", "maintenance", w, "segments", i)
                yield doc.error(loc, _unknown(name, segments))


def check_customer_templates(templates_dir: Path | None) -> Iterable[ConfigError]:
    """Every shipped or user locale, every channel part except the subject."""
    templates = Templates(templates_dir)
    templates.env.filters["datetime"] = _marked_time
    for locale in sorted(_locales(templates_dir)):
        for channel, parts in PARTS.items():
            for part in parts:
                yield from _check_one(
                    templates,
                    templates_dir,
                    template_name(locale, channel, part),
                    needs_content=part != "subject",
                )


def _check_one(
    templates: Templates, templates_dir: Path | None, name: str, needs_content: bool
) -> Iterable[ConfigError]:
    path = _source_path(templates_dir, name)
    try:
        template = templates.env.get_template(name)
    except jinja2.TemplateNotFound:
        return
    except jinja2.TemplateSyntaxError as exc:
        yield ConfigError(path, exc.lineno or 0, f"template syntax error: {exc.message}")
        return
    for workaround in (WORKAROUND, None):
        try:
            text = template.render(_sample(workaround))
        except Exception as exc:  # any runtime failure is a problem to report
            yield ConfigError(path, 0, f"customer template fails to render: {exc}")
            return
        if not needs_content or workaround is None:
            continue
        yield from (ConfigError(path, 0, m) for m in _missing(text))


def _missing(text: str) -> list[str]:
    out = []
    if IMPACT not in text:
        out.append("customer template must show the impact ({{ item.impact }})")
    if WORKAROUND not in text:
        out.append(
            "customer template must show the workaround ({{ item.workaround }}, "
            "or an honest 'none yet' when it is empty)"
        )
    if _marked_time(ETA) not in text and _marked_time(NEXT_UPDATE) not in text:
        out.append(
            "customer template must show the ETA or the time of the next update "
            "({{ item.next_update_at | datetime(tz) }})"
        )
    return out


def _sample(workaround: str | None) -> dict[str, Any]:
    item = {
        "kind": "incident",
        "stage": "investigating",
        "id": "inc-sample",
        "title": "Sample",
        "impact": IMPACT,
        "workaround": workaround,
        "eta": ETA,
        "next_update_at": NEXT_UPDATE,
        "text": "",
        "holding": False,
        "started_at": ETA - 600,
        "at": ETA - 300,
        "components": ["checkout"],
        "regions": ["eu-west"],
    }
    customer = {
        "id": "c1",
        "name": "Sample Co",
        "plan": "",
        "regions": ["eu-west"],
        "components": ["checkout"],
        "locale": "en",
        "timezone": "UTC",
    }
    return {
        "customer": customer,
        "tz": "UTC",
        "items": [item],
        "item": item,
        "digest": False,
        "status_url": "https://status.example.com/status?customer=c1",
        "notice_id": "ntc-sample",
    }


def _marked_time(epoch: float | None, *args: Any, **kwargs: Any) -> str:
    return "" if epoch is None else f"@@time:{int(float(epoch))}@@"


def _locales(templates_dir: Path | None) -> set[str]:
    roots = [PACKAGE_TEMPLATES / "customer"]
    if templates_dir is not None:
        roots.append(templates_dir / "customer")
    return {p.name for root in roots if root.is_dir() for p in root.iterdir() if p.is_dir()}


def _source_path(templates_dir: Path | None, name: str) -> Path:
    if templates_dir is not None and (templates_dir / name).is_file():
        return templates_dir / name
    return PACKAGE_TEMPLATES / name


def _known_segments(
    config: Config, doc: YamlDocument, base: Path
) -> tuple[set[str], list[ConfigError]]:
    customers = config.customers
    if customers is None:
        return set(), []
    names = set(customers.segments)
    if customers.file is None:
        return names, []
    try:
        names |= set(load_customer_file(base / customers.file).segments)
    except ConfigProblems as exc:
        return names, list(exc.errors)
    return names, []


def _unknown(name: str, known: set[str]) -> str:
    return f"unknown segment {name!r} (known: {', '.join(sorted(known)) or 'none defined'})"
