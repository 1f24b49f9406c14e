"""A worker keeps its database connection from task to task, and drops one that is broken or too old.

The worker installs Celery's Django fixup (closing connections around tasks) and sends
task_prerun / task_postrun around each task; here both are driven as the worker drives them.
"""

import time

import pytest
from celery.fixups.django import DjangoWorkerFixup
from celery.signals import task_postrun, task_prerun
from django.db import connection

from news.models import Article
from tracker.celery import app

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def persistent_connection():
    """A connection opened with CONN_MAX_AGE 60 (PostgreSQL's setting; SQLite's default is 0)."""
    saved = connection.settings_dict["CONN_MAX_AGE"]
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.ensure_connection()
    yield connection.connection
    connection.settings_dict["CONN_MAX_AGE"] = saved
    connection.close()


def run_like_a_worker(fixup: DjangoWorkerFixup) -> None:
    task = app.tasks["news.tasks.process_articles"]
    fixup.on_task_prerun(sender=task)
    task_prerun.send(sender=task, task_id="t", task=task, args=(), kwargs={})
    Article.objects.count()  # the task's work
    fixup.on_task_postrun(sender=task)
    task_postrun.send(sender=task, task_id="t", task=task, args=(), kwargs={}, retval=None, state="SUCCESS")


def test_one_connection_serves_task_after_task(persistent_connection):
    fixup = DjangoWorkerFixup(app)
    for _ in range(5):
        run_like_a_worker(fixup)
    assert connection.connection is persistent_connection


def test_a_connection_older_than_conn_max_age_is_replaced(persistent_connection):
    fixup = DjangoWorkerFixup(app)
    connection.close_at = time.monotonic() - 1  # CONN_MAX_AGE has passed
    run_like_a_worker(fixup)
    assert connection.connection is not persistent_connection
    assert Article.objects.count() == 0  # and the next query opens a working one


def test_a_connection_left_mid_transaction_is_replaced(persistent_connection):
    fixup = DjangoWorkerFixup(app)
    connection.set_autocommit(False)  # a task that did not finish its transaction
    task = app.tasks["news.tasks.process_articles"]
    task_postrun.send(sender=task, task_id="t", task=task, args=(), kwargs={}, retval=None, state="FAILURE")
    assert connection.connection is None
    run_like_a_worker(fixup)  # the next task runs on a new connection, in autocommit
    assert connection.connection is not None and connection.get_autocommit()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite connections never break: PostgreSQL")
def test_a_connection_that_no_longer_works_is_replaced(persistent_connection):
    fixup = DjangoWorkerFixup(app)
    connection.errors_occurred = True  # a task's query failed: the connection is checked
    persistent_connection.close()  # and it is found broken (the server went away)
    task = app.tasks["news.tasks.process_articles"]
    task_prerun.send(sender=task, task_id="t", task=task, args=(), kwargs={})
    assert connection.connection is None
    run_like_a_worker(fixup)  # the task runs on a new connection
    assert connection.connection is not None and connection.is_usable()


def test_eager_calls_are_left_alone(persistent_connection):
    """In-process (eager) calls run inside the caller's work, as Celery's fixup treats them."""
    task = app.tasks["news.tasks.process_articles"]
    connection.close_at = time.monotonic() - 1
    task.push_request(is_eager=True)
    try:
        task_postrun.send(sender=task, task_id="t", task=task, args=(), kwargs={}, retval=None, state="SUCCESS")
    finally:
        task.pop_request()
    assert connection.connection is persistent_connection
