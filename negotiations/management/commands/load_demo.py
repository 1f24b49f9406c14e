"""`manage.py load_demo`: load the demo dataset (idempotent; a second run writes nothing)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from negotiations import demo


class Command(BaseCommand):
    help = "Load the demo dataset of the 2025 Gaza ceasefire talks. Safe to run again: it changes nothing."

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = demo.load()
        written = counts.pop("written")
        summary = ", ".join(f"{count} {label}" for label, count in counts.items())
        self.stdout.write(f"Demo data: {summary} ({written} rows written).")
