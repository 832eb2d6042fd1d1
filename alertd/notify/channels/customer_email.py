"""Customer notices by email: plain text + HTML, deterministic Message-ID.

Same SMTP handling as the on-call email channel; the content is rendered beforehand
(per locale) by the notice composer and travels in the notification.
"""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from alertd.config.schema import SmtpConfig
from alertd.notices.delivery import CustomerNotification
from alertd.notify.channels.base import DeliveryError
from alertd.notify.channels.email import SMTP_POLICY
from alertd.notify.notification import Notification


class CustomerEmailChannel:
    kind = "customer_email"

    def __init__(self, smtp: SmtpConfig, sender: str) -> None:
        self._smtp = smtp
        self._sender = sender

    def wants(self, notification: Notification) -> bool:
        return isinstance(notification, CustomerNotification) and bool(notification.address)

    async def send(self, notification: Notification) -> None:
        assert isinstance(notification, CustomerNotification)
        message = self.build_message(notification)
        smtp = self._smtp
        password = smtp.password.get_secret_value() if smtp.password else None
        try:
            await aiosmtplib.send(
                message.as_bytes(policy=SMTP_POLICY),
                sender=self._sender,
                recipients=[notification.address],
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
            raise DeliveryError("rejected", "recipient refused", retryable=False) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise DeliveryError(
                "serverError", f"{exc.code} {exc.message}", retryable=exc.code < 500
            ) from exc
        except (TimeoutError, aiosmtplib.SMTPTimeoutError) as exc:
            raise DeliveryError("timeout", f"SMTP {smtp.host}:{smtp.port} timed out") from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise DeliveryError("connection", f"SMTP {smtp.host}:{smtp.port}: {exc}") from exc

    def build_message(self, notification: CustomerNotification) -> EmailMessage:
        parts = notification.parts
        message = EmailMessage(policy=SMTP_POLICY)
        message["Subject"] = parts.get("subject", "")
        message["From"] = self._sender
        message["To"] = notification.address
        domain = self._sender.rpartition("@")[2] or "alertd.local"
        message["Message-ID"] = f"<{notification.id}@{domain}>"
        message["X-Alertd-Notice"] = notification.id
        message.set_content(parts.get("text", ""))
        message.add_alternative(parts.get("html", ""), subtype="html")
        message["Content-Language"] = notification.locale  # set_content drops Content-*
        return message

    async def close(self) -> None:
        return None
