"""sd_notify without libsystemd: READY, RELOADING, STOPPING, WATCHDOG and STATUS.

systemd passes ``NOTIFY_SOCKET`` (a path, or ``@name`` for the abstract namespace) to a
``Type=notify`` service; the protocol is one datagram of ``KEY=VALUE`` lines. Outside
systemd the variable is unset and every call is a cheap no-op, so the daemon always
calls these without checking where it runs.

The watchdog pings from the event loop itself: if the loop hangs, the pings stop and
systemd restarts the service (``WatchdogSec=``).
"""

from __future__ import annotations

import asyncio
import os
import socket
import time

import structlog

log = structlog.get_logger(__name__)


class SystemdNotifier:
    def __init__(self, socket_path: str | None, watchdog_usec: int | None = None) -> None:
        self._address = _address(socket_path) if socket_path else None
        self.watchdog_interval = watchdog_usec / 1e6 / 2 if watchdog_usec else None
        """Ping at half the watchdog timeout, as sd_watchdog_enabled(3) advises."""

    @classmethod
    def from_env(cls) -> SystemdNotifier:
        usec = os.environ.get("WATCHDOG_USEC", "")
        pid = os.environ.get("WATCHDOG_PID", "")
        for_us = usec.isdigit() and (not pid or pid == str(os.getpid()))
        return cls(os.environ.get("NOTIFY_SOCKET"), int(usec) if for_us else None)

    @property
    def enabled(self) -> bool:
        return self._address is not None

    def notify(self, *states: str) -> bool:
        """Send ``states`` as one datagram; False (never an exception) if it fails."""
        if self._address is None:
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                # Never block the event loop: a full receiver queue drops this ping.
                sock.setblocking(False)
                sock.sendto("\n".join(states).encode(), self._address)
        except OSError as exc:
            log.warning("sd_notify_failed", error=str(exc))
            return False
        return True

    def ready(self, status: str = "running") -> bool:
        return self.notify("READY=1", f"STATUS={status}")

    def reloading(self) -> bool:
        """RELOADING=1 with MONOTONIC_USEC, as Type=notify-reload expects; READY=1 ends it."""
        stamp = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
        return self.notify("RELOADING=1", f"MONOTONIC_USEC={stamp}", "STATUS=reloading")

    def stopping(self) -> bool:
        return self.notify("STOPPING=1", "STATUS=stopping")

    def status(self, text: str) -> bool:
        return self.notify(f"STATUS={text}")

    async def watchdog(self, stop: asyncio.Event) -> None:
        """Ping WATCHDOG=1 until ``stop``; returns at once when no watchdog is set."""
        if self.watchdog_interval is None or self._address is None:
            return
        while not stop.is_set():
            self.notify("WATCHDOG=1")
            await asyncio.sleep(self.watchdog_interval)


def _address(path: str) -> str:
    """``@name`` means the abstract namespace (a leading NUL byte)."""
    return "\0" + path[1:] if path.startswith("@") else path
