"""Private instances of the real services, for tests that stop and start them (a broker going away).

Each runs on a free loopback port with its own files, so stopping it disturbs nothing else on the machine.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
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


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own on 127.0.0.1 (initdb, trust authentication), stopped and started
    again on the same port and data directory, as a database restart or failover would.

    The server runs as the `postgres` OS user when the tests run as root (PostgreSQL refuses root), so its
    folder is one of its own under the temporary directory, removed by `destroy`."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
        self.port = free_port()
        self.data = self.folder / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/tracker"

    @staticmethod
    def binary(name: str) -> str:
        found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[-1:]), None)
        assert found, f"{name} is needed (Debian's postgresql package)"
        return found

    def _run(self, *args: str) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*as_postgres, *args], check=True, capture_output=True, timeout=60)  # noqa: S603 - fixed binaries

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(self.binary("initdb"), "-D", str(self.data), "--auth=trust", "--username=postgres", "-E", "UTF8")
        self.start()
        self._run(self.binary("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "tracker")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.folder / "server.log")
        self._run(self.binary("pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        """A fast shutdown: open sessions are ended at once, as in a restart."""
        if (self.data / "postmaster.pid").exists():
            self._run(self.binary("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
