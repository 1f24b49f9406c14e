"""`manage.py restore PATH [--replace]`: restore a backup written by `manage.py backup`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from tracker import backup


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup` into the configured database, which must hold no "
        "tables (create a fresh one) unless --replace is given (everything in it is dropped first)."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)
        parser.add_argument("--replace", action="store_true", help="Drop what the database holds first.")

    def handle(self, *args, source: Path, replace: bool, **options):
        connection = connections["default"]
        connection.close()  # pg_restore and SQLite's backup work on the database itself
        try:
            backup.restore(database=connection.settings_dict, source=source, replace=replace)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {source} into {connection.settings_dict['NAME']}.")
