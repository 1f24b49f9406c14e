"""`manage.py backup` and `manage.py restore`: a backup restored into a fresh database holds every row of
every table (records, citations, history, users, schedules) as it was, and its sequences go on from there."""

import io
import sqlite3
from pathlib import Path

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from negotiations import demo
from negotiations.models import Citation, Meeting
from tests import factories as f
from tracker import backup

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def snapshot(database: dict) -> dict[str, list[tuple]]:
    """Every table's rows, in a stable order, as text; and every sequence's position (PostgreSQL)."""
    if database["ENGINE"].endswith("sqlite3"):
        raw = sqlite3.connect(database["NAME"])
        tables = [n for (n,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        rows = {t: sorted(map(repr, raw.execute(f'SELECT * FROM "{t}"').fetchall())) for t in tables}  # noqa: S608
        raw.close()
        return rows
    raw = psycopg2.connect(
        dbname=database["NAME"], user=database["USER"], host=database["HOST"] or None, port=database["PORT"] or None
    )
    with raw.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [name for (name,) in cursor.fetchall()]
        rows = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the catalogue
            rows[table] = sorted(map(repr, cursor.fetchall()))
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        rows["(sequences)"] = sorted(map(repr, cursor.fetchall()))
    raw.close()
    return rows


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database beside the test database, of the same kind; dropped afterwards."""
    source = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        yield {**source, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"{source['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield {**source, "NAME": name}
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_into_a_fresh_database_holds_every_row_as_it_was(tmp_path, fresh_database):
    demo.load()  # records, citations and their history
    article = f.ArticleFactory(title="Talks resume in Doha — الدوحة")
    f.CitationFactory(article=article, quote="Mediators said the talks would resume.")
    meeting = Meeting.objects.order_by("pk").first()
    meeting.location = "Edited after the demo"
    meeting.save()  # one more history row
    source = dict(connection.settings_dict)
    before = snapshot(source)
    assert before["negotiations_citation"] and before["negotiations_historicalmeeting"]

    path = backup.backup(database=source, output=tmp_path / "backup" / "tracker.dump")
    assert path.stat().st_size > 0
    backup.restore(database=fresh_database, source=path)

    after = snapshot(fresh_database)
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    assert len(after["negotiations_citation"]) == Citation.objects.count()


def test_the_commands_write_a_backup_and_refuse_to_restore_over_data_unless_told(tmp_path, fresh_database, settings):
    f.MeetingFactory()
    out = tmp_path / "tracker.backup"
    call_command("backup", "--output", str(out), stdout=(printed := io.StringIO()))
    assert f"Backed up to {out}" in printed.getvalue() and out.stat().st_size > 0

    backup.restore(database=fresh_database, source=out)
    with pytest.raises(backup.BackupError, match="already holds tables"):
        backup.restore(database=fresh_database, source=out)
    backup.restore(database=fresh_database, source=out, replace=True)
    assert snapshot(fresh_database) == snapshot(dict(connection.settings_dict))

    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", str(tmp_path / "missing.dump"))


def test_the_sqlite_path_copies_a_database_exactly(tmp_path):
    """The embedded mode's backup (SQLite's online backup API), whatever database the suite runs on."""
    original = tmp_path / "db.sqlite3"
    raw = sqlite3.connect(original)
    raw.execute("CREATE TABLE note (id INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT)")
    raw.executemany("INSERT INTO note (text) VALUES (?)", [("نتنياهو",), ("Witkoff",), (None,)])
    raw.commit()
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(original)}
    copy = backup.backup(database=database, output=tmp_path / "copy.sqlite3")
    target = {**database, "NAME": str(tmp_path / "restored.sqlite3")}
    backup.restore(database=target, source=copy)
    assert snapshot(target) == snapshot(database)
    with pytest.raises(backup.BackupError, match="already holds tables"):
        backup.restore(database=target, source=copy)
    raw.close()
    assert Path(target["NAME"]).stat().st_size == original.stat().st_size
