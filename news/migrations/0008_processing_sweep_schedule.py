from django.db import migrations
from django.utils import timezone

NAME = "Requeue articles left waiting"


def create_schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_ten_minutes, _ = interval_model.objects.get_or_create(every=600, period="seconds")
    task_model.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "news.tasks.requeue_waiting_articles",
            "interval": every_ten_minutes,
            "queue": "ingest",
            "description": (
                "Queues again the articles whose processing was queued INGEST_SWEEP_AFTER seconds ago and "
                "has not happened (its message was lost). Edit the interval here."
            ),
        },
    )
    _schedule_changed(apps)


def drop_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()
    _schedule_changed(apps)


def _schedule_changed(apps):
    # A running beat reloads its schedule only when this stamp changes (the model's signals do not run here).
    apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0007_drop_indexes_covered_by_composites"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, drop_schedule)]
