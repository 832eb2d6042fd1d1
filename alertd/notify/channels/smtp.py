"""Hand one message to an SMTP server, and say why it failed in the dispatcher's terms.

Both e-mail channels (on-call pages and customer notices) send through here, so a
refused login or a full mailbox is classified and retried the same way.
"""

from __future__ import annotations

import email.policy
from collections.abc import Sequence
from email.message import EmailMessage

import aiosmtplib

from alertd.config.schema import SmtpConfig
from alertd.notify.channels.base import DeliveryError

SMTP_POLICY = email.policy.SMTP.clone(max_line_length=998)
"""RFC 5322's hard limit; the 78-column default folds subjects and some readers keep the fold."""


def message_id(notification_id: str, sender: str) -> str:
    """Deterministic per notification, so a replayed mail folds into the first one."""
    return f"<{notification_id}@{sender.rpartition('@')[2] or 'alertd.local'}>"


async def send_mail(
    message: EmailMessage, smtp: SmtpConfig, sender: str, recipients: Sequence[str]
) -> None:
    password = smtp.password.get_secret_value() if smtp.password else None
    where = f"SMTP {smtp.host}:{smtp.port}"
    try:
        await aiosmtplib.send(
            message.as_bytes(policy=SMTP_POLICY),
            sender=sender,
            recipients=list(recipients),
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
        raise DeliveryError("rejected", "recipients refused", retryable=False) from exc
    except aiosmtplib.SMTPResponseException as exc:
        retryable = exc.code < 500
        raise DeliveryError(
            "serverError", f"{exc.code} {exc.message}", retryable=retryable
        ) from exc
    except (TimeoutError, aiosmtplib.SMTPTimeoutError) as exc:
        raise DeliveryError("timeout", f"{where} timed out") from exc
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise DeliveryError("connection", f"{where}: {exc}") from exc
