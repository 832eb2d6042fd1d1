"""Templates per channel and locale, recipient time zone, honest 'none yet'."""

from __future__ import annotations

from alertd.notices.composer import Composer
from alertd.notices.model import NoticeItem
from alertd.templating import Templates
from tests.notices.helpers import checkout_item, customer

NEXT = 1_800_003_600.0  # 2027-01-15 09:00 UTC


def item(workaround: str | None) -> NoticeItem:
    return checkout_item(
        workaround=workaround, at=NEXT - 1800, started_at=NEXT - 2000, next_update_at=NEXT
    )


def test_russian_customer_gets_russian_text_in_their_time_zone() -> None:
    ru = customer("ru1", locale="ru-RU", timezone="Europe/Moscow")
    rendered = Composer(Templates()).render(ru, "email", [item("Оплатите по счёту")], "n1")
    assert rendered.locale == "ru"
    text = rendered.parts["text"]
    assert "Здравствуйте, RU1!" in text
    assert "Как обойти: Оплатите по счёту" in text
    assert "Следующее обновление: не позднее 2027-01-15 12:00 MSK" in text
    assert rendered.parts["subject"] == "[Выясняем причину] Checkout problems"


def test_english_without_workaround_says_none_yet_and_html_is_escaped() -> None:
    en = customer("en1", timezone="America/New_York")
    evil = NoticeItem(**{**item(None).__dict__} if False else {}) if False else item(None)
    rendered = Composer(Templates()).render(en, "email", [evil], "n1")
    assert "Workaround: none yet" in rendered.parts["text"]
    assert "Next update: by 2027-01-15 04:00 EST" in rendered.parts["text"]
    assert "<b>Impact:</b> Payments may fail" in rendered.parts["html"]
    tricky = NoticeItem(**{**_fields(item(None)), "impact": "<script>x</script>"})
    html = Composer(Templates()).render(en, "email", [tricky], "n1").parts["html"]
    assert "<script>x" not in html
    assert "&lt;script&gt;x" in html


def _fields(value: NoticeItem) -> dict[str, object]:
    return {name: getattr(value, name) for name in value.__dataclass_fields__}


def test_unknown_locale_falls_back_to_default_and_webhook_text_is_short() -> None:
    de = customer("de1", locale="de")
    rendered = Composer(Templates()).render(de, "webhook", [item("Retry later")], "n1")
    assert rendered.locale == "en"
    assert rendered.parts["text"].strip() == (
        "Investigating: Checkout problems. Impact: Payments may fail. "
        "Workaround: Retry later. Next update by 09:00 UTC."
    )
