"""`manage.py backup [--output PATH]`: a full copy of the database (records, citations, history, users)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from tracker import backup


class Command(BaseCommand):
    help = (
        "Back up the whole database: pg_dump's custom format on PostgreSQL, SQLite's online backup in the "
        "embedded mode. `manage.py restore PATH` restores it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="Where to write it (default: backups/tracker-<time>.*).")

    def handle(self, *args, output: Path | None, **options):
        database = connections["default"].settings_dict
        output = output or backup.default_path(Path(settings.BASE_DIR) / "backups", database)
        try:
            backup.backup(database=database, output=output)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {output} ({output.stat().st_size:,} bytes).")
