import ipaddress
import socket
import sys
from dataclasses import dataclass, field

import pytest

from tests.news.http_server import LocalHTTPServer


@dataclass
class NetworkLog:
    """What the code under test did on the network while `network_guard` was active."""

    connects: list[tuple[str, int]] = field(default_factory=list)  # (address, port) of each socket connect
    lookups: list[str] = field(default_factory=list)  # host names given to the resolver
    violations: list[str] = field(default_factory=list)


_active_logs: list[NetworkLog] = []
_hook_installed = False
_LOCAL_NAMES = {"localhost", "localhost."}


def _is_numeric(host: str) -> bool:
    """A host the resolver reads without sending anything (any IPv4 notation, IPv6)."""
    try:
        ipaddress.ip_address(host.strip("[]").partition("%")[0])
        return True
    except ValueError:
        pass
    try:
        socket.inet_aton(host)
        return True
    except OSError:
        return False


def _is_loopback(host: str) -> bool:
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]").partition("%")[0]).is_loopback
    except ValueError:
        return False


def _audit(event: str, args: tuple) -> None:
    if not _active_logs:
        return
    if event in ("socket.connect", "socket.sendto"):
        address = args[1]
        if not isinstance(address, tuple):  # a Unix socket
            return
        host, port = str(address[0]), address[1]
        for log in _active_logs:
            log.connects.append((host, port))
        if not _is_loopback(host):
            _violation(f"{event} to {host}:{port}")
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"):
        host = args[0]
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        if host is None:
            return
        for log in _active_logs:
            log.lookups.append(host)
        reverse = event == "socket.gethostbyaddr"
        if not (host in _LOCAL_NAMES or (_is_numeric(host) and (not reverse or _is_loopback(host)))):
            _violation(f"{event} of {host}")


def _violation(what: str) -> None:
    for log in _active_logs:
        log.violations.append(what)
    # Not an OSError, so no code under test mistakes it for an ordinary network failure.
    raise RuntimeError(f"network_guard: a test tried to reach beyond loopback ({what})")


@pytest.fixture
def network_guard():
    """Refuse, and fail the test on, any connection or name lookup that would leave the machine.

    An audit hook sees every socket connect and resolver call of the process; the returned NetworkLog
    lists them, so a test can also assert that no connection was attempted at all.
    """
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)  # hooks cannot be removed: installed once, idle while no test is guarded
        _hook_installed = True
    log = NetworkLog()
    _active_logs.append(log)
    try:
        yield log
    finally:
        _active_logs.remove(log)
    assert not log.violations, f"the test tried to reach beyond loopback: {log.violations}"


@pytest.fixture
def http_server(settings, network_guard):
    """A LocalHTTPServer (tests/news/http_server.py) that the fetcher is allowed to reach, and nothing else."""
    with LocalHTTPServer() as server:
        settings.INGEST_ALLOWED_HOSTS = [server.host]
        yield server
