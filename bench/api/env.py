"""What the API benchmark's commands share: its database, its environment and the generation marker.

The database is `tracker_bench_api` (BENCH_API_DATABASE_URL to change it), apart from the ingestion
benchmarks' `tracker_bench`, since those empty the news tables before each run.
"""

import json
import os
from urllib.parse import urlsplit

from bench.ingest import common

DATABASE_URL = os.environ.get("BENCH_API_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker_bench_api")
SETTINGS_MODULE = "bench.api.settings"
MARKER_TABLE = "bench_api_marker"


def database_name(url: str = DATABASE_URL) -> str:
    return urlsplit(url).path.lstrip("/")


def environment() -> dict[str, str]:
    """The variables bench/api/settings.py reads, for this process and for the gunicorn it starts."""
    values = common.environment(database_url=DATABASE_URL)
    values["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    values["BENCH_API_DATABASE_URL"] = DATABASE_URL
    values["LOG_LEVEL"] = "WARNING"
    return values


def setup_django(*, migrate: bool = False) -> dict[str, str]:
    """Django on the benchmark database (created if missing; migrated when asked); returns the environment."""
    if not DATABASE_URL.startswith("postgres"):
        raise SystemExit("PostgreSQL only: set BENCH_API_DATABASE_URL to a postgres:// URL")
    values = environment()
    os.environ.update(values)
    common.ensure_postgres_database(DATABASE_URL)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    return values


def read_marker() -> dict | None:
    """What generate.py recorded when it finished (sizes, seed, time), or None before it has."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKER_TABLE])
        if not cursor.fetchone()[0]:
            return None
        cursor.execute(f"SELECT value FROM {MARKER_TABLE} WHERE key = 'generation'")  # noqa: S608 - a constant
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


def migrate() -> None:
    """Apply the migrations the code has and the database lacks (a new index, say), saying which."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in plan)
        print(f"Applying {len(plan)} migration(s) to {database_name()}: {names}…", flush=True)
        call_command("migrate", verbosity=0, interactive=False)
