from django.db import migrations


def create_roles(apps, schema_editor):
    from tracker.roles import sync_roles

    sync_roles(apps)


def drop_roles(apps, schema_editor):
    from tracker.roles import ROLES

    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("actors", "0001_initial"),
        ("negotiations", "0001_initial"),
        ("news", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("sessions", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(create_roles, drop_roles)]
