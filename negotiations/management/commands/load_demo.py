"""`manage.py load_demo`: load the demo dataset into an empty record; `--reset` writes it back."""

from django.core.management.base import BaseCommand
from django.db import transaction

from actors.models import Actor
from negotiations import demo
from negotiations.models import Track


class Command(BaseCommand):
    help = (
        "Load the demo dataset of the 2025 Gaza ceasefire talks into an empty record. A record that already "
        "holds actors or tracks is left alone (scripts/run calls this on every start): nothing a user "
        "wrote is overwritten. --reset writes every demo record back to its demo values (edits to them are "
        "undone, deleted ones come back; other records are kept)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Write the demo records back to their demo values.")

    def handle(self, *args, reset: bool, **options):
        with transaction.atomic():
            if not reset and (Actor.objects.exists() or Track.objects.exists()):
                actors, tracks = Actor.objects.count(), Track.objects.count()
                self.stdout.write(
                    f"Demo data not loaded: the record already holds {actors} actor(s) and {tracks} track(s), "
                    "and is left as it is (`manage.py load_demo --reset` writes the demo records back)."
                )
                return
            counts = demo.load()
        written = counts.pop("written")
        summary = ", ".join(f"{count} {label}" for label, count in counts.items())
        self.stdout.write(f"Demo data: {summary} ({written} rows written).")
