"""Sandboxed Jinja2 rendering for annotations and notification bodies.

Templates are written by SREs and may reach customers, so they run in Jinja2's
sandbox: no attribute access to internals, no imports, bounded output. A template that
fails at run time renders a visible marker instead of killing the notification.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2
import structlog
from jinja2.sandbox import ImmutableSandboxedEnvironment

from alertd.config.durations import format_duration

log = structlog.get_logger(__name__)
PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
MAX_OUTPUT = 64 * 1024


def _format_time(epoch: float | None, tz: str = "UTC", fmt: str = "%Y-%m-%d %H:%M %Z") -> str:
    if epoch is None:
        return ""
    try:
        zone: Any = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    return datetime.fromtimestamp(float(epoch), zone).strftime(fmt)


def _format_duration(seconds: float | None) -> str:
    return "" if seconds is None else format_duration(float(seconds))


class Templates:
    """Compiles each template once; looks up files in the user's dir, then built-ins."""

    def __init__(self, templates_dir: Path | None = None) -> None:
        loaders: list[jinja2.BaseLoader] = []
        if templates_dir is not None:
            loaders.append(jinja2.FileSystemLoader(str(templates_dir)))
        loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES)))
        self.env = ImmutableSandboxedEnvironment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=jinja2.select_autoescape(["html", "htm"], default_for_string=False),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters["datetime"] = _format_time
        self.env.filters["duration"] = _format_duration
        self._compile = lru_cache(maxsize=4096)(self.env.from_string)

    def compile(self, source: str) -> jinja2.Template:
        """Compile or raise jinja2.TemplateSyntaxError (used by ``alertd check``)."""
        return self._compile(source)

    def render(self, source: str, context: Mapping[str, Any]) -> str:
        try:
            return _bounded(self._compile(source).render(context))
        except Exception as exc:  # a bad template must never drop a notification
            log.warning("template_failed", error=str(exc), template=source[:80])
            return f"[template error: {exc}]"

    def render_file(self, name: str, context: Mapping[str, Any]) -> str:
        try:
            return _bounded(self.env.get_template(name).render(context))
        except Exception as exc:
            log.warning("template_failed", error=str(exc), template=name)
            return f"[template error in {name}: {exc}]"


def _bounded(text: str) -> str:
    return text if len(text) <= MAX_OUTPUT else text[:MAX_OUTPUT] + "\n[truncated]"
