"""Private instances of the real services, for tests that stop and start them (a broker going away).

Each runs on a free loopback port with its own files, so stopping it disturbs nothing else on the machine.
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own on 127.0.0.1, stopped and started again on the same port."""

    def __init__(self, folder: Path, *, persistent: bool = False):
        """`persistent`: an append-only file in `folder`, as production's Redis keeps (docker-compose.yml),
        so queued messages survive a restart."""
        self.folder, self.port, self.process, self.persistent = folder, free_port(), None, persistent
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        executable = shutil.which("redis-server")
        assert executable, "redis-server is needed (Debian's redis-server package)"
        self.process = subprocess.Popen(  # noqa: S603 - a fixed local binary
            [
                *(executable, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.folder)),
                *("--save", "", "--appendonly", "yes" if self.persistent else "no", "--appendfsync", "always"),
            ],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline and self.process.poll() is None, "redis-server did not start"
                time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def queue_length(self, queue: str) -> int:
        client = redis.Redis(port=self.port)
        try:
            return client.llen(queue)
        finally:
            client.close()
