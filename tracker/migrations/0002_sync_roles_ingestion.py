from django.db import migrations


def sync(apps, schema_editor):
    from tracker.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """Give the roles their permissions on the ingestion models."""

    dependencies = [
        ("tracker", "0001_roles"),
        ("news", "0002_ingestion_models"),
        ("negotiations", "0002_meeting_time_zone_validator"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
