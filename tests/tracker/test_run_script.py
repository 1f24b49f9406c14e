"""`bash scripts/run`, the first Quick start command, started and stopped as a user would.

It serves on a free port with an SQLite database and a broker folder of the test's own. Nothing a user
wrote may be undone when it starts again, the demo logins stay the same, and Ctrl-C or SIGTERM stops
every process it started (server, worker, beat and their children) within seconds.
"""

import os
import re
import signal
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.services import free_port

ROOT = Path(__file__).resolve().parents[2]
GRACE = 8  # scripts/run's STOP_GRACE default


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Run:
    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.log = tmp_path / f"run-{self.port}.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}},
            "PORT": str(self.port),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "BROKER_FOLDER": str(tmp_path / "broker"),
            "DEMO_LOGINS_FILE": str(tmp_path / "logins.json"),
            "SECRET_KEY": "run-script-test-secret",
        }
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own script
                ["bash", "scripts/run"],  # noqa: S607
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a terminal of its own: Ctrl-C is a SIGINT to this group
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_until_serving(self) -> set[int]:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"scripts/run did not serve within 240 s:\n{self.output()}")
        time.sleep(2)  # the worker and beat are up too by now
        started = descendants(self.process.pid)
        commands = " ".join(Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace") for pid in started)
        assert "gunicorn" in commands and "worker" in commands and "beat" in commands, commands
        return started

    def logins(self) -> dict[str, str]:
        return dict(re.findall(r"username: (\S+)\s+password: (\S+)", self.output()))

    def stop_and_check(self, how: str, started: set[int]) -> None:
        before = time.monotonic()
        if how == "SIGTERM":
            self.process.send_signal(signal.SIGTERM)  # `kill <pid>` of the script
        else:
            os.killpg(self.process.pid, signal.SIGINT)  # Ctrl-C in its terminal
        self.process.wait(timeout=GRACE + 10)
        left = [pid for pid in started if alive(pid)]
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert not left, f"still running after {how}: {left}\n{self.output()}"
        assert time.monotonic() - before < GRACE + 5


def test_the_run_command_keeps_user_edits_and_logins_and_stops_everything_it_started(tmp_path):
    first = Run(tmp_path)
    started = first.wait_until_serving()
    logins = first.logins()
    assert set(logins) == {"viewer", "analyst", "editor", "administrator"}
    assert "Demo data:" in first.output()
    # An analyst's edit to a demo meeting.
    with sqlite3.connect(tmp_path / "db.sqlite3") as database:
        (meeting_id,) = database.execute("SELECT min(id) FROM negotiations_meeting").fetchone()
        database.execute("UPDATE negotiations_meeting SET location = 'Edited by an analyst' WHERE id = ?", [meeting_id])
    first.stop_and_check("SIGTERM", started)

    second = Run(tmp_path)
    started = second.wait_until_serving()
    assert "Demo data not loaded" in second.output()
    assert second.logins() == logins
    with sqlite3.connect(tmp_path / "db.sqlite3") as database:
        query = "SELECT location FROM negotiations_meeting WHERE id = ?"
        (location,) = database.execute(query, [meeting_id]).fetchone()
    assert location == "Edited by an analyst"
    second.stop_and_check("Ctrl-C", started)
