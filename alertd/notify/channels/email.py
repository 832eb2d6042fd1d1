"""Email through SMTP (aiosmtplib), plain text and HTML, with a deterministic Message-ID.

The Message-ID is derived from the notification id, so a replay after a crash carries
the same id and mail systems can fold duplicates.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from alertd.config.schema import EmailConfig, SmtpConfig
from alertd.notify.channels.smtp import SMTP_POLICY, message_id, send_mail
from alertd.notify.notification import Notification
from alertd.templating import Templates

DEFAULT_SUBJECT = "email.subject.j2"
DEFAULT_TEXT = "email.text.j2"
DEFAULT_HTML = "email.html.j2"


class EmailChannel:
    kind = "email"

    def __init__(self, config: EmailConfig, smtp: SmtpConfig, templates: Templates) -> None:
        self._config = config
        self._smtp = config.smtp or smtp
        self._templates = templates

    def wants(self, notification: Notification) -> bool:
        return notification.status == "firing" or self._config.send_resolved

    async def send(self, notification: Notification) -> None:
        message = self.build_message(notification)
        await send_mail(message, self._smtp, self._config.from_, self._config.to)

    def build_message(self, notification: Notification) -> EmailMessage:
        context = template_context(notification)
        render = self._render
        message = EmailMessage(policy=SMTP_POLICY)
        message["Subject"] = " ".join(
            render(self._config.subject, DEFAULT_SUBJECT, context).split()
        )
        message["From"] = self._config.from_
        message["To"] = ", ".join(self._config.to)
        message["Message-ID"] = message_id(notification.id, self._config.from_)
        message["X-Alertd-Fingerprint"] = notification.alert.fingerprint
        message.set_content(render(self._config.text, DEFAULT_TEXT, context))
        message.add_alternative(render(self._config.html, DEFAULT_HTML, context), subtype="html")
        return message

    def _render(self, inline: str | None, default: str, context: dict[str, Any]) -> str:
        if inline is not None:
            return self._templates.render(inline, context)
        return self._templates.render_file(default, context)

    async def close(self) -> None:
        return None


def template_context(notification: Notification) -> dict[str, Any]:
    """What notification templates can use."""
    alert = notification.alert
    return {
        "status": notification.status,
        "receiver": notification.receiver,
        "alert": alert.as_json(),
        "labels": dict(alert.labels),
        "annotations": dict(alert.annotations),
        "value": alert.value,
        "starts_at": alert.starts_at,
        "ends_at": alert.ends_at,
        "context": dict(alert.context),
        "notification_id": notification.id,
    }
