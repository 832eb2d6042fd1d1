"""Email through SMTP (aiosmtplib), plain text and HTML, with a deterministic Message-ID.

The Message-ID is derived from the notification id, so a replay after a crash carries
the same id and mail systems can fold duplicates.
"""

from __future__ import annotations

import email.policy
from email.message import EmailMessage
from typing import Any

import aiosmtplib

from alertd.config.schema import EmailConfig, SmtpConfig
from alertd.notify.channels.base import DeliveryError
from alertd.notify.notification import Notification
from alertd.templating import Templates

SMTP_POLICY = email.policy.SMTP.clone(max_line_length=998)
"""RFC 5322's hard limit; the 78-column default folds subjects and some readers keep the fold."""
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
        smtp = self._smtp
        password = smtp.password.get_secret_value() if smtp.password else None
        try:
            await aiosmtplib.send(
                message.as_bytes(policy=SMTP_POLICY),
                sender=self._config.from_,
                recipients=self._config.to,
                hostname=smtp.host,
                port=smtp.port,
                username=smtp.username,
                password=password,
                start_tls=smtp.starttls,
                use_tls=smtp.tls,
                timeout=smtp.timeout,
            )
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise DeliveryError("authError", exc.message, retryable=False) from exc
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError("rejected", "all recipients refused", retryable=False) from exc
        except aiosmtplib.SMTPResponseException as exc:
            retryable = exc.code < 500
            raise DeliveryError(
                "serverError", f"{exc.code} {exc.message}", retryable=retryable
            ) from exc
        except (TimeoutError, aiosmtplib.SMTPTimeoutError) as exc:
            raise DeliveryError("timeout", f"SMTP {smtp.host}:{smtp.port} timed out") from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise DeliveryError("connection", f"SMTP {smtp.host}:{smtp.port}: {exc}") from exc

    def build_message(self, notification: Notification) -> EmailMessage:
        context = template_context(notification)
        render = self._render
        message = EmailMessage(policy=SMTP_POLICY)
        message["Subject"] = " ".join(
            render(self._config.subject, DEFAULT_SUBJECT, context).split()
        )
        message["From"] = self._config.from_
        message["To"] = ", ".join(self._config.to)
        domain = self._config.from_.rpartition("@")[2] or "alertd.local"
        message["Message-ID"] = f"<{notification.id}@{domain}>"
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
