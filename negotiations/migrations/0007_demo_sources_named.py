"""Existing demo data, made right in place: citations to the placeholder host https://seeds.invalid/NNN name
their publication instead (outlet, title, date; no link), and the two demo figures stored as a single number
with their range in a note become ranges. `manage.py load_demo` then finds every row by its key and
refreshes the wording."""

import datetime
from decimal import Decimal

from django.db import migrations

PLACEHOLDER = "https://seeds.invalid/"
# The publications as negotiations/demo.py names them (frozen here: the migration must not change with it).
SOURCES = {
    "000": (
        "Arab Center for Research and Policy Studies (ACRPS), Unit for Political Studies",
        "Do Trump's Meetings with Netanyahu Signal a Gaza Truce Breakthrough? (Situation Assessment)",
        datetime.date(2025, 7, 12),
    ),
    "001": ("Al Jazeera", "Israel's Netanyahu to discuss fragile Gaza ceasefire with Trump", datetime.date(2025, 2, 4)),
    "002": ("", "News report previewing the 29 December 2025 Trump–Netanyahu talks at Mar-a-Lago", None),
    "003": ("", "News report on the 7 July 2025 Trump–Netanyahu dinner and the stalled Doha talks", None),
    "004": (
        "ANI (Asian News International), citing Al Jazeera",
        "Israel-Hamas truce talks continue in Qatar ahead of Netanyahu-Trump meet",
        datetime.date(2025, 7, 7),
    ),
}
RANGES = [
    # (metric, the old note, low, high, the new note)
    ("ceasefire-deal-alignment", "Given as a range, 80–90%; the midpoint is stored.", "80", "90", ""),
    (
        "palestinians-killed-gaza",
        "A lower bound: the ministry's count was more than 57,500.",
        "57500",
        None,
        "Given as more than 57,500: a lower bound.",
    ),
]


def forwards(apps, schema_editor):
    Citation = apps.get_model("negotiations", "Citation")
    Figure = apps.get_model("negotiations", "Figure")
    for number, (publisher, title, published_on) in SOURCES.items():
        Citation.objects.filter(url=PLACEHOLDER + number).update(
            url="", publisher=publisher, title=title, published_on=published_on
        )
    for metric, old_note, low, high, note in RANGES:
        Figure.objects.filter(metric=metric, note=old_note).update(
            value=None,
            value_low=Decimal(low),
            value_high=Decimal(high) if high is not None else None,
            note=note,
        )


class Migration(migrations.Migration):
    dependencies = [("negotiations", "0006_figure_ranges_and_unlinked_sources")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
