"""The Celery application: configured from Django settings under the CELERY_ namespace."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def recycle_database_connections(sender=None, **kwargs) -> None:
    """Around every task, what Django does around every request: drop a connection that is broken, was
    left mid-transaction or in error, or is older than CONN_MAX_AGE, and keep the others.

    Celery's own Django fixup would close every connection before and after every task
    (CELERY_DB_REUSE_MAX, set in the settings, turns that off): a new PostgreSQL session per task,
    whose first queries are the slowest. Eager calls (in-process) are left alone, as the fixup leaves them.
    """
    if not getattr(getattr(sender, "request", None), "is_eager", False):
        close_old_connections()
