from django.db import migrations


def create_schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = interval_model.objects.get_or_create(every=60, period="seconds")
    task_model.objects.get_or_create(
        name="Poll due feeds",
        defaults={
            "task": "news.tasks.poll_due_feeds",
            "interval": every_minute,
            "queue": "ingest",
            "description": "Claims the feeds whose next poll is due and polls each one. Edit the interval here.",
        },
    )


def drop_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="Poll due feeds").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0003_article_entry_hash_feed_content"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, drop_schedule)]
