"""pytest fixtures: ``fake_google`` (the fake, with the API root pointed at it) and
``loopback_only`` (fail any test that tries to open a connection beyond this machine).

Import both into ``tests/conftest.py``: ``from tests.google.fakegoogle.fixtures import fake_google,
loopback_only  # noqa: F401``.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator

import pytest

from tests.google.fakegoogle.server import FakeGoogle

ENV_API_ROOT = "PLANGEN_GOOGLE_API_ROOT"
ENV_KEY_FILE = "PLANGEN_DRIVE_KEY_FILE"


class LoopbackViolation(RuntimeError):
    """A test tried to reach a host other than this machine."""


class LoopbackGuard:
    """Records (and refuses) every attempt to resolve or connect to a non-loopback host."""

    def __init__(self) -> None:
        self.blocked: list[str] = []

    @staticmethod
    def is_loopback(host: object) -> bool:
        if not isinstance(host, str):
            return False
        if host in ("localhost", "localhost.localdomain"):
            return True
        try:
            return ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            return False

    def refuse(self, what: str) -> LoopbackViolation:
        self.blocked.append(what)
        return LoopbackViolation(f"test tried to reach {what}; only loopback is allowed")


def install_loopback_guard(monkeypatch: pytest.MonkeyPatch) -> LoopbackGuard:
    """Patch socket connect/getaddrinfo for the rest of the test, in every thread."""
    guard = LoopbackGuard()
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo
    inet = (socket.AF_INET, socket.AF_INET6)

    def connect(self: socket.socket, address: object) -> None:
        if self.family in inet and not guard.is_loopback(address[0]):  # type: ignore[index]
            raise guard.refuse(f"{address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    def connect_ex(self: socket.socket, address: object) -> int:
        if self.family in inet and not guard.is_loopback(address[0]):  # type: ignore[index]
            raise guard.refuse(f"{address!r}")
        return real_connect_ex(self, address)  # type: ignore[arg-type]

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> list:  # type: ignore[type-arg]
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and not guard.is_loopback(name):
            raise guard.refuse(f"{name!r} (name lookup)")
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return guard


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackGuard]:
    guard = install_loopback_guard(monkeypatch)
    yield guard
    assert not guard.blocked, f"the test tried to leave loopback: {guard.blocked}"


@pytest.fixture
def fake_google(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeGoogle]:
    """A running fake with every Google call (and token refresh) routed to it; plangen's Drive mark key
    in a fresh folder (never the real user's)."""
    guard = install_loopback_guard(monkeypatch)
    monkeypatch.setenv(ENV_KEY_FILE, str(tmp_path_factory.mktemp("marks") / "drive-marks.key"))
    monkeypatch.setenv("GOOGLE_API_USE_CLIENT_CERTIFICATE", "false")
    monkeypatch.setenv("GOOGLE_API_USE_MTLS_ENDPOINT", "never")
    fake = FakeGoogle().start()
    monkeypatch.setenv(ENV_API_ROOT, fake.url)
    fake.guard = guard  # type: ignore[attr-defined]
    try:
        yield fake
    finally:
        fake.stop()
    assert not guard.blocked, f"the test tried to leave loopback: {guard.blocked}"
