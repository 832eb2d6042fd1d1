"""Customer notices by email: plain text + HTML, deterministic Message-ID.

Same SMTP handling as the on-call email channel; the content is rendered beforehand
(per locale) by the notice composer and travels in the notification.
"""

from __future__ import annotations

from email.message import EmailMessage

from alertd.config.schema import SmtpConfig
from alertd.notices.delivery import CustomerNotification
from alertd.notify.channels.smtp import SMTP_POLICY, message_id, send_mail
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
        await send_mail(message, self._smtp, self._sender, [notification.address])

    def build_message(self, notification: CustomerNotification) -> EmailMessage:
        parts = notification.parts
        message = EmailMessage(policy=SMTP_POLICY)
        message["Subject"] = parts.get("subject", "")
        message["From"] = self._sender
        message["To"] = notification.address
        message["Message-ID"] = message_id(notification.id, self._sender)
        message["X-Alertd-Notice"] = notification.id
        message.set_content(parts.get("text", ""))
        message.add_alternative(parts.get("html", ""), subtype="html")
        message["Content-Language"] = notification.locale  # set_content drops Content-*
        return message

    async def close(self) -> None:
        return None
