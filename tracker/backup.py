"""Backing up and restoring the whole database: every record, citation, history row, user and schedule.

PostgreSQL: pg_dump's custom format (compressed, restorable table by table), restored by pg_restore.
SQLite (the embedded mode): SQLite's online backup API, a consistent copy of the file even while the
app writes, restored by the same API. Both are exact copies: ids, history and sequences included.
"""

import datetime
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path


class BackupError(Exception):
    pass


def default_path(folder: Path, database: dict) -> Path:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"tracker-{stamp}.{'sqlite3' if _is_sqlite(database) else 'dump'}"


def backup(*, database: dict, output: Path) -> Path:
    """Write a backup of `database` (a Django DATABASES entry) to `output`; returns it."""
    output.parent.mkdir(parents=True, exist_ok=True)
    if _is_sqlite(database):
        _sqlite_copy(Path(database["NAME"]), output)
    else:
        _run(
            "pg_dump",
            ["--format=custom", "--no-owner", "--no-acl", f"--file={output}", *_pg_target(database)],
            database,
        )
    return output


def restore(*, database: dict, source: Path, replace: bool = False) -> None:
    """Restore a backup into `database`, which must hold no tables unless `replace` (its objects are
    dropped first). A failure leaves PostgreSQL's target as pg_restore left it: restore into a fresh one."""
    if not source.is_file():
        raise BackupError(f"No backup at {source}.")
    if _is_sqlite(database):
        target = Path(database["NAME"])
        if not replace and _sqlite_tables(target):
            raise BackupError(f"{target} already holds tables: restore into a new file, or pass --replace.")
        _sqlite_copy(source, target)
        return
    if not replace and _pg_has_tables(database):
        raise BackupError(f"Database {database['NAME']} already holds tables: restore into a fresh one, or --replace.")
    options = ["--no-owner", "--no-acl", "--exit-on-error", "--single-transaction"]
    if replace:
        options += ["--clean", "--if-exists"]
    _run("pg_restore", [*options, *_pg_target(database, flag="--dbname="), str(source)], database)


def _is_sqlite(database: dict) -> bool:
    return database["ENGINE"] == "django.db.backends.sqlite3"


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"No SQLite database at {source}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as reading, sqlite3.connect(target) as writing:
        reading.backup(writing)
    reading.close()
    writing.close()


def _sqlite_tables(path: Path) -> list[str]:
    if not path.exists():
        return []
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    connection.close()
    return [name for (name,) in rows]


def _pg_target(database: dict, flag: str = "") -> list[str]:
    args = []
    if database.get("HOST"):
        args.append(f"--host={database['HOST']}")
    if database.get("PORT"):
        args.append(f"--port={database['PORT']}")
    if database.get("USER"):
        args.append(f"--username={database['USER']}")
    return [*args, f"{flag}{database['NAME']}"]


def _pg_has_tables(database: dict) -> bool:
    query = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    out = _run(
        "psql", ["--no-psqlrc", "--tuples-only", "--command", query, *_pg_target(database, "--dbname=")], database
    )
    return int(out.strip() or 0) > 0


def _run(program: str, args: list[str], database: dict) -> str:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} is not installed here. Install PostgreSQL's client programs (Debian: postgresql-client), "
            f"or, with docker compose, run it in the postgres container (see the README, Backups)."
        )
    env = {**os.environ, "PGPASSWORD": str(database.get("PASSWORD") or "")}
    result = subprocess.run([executable, *args], env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode:
        raise BackupError(f"{program} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout
