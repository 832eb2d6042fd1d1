"""systemd integration: sd_notify over NOTIFY_SOCKET, and the unit file verifies."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from alertd.observe.systemd import SystemdNotifier
from tests.support.daemon import kafka_yaml, running_daemon, unique, write_config

UNIT = Path(__file__).parents[2] / "deploy" / "alertd.service"


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[tuple[str, socket.socket]]:
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.setblocking(False)
    yield path, sock
    sock.close()


def _drain(sock: socket.socket) -> list[str]:
    messages = []
    while True:
        try:
            messages.append(sock.recv(4096).decode())
        except BlockingIOError:
            return messages


def test_notifier_sends_ready_status_and_stopping(
    notify_socket: tuple[str, socket.socket],
) -> None:
    path, sock = notify_socket
    notifier = SystemdNotifier(path)
    assert notifier.ready()
    assert notifier.stopping()
    assert _drain(sock) == ["READY=1\nSTATUS=running", "STOPPING=1\nSTATUS=stopping"]


def test_reloading_carries_monotonic_usec(notify_socket: tuple[str, socket.socket]) -> None:
    path, sock = notify_socket
    SystemdNotifier(path).reloading()
    [message] = _drain(sock)
    lines = message.split("\n")
    assert lines[0] == "RELOADING=1"
    assert lines[1].startswith("MONOTONIC_USEC=")
    assert int(lines[1].partition("=")[2]) > 0


def test_abstract_socket_address() -> None:
    name = unique("alertd-notify-test")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    try:
        assert SystemdNotifier("@" + name).notify("STATUS=hi")
        assert sock.recv(100) == b"STATUS=hi"
    finally:
        sock.close()


def test_outside_systemd_everything_is_a_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    notifier = SystemdNotifier.from_env()
    assert not notifier.enabled
    assert not notifier.ready()


def test_watchdog_ignored_when_meant_for_another_pid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "1000000")
    monkeypatch.setenv("WATCHDOG_PID", "1")
    assert SystemdNotifier.from_env().watchdog_interval is None


async def test_daemon_notifies_ready_watchdog_and_stopping(
    kafka: str,
    tmp_path: Path,
    notify_socket: tuple[str, socket.socket],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, sock = notify_socket
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    monkeypatch.setenv("WATCHDOG_USEC", "200000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    topic = unique("systemd")
    config = f"""\
{kafka_yaml(kafka, topic)}http: {{listen: "127.0.0.1:0"}}
rule_files: [rules.yml]
"""
    async with running_daemon(write_config(tmp_path, config)):
        await asyncio.sleep(0.5)
        while_running = _drain(sock)
    after = _drain(sock)

    assert while_running[0].startswith("READY=1")
    assert while_running.count("WATCHDOG=1") >= 2
    assert any(m.startswith("STOPPING=1") for m in after)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_unit_file_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    # verify checks that ExecStart exists: point it at this checkout's alertd
    alertd = shutil.which("alertd") or str(Path(__file__).parents[2] / ".venv/bin/alertd")
    unit = tmp_path / "alertd.service"
    unit.write_text(UNIT.read_text().replace("/opt/alertd/bin/alertd", alertd))
    result = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "alertd.service" not in result.stderr, result.stderr


def test_unit_is_type_notify_hardened_and_reloads_with_sighup() -> None:
    text = UNIT.read_text()
    for line in (
        "Type=notify",
        "ExecReload=/bin/kill -HUP $MAINPID",
        "WatchdogSec=30s",
        "DynamicUser=yes",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
    ):
        assert line in text.splitlines(), line
