"""Render a notice for one customer and channel, in their language and time zone.

Templates live under ``customer/<locale>/<channel>.<part>.j2``, first in the user's
``templates_dir`` and then in the package. ``ru-RU`` falls back to ``ru``, then to
the configured default locale, then to ``en``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jinja2

from alertd.customers.model import Customer
from alertd.notices.model import NoticeItem
from alertd.templating import Templates

PARTS = {"email": ("subject", "text", "html"), "webhook": ("text",)}
"""Template parts per customer channel; every part but the subject is checked for content."""


@dataclass(frozen=True, slots=True)
class Rendered:
    locale: str
    parts: dict[str, str]


class Composer:
    def __init__(
        self, templates: Templates, default_locale: str = "en", public_url: str | None = None
    ) -> None:
        self._templates = templates
        self._default_locale = default_locale
        self._public_url = public_url.rstrip("/") if public_url else None
        self._locales: dict[tuple[str, str], str] = {}

    def locale_for(self, customer: Customer, channel: str) -> str:
        cache_key = (customer.locale, channel)
        if cache_key not in self._locales:
            self._locales[cache_key] = self._pick_locale(customer.locale, channel)
        return self._locales[cache_key]

    def render(
        self, customer: Customer, channel: str, items: Sequence[NoticeItem], notice_id: str
    ) -> Rendered:
        locale = self.locale_for(customer, channel)
        context = self.context(customer, items, notice_id)
        parts = {
            part: self._templates.render_file(template_name(locale, channel, part), context)
            for part in PARTS[channel]
        }
        if "subject" in parts:
            parts["subject"] = " ".join(parts["subject"].split())
        return Rendered(locale, parts)

    def context(
        self, customer: Customer, items: Sequence[NoticeItem], notice_id: str
    ) -> dict[str, Any]:
        rendered_items = [i.as_context() for i in items]
        status_url = (
            f"{self._public_url}/status?customer={customer.id}" if self._public_url else None
        )
        return {
            "customer": customer.summary(),
            "tz": customer.timezone,
            "items": rendered_items,
            "item": rendered_items[0],
            "digest": len(rendered_items) > 1,
            "status_url": status_url,
            "notice_id": notice_id,
        }

    def _pick_locale(self, wanted: str, channel: str) -> str:
        base = wanted.replace("_", "-").split("-")[0].lower()
        for locale in dict.fromkeys([wanted, base, self._default_locale, "en"]):
            if self._exists(template_name(locale, channel, PARTS[channel][-1])):
                return locale
        return "en"

    def _exists(self, name: str) -> bool:
        try:
            self._templates.env.get_template(name)
        except jinja2.TemplateNotFound:
            return False
        except jinja2.TemplateError:
            return True  # exists but broken: `alertd check` reports it; render shows a marker
        return True


def template_name(locale: str, channel: str, part: str) -> str:
    return f"customer/{locale}/{channel}.{part}.j2"
