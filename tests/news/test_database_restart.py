"""PostgreSQL restarted in the middle of a poll and of a processing batch (issue 15, point 2).

The worker runs against a PostgreSQL cluster of the test's own (tests.services.PrivatePostgres, on a free
loopback port), so the restart disturbs nothing else on the machine; the broker is a private Redis. The test
process writes and reads that cluster through subprocesses and plain SQL (its own test database is another).
The restart ends the worker's session while the task waits on a slow site: its next query fails, the task is
retried with backoff (news.tasks.DATABASE_RETRY), and the work completes once, nothing lost or doubled.
"""

import json
import os
import subprocess
import sys

import psycopg2
import pytest

from tests.news import feeds
from tests.news import test_celery_integration as integration
from tests.news.test_celery_integration import ROOT, TEXT, article_page, use_broker, wait_for
from tests.services import PrivatePostgres

# The integration tests' fixtures: a real worker (processes) on a private Redis (private_redis).
broker_url, celery_env, processes, private_redis = (
    integration.broker_url,
    integration.celery_env,
    integration.processes,
    integration.private_redis,
)


@pytest.fixture(scope="module")
def private_postgres():
    """A migrated cluster for the module (initdb, createdb and migrate take a few seconds)."""
    server = PrivatePostgres()
    try:
        server.init()
        subprocess.run(  # noqa: S603 - our own entry point
            [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": server.url},
            check=True,
            capture_output=True,
            timeout=300,
        )
        yield server
    finally:
        server.destroy()


@pytest.fixture
def worker_db(private_postgres, processes, private_redis):
    """The worker's database and broker: the private cluster (emptied of news) and the private Redis."""
    processes.env["DATABASE_URL"] = private_postgres.url
    use_broker(processes.env, private_redis.url)
    sql(private_postgres, "TRUNCATE news_feed, actors_actor RESTART IDENTITY CASCADE")
    return private_postgres


def sql(server: PrivatePostgres, query: str, *params):
    conn = psycopg2.connect(server.url)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else None
    finally:
        conn.close()


def in_django(env: dict, code: str):
    """Run `code` (setting `result`) in a Django process on the worker's database; returns `result`."""
    script = f"import django, json\ndjango.setup()\n{code}\nprint(json.dumps(result))"
    done = subprocess.run(  # noqa: S603 - our own code
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "tracker.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


SETUP_HAMAS = """
from tests import factories as f
hamas = f.ActorFactory(name="Hamas", slug="hamas")
hamas.aliases.create(name="Hamas", language="en")
"""


def counts(server: PrivatePostgres) -> dict[str, int]:
    rows = sql(server, "SELECT processing_state, count(*) FROM news_article GROUP BY processing_state")
    return dict(rows)


def assert_each_processed_once(server: PrivatePostgres, expected: int) -> None:
    assert counts(server) == {"processed": expected}
    mentions = sql(
        server,
        "SELECT a.id, count(m.id) FROM news_article a LEFT JOIN news_mention m ON m.article_id = a.id GROUP BY a.id",
    )
    assert sorted(count for _, count in mentions) == [TEXT.count("Hamas")] * expected


def retried_after_a_lost_connection(processes, task: str) -> bool:
    logs = processes.logs()
    return f"Task news.tasks.{task}[" in logs and "retry: Retry in" in logs and "Error" in logs


@pytest.mark.faults
def test_postgresql_restarted_mid_batch_the_batch_is_retried_and_done_once(http_server, processes, worker_db):
    ids = in_django(
        processes.env,
        SETUP_HAMAS
        + "feed = f.FeedFactory(url="
        + repr(http_server.url("/feed.xml"))
        + ")\nresult = []\n"
        + "".join(
            f"result.append(f.ArticleFactory(feed=feed, url={url!r}, canonical_url={url!r}, summary='Short.',"
            " processing_state='new').pk)\n"
            for url in (article_page(http_server, f"/restart/{n}", delay=1) for n in range(3))
        ),
    )
    from news.tasks import process_articles

    processes.worker()
    process_articles.delay(ids)
    wait_for(lambda: any(r.path.startswith("/restart/") for r in http_server.requests), 90, processes, "the batch")
    worker_db.stop()  # mid-batch: the worker's session is ended while it fetches the pages
    worker_db.start()
    wait_for(lambda: counts(worker_db).get("processed") == 3, 90, processes, "the batch, retried")
    assert retried_after_a_lost_connection(processes, "process_articles"), processes.logs()
    assert_each_processed_once(worker_db, 3)


@pytest.mark.faults
def test_postgresql_restarted_mid_poll_the_poll_is_retried_and_stored_once(http_server, processes, worker_db):
    entries = [{"guid": str(n), "title": f"Round {n}", "link": article_page(http_server, f"/a/{n}")} for n in (1, 2)]
    http_server.route("/feed.xml", body=feeds.rss(entries).encode(), delay=2)
    feed_id = in_django(processes.env, SETUP_HAMAS + f"result = f.FeedFactory(url={http_server.url('/feed.xml')!r}).pk")
    from news.tasks import poll_feed

    processes.worker()
    poll_feed.delay(feed_id)
    wait_for(lambda: any(r.path == "/feed.xml" for r in http_server.requests), 90, processes, "the poll")
    worker_db.stop()  # mid-poll: the feed is being fetched; storing its items comes next
    worker_db.start()
    wait_for(lambda: counts(worker_db).get("processed") == 2, 90, processes, "the poll, retried, and processing")
    assert retried_after_a_lost_connection(processes, "poll_feed"), processes.logs()
    assert sql(worker_db, "SELECT count(*) FROM news_feedpoll WHERE feed_id = %s", feed_id) == [(1,)]
    assert_each_processed_once(worker_db, 2)
