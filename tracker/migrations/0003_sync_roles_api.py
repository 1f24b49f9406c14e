from django.db import migrations


def sync(apps, schema_editor):
    from tracker.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """Give the roles their permissions on the API's token model (knox: administrators only)."""

    dependencies = [
        ("tracker", "0002_sync_roles_ingestion"),
        ("knox", "0009_extend_authtoken_field"),
        ("actors", "0001_initial"),
        ("negotiations", "0003_meeting_time_help"),
        ("news", "0004_beat_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sessions", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
