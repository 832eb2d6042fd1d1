"""A real SMTP server (aiosmtpd) that keeps what it receives: the demo's inbox."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True)
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""


class SmtpSink:
    """Accepts every message; ``on_message`` is called for each as it arrives."""

    def __init__(self, on_message: Callable[[ReceivedMail], None] | None = None) -> None:
        self.messages: list[ReceivedMail] = []
        self._on_message = on_message
        self._server: asyncio.Server | None = None
        self._arrived = asyncio.Condition()
        self.port = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        message: Any = email.message_from_bytes(raw, policy=email.policy.default)
        mail = ReceivedMail(str(envelope.mail_from), list(envelope.rcpt_tos), message)
        self.messages.append(mail)
        if self._on_message:
            self._on_message(mail)
        async with self._arrived:
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: SMTP(self, hostname="sink"), host, port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def wait_for(self, count: int, timeout: float) -> list[ReceivedMail]:
        """Wait until ``count`` messages arrived; raises TimeoutError otherwise."""
        async with asyncio.timeout(timeout), self._arrived:
            await self._arrived.wait_for(lambda: len(self.messages) >= count)
        return self.messages

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
