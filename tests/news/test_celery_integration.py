"""A real `celery worker` and a real `celery beat` on the real Redis broker, end to end.

The worker runs in its own process against the test database (committed
data: transactional tests), fetching from the local HTTP server.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import kombu.pools
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from news.models import Article, Feed, Mention
from tests import factories as f
from tests.news import feeds
from tests.services import PrivateRedis

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TEXT = (
    "Negotiators for Israel and Hamas met through Qatari and Egyptian mediators in Doha, where a sixty-day truce "
    "was discussed together with the release of hostages and prisoners and the line to which Israeli forces "
    "would pull back. Netanyahu and Trump met at the White House the same evening. "
) * 4


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def broker_url(tmp_path):
    """A Redis broker of the test's own (a private redis-server on a free loopback port), so test runs side by
    side never share a queue."""
    server = PrivateRedis(tmp_path / "broker-redis")
    server.folder.mkdir()
    server.start()
    yield server.url
    server.stop()


def reset_connections(app) -> None:
    """Drop the app's connection and producer pools so the next send uses the current broker settings."""
    if app._pool is not None:
        app._pool.force_close_all()
    kombu.pools.reset()  # kombu keeps producer pools per connection in a registry of its own
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_env(http_server, broker_url, settings):
    settings.CELERY_BROKER_URL = broker_url
    from tracker.celery import app

    original = (app.conf.broker_url, app.conf.broker_transport_options)
    app.conf.broker_url = broker_url
    app.conf.broker_transport_options = {"visibility_timeout": 4}
    reset_connections(app)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_VISIBILITY_TIMEOUT": "4",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "SECRET_KEY": django_settings.SECRET_KEY,
        "DEBUG": "0",
        "INGEST_ALLOWED_HOSTS": http_server.host,
        "INGEST_HOST_MIN_GAP": "0",
        # A killed worker's host lock lasts twice this: short, so the test need not wait a minute.
        "INGEST_TOTAL_TIMEOUT": "4",
        "STATIC_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    yield env
    app.conf.broker_url, app.conf.broker_transport_options = original
    reset_connections(app)


class Processes:
    def __init__(self, env, tmp_path):
        self.env, self.tmp_path, self.running = env, tmp_path, []

    def start(self, *args: str) -> subprocess.Popen:
        log = open(self.tmp_path / f"{args[0]}-{uuid.uuid4().hex[:6]}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(  # noqa: S603 - our own entry point
            [sys.executable, "-m", "celery", "--app", "tracker", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log = log
        self.running.append(process)
        return process

    def worker(self) -> subprocess.Popen:
        return self.start(
            "worker",
            "--queues",
            "celery,ingest",
            "--concurrency",
            "1",
            "--pool",
            "prefork",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
            "--hostname",
            f"test-{uuid.uuid4().hex[:6]}@%h",
        )

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=5)
            process.log.close()

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace")[-3000:] for path in self.tmp_path.glob("*.log"))


@pytest.fixture
def processes(celery_env, tmp_path):
    running = Processes(celery_env, tmp_path)
    yield running
    running.stop_all()


def wait_for(predicate, timeout: float, processes: Processes, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    pytest.fail(f"Timed out waiting for {what}.\n{processes.logs()}")


def article_page(http_server, path: str, **route) -> str:
    http_server.route(
        path,
        body=f"<html><body><article><p>{TEXT}</p></article></body></html>".encode(),
        headers={"Content-Type": "text/html; charset=utf-8"},
        **route,
    )
    return http_server.url(path)


def test_a_feed_added_in_the_admin_fills_the_review_queue_through_beat_and_a_worker(
    http_server, processes, client_for, role_users
):
    for name in ("israel", "hamas", "netanyahu"):
        actor = f.ActorFactory(name=name.title(), slug=name)
        actor.aliases.create(name=name.title(), language="en")
    first = [{"guid": "1", "title": "Doha round", "link": article_page(http_server, "/a/1")}]
    http_server.route("/feed.xml", body=feeds.rss(first).encode())
    processes.worker()

    response = client_for("editor").post(
        reverse("admin:news_feed_add"),
        {"url": http_server.url("/feed.xml"), "poll_interval": "00:30:00", "active": "on"},
    )
    assert response.status_code == 302
    wait_for(lambda: Article.objects.filter(processing_state="processed").count() == 1, 60, processes, "the first item")
    article = Article.objects.get()
    assert {m.actor.slug for m in Mention.objects.filter(article=article).select_related("actor")} == {
        "israel",
        "hamas",
        "netanyahu",
    }
    assert article.relevance > 0

    # A new item appears; the feed falls due; beat's tick (every second here) sends the poll.
    second = [*first, {"guid": "2", "title": "White House dinner", "link": article_page(http_server, "/a/2")}]
    http_server.route("/feed.xml", body=feeds.rss(second).encode())
    Feed.objects.update(next_poll_at=timezone.now() - datetime.timedelta(seconds=1))
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    PeriodicTask.objects.filter(name="Poll due feeds").update(interval=every_second)
    processes.start(
        "beat",
        "--scheduler",
        "django_celery_beat.schedulers:DatabaseScheduler",
        "--loglevel",
        "INFO",
        "--max-interval",
        "1",
    )
    wait_for(lambda: Article.objects.filter(processing_state="processed").count() == 2, 60, processes, "beat's poll")
    assert Article.objects.count() == 2
    assert Feed.objects.get().polls.count() == 2


@pytest.mark.faults
def test_killing_a_worker_mid_task_loses_nothing_and_duplicates_nothing(http_server, processes):
    hamas = f.ActorFactory(name="Hamas", slug="hamas")
    hamas.aliases.create(name="Hamas", language="en")
    # The page answers slowly, so the worker is inside the task when it is killed.
    url = article_page(http_server, "/slow/1", delay=3)
    feed = f.FeedFactory(url=http_server.url("/feed.xml"))
    article = f.ArticleFactory(feed=feed, url=url, canonical_url=url, summary="Short.", processing_state="new")
    from news.tasks import process_articles

    victim = processes.worker()
    process_articles.delay([article.pk])
    wait_for(lambda: any(r.path == "/slow/1" for r in http_server.requests), 90, processes, "the task to start")
    processes.kill(victim)  # SIGKILL to the whole process group: no chance to finish or to acknowledge
    article.refresh_from_db()
    assert article.processing_state == "new"

    http_server.route(
        "/slow/1",
        body=f"<html><body><article><p>{TEXT}</p></article></body></html>".encode(),
        headers={"Content-Type": "text/html"},
    )
    processes.worker()  # the unacknowledged message comes back once its visibility timeout passes
    wait_for(lambda: Article.objects.get(pk=article.pk).processing_state == "processed", 60, processes, "redelivery")
    assert Article.objects.count() == 1
    assert Mention.objects.filter(article=article).count() == TEXT.count("Hamas")


def test_the_embedded_broker_needs_no_server(http_server, celery_env, tmp_path):
    """The newcomer's mode: a folder on disk is the broker between the web process and the worker."""
    from news.tasks import process_articles
    from tracker.celery import app

    folder = tmp_path / "broker"
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True)
    options = {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
    }
    app.conf.broker_url, app.conf.broker_transport_options = "filesystem://", options
    reset_connections(app)
    env = {**celery_env, "CELERY_BROKER_URL": "filesystem://", "BROKER_FOLDER": str(folder)}
    env.pop("REDIS_URL")
    running = Processes(env, tmp_path)
    try:
        url = article_page(http_server, "/embedded/1")
        article = f.ArticleFactory(url=url, canonical_url=url, summary="Short.", processing_state="new")
        running.worker()
        process_articles.delay([article.pk])
        wait_for(lambda: Article.objects.get(pk=article.pk).processing_state == "processed", 60, running, "the worker")
    finally:
        running.stop_all()


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def use_broker(env: dict, url: str) -> None:
    from tracker.celery import app

    app.conf.broker_url = url
    reset_connections(app)
    env.update(REDIS_URL=url, CELERY_BROKER_URL=url)


@pytest.mark.faults
def test_a_feed_added_while_the_broker_is_down_is_saved_and_processed_once_it_is_back(
    http_server, processes, private_redis, client_for, settings
):
    """Adding a feed commits the feed and its items, then sends their processing: with the broker down, the
    API still answers 201 (saying the work is deferred), and the processing sweep sends the work once the
    broker is back."""
    hamas = f.ActorFactory(name="Hamas", slug="hamas")
    hamas.aliases.create(name="Hamas", language="en")
    entries = [{"guid": str(i), "title": f"Round {i}", "link": article_page(http_server, f"/a/{i}")} for i in (1, 2)]
    http_server.route("/feed.xml", body=feeds.rss(entries).encode())
    use_broker(processes.env, private_redis.url)
    private_redis.stop()

    response = client_for("editor").post(
        reverse("api:feed-list"), {"url": http_server.url("/feed.xml")}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response["Deferred-Work"] == "news.tasks.process_articles"
    assert response.json()["article_count"] == 2
    articles = Article.objects.all()
    assert [a.processing_state for a in articles] == ["new", "new"]
    # Due for the sweep's next run, not INGEST_SWEEP_AFTER from now.
    due = timezone.now() - datetime.timedelta(seconds=settings.INGEST_SWEEP_AFTER)
    assert all(a.queued_at <= due for a in articles)

    private_redis.start()
    from news.tasks import requeue_waiting_articles

    use_broker(processes.env, private_redis.url)
    assert requeue_waiting_articles() == {"queued again": 2}  # what beat's next sweep does
    assert private_redis.queue_length("ingest") == 1
    processes.worker()
    wait_for(lambda: Article.objects.filter(processing_state="processed").count() == 2, 60, processes, "processing")
    assert Mention.objects.filter(actor=hamas).exists()


@pytest.mark.faults
def test_an_admin_poll_while_the_broker_is_down_warns_and_leaves_the_feed_to_its_schedule(
    http_server, processes, private_redis, client_for
):
    feed = f.FeedFactory(url=http_server.url("/feed.xml"))
    use_broker(processes.env, private_redis.url)
    private_redis.stop()
    editor = client_for("editor")
    response = editor.post(
        reverse("admin:news_feed_changelist"),
        {"action": "poll_now", "_selected_action": [feed.pk]},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert any("task queue could not be reached" in message for message in shown), shown
    assert response.redirect_chain and response.redirect_chain[0][1] == 302


# Faults injected into the real services (issue: nothing is lost or done twice) --------------------------------


def hamas_articles(http_server, count: int, *, delay: float = 0) -> list[int]:
    """`count` waiting articles whose pages (slow by `delay` seconds) mention Hamas."""
    hamas = f.ActorFactory(name="Hamas", slug="hamas")
    hamas.aliases.create(name="Hamas", language="en")
    feed = f.FeedFactory(url=http_server.url("/feed.xml"))
    ids = []
    for n in range(count):
        url = article_page(http_server, f"/fault/{n}", delay=delay)
        article = f.ArticleFactory(feed=feed, url=url, canonical_url=url, summary="Short.", processing_state="new")
        ids.append(article.pk)
    return ids


def assert_each_processed_once(ids: list[int]) -> None:
    """Processed, with exactly one set of mentions each: a task run twice would not double them (it replaces
    them), so also no second article, and the history shows one processing write each."""
    assert sorted(Article.objects.values_list("pk", flat=True)) == sorted(ids)
    for article_id in ids:
        assert Mention.objects.filter(article_id=article_id).count() == TEXT.count("Hamas"), article_id


@pytest.mark.faults
def test_a_worker_stopped_with_sigterm_mid_batch_finishes_it_and_loses_nothing(http_server, processes):
    """Warm shutdown (what docker stop sends): the task in hand is finished and acknowledged; nothing is redone."""
    from news.tasks import process_articles

    ids = hamas_articles(http_server, 3, delay=1)
    worker = processes.worker()
    process_articles.delay(ids)
    wait_for(lambda: any(r.path.startswith("/fault/") for r in http_server.requests), 90, processes, "the batch")
    os.kill(worker.pid, signal.SIGTERM)  # the main process only, as docker does: a warm shutdown
    worker.wait(timeout=60)
    assert Article.objects.filter(pk__in=ids, processing_state="processed").count() == 3, processes.logs()
    assert_each_processed_once(ids)

    # A new worker finds nothing left to do: the batch was acknowledged, not left for redelivery.
    fetched = len(http_server.requests)
    processes.worker()
    time.sleep(6)  # past the test broker's visibility timeout (4 s)
    assert len(http_server.requests) == fetched
    assert_each_processed_once(ids)


@pytest.mark.faults
def test_two_beats_at_once_never_poll_a_feed_twice(http_server, processes):
    """Two beat processes (an operator's mistake, a rolling deploy) both send the tick every second; the claim
    (row locks and a lease) lets one poll through per due feed."""
    http_server.route("/feed.xml", body=feeds.rss([{"guid": "1", "title": "Doha"}]).encode(), delay=1)
    feed = f.FeedFactory(
        url=http_server.url("/feed.xml"), next_poll_at=timezone.now(), poll_interval=datetime.timedelta(hours=1)
    )
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    PeriodicTask.objects.filter(name="Poll due feeds").update(interval=every_second)
    processes.worker()
    processes.worker()
    beat = ("beat", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler", "--max-interval", "1")
    processes.start(*beat, "--schedule", str(processes.tmp_path / "beat-1"))
    processes.start(*beat, "--schedule", str(processes.tmp_path / "beat-2"))
    wait_for(lambda: feed.polls.exists(), 40, processes, "the first poll")
    time.sleep(6)  # several ticks of each beat, with the feed's poll in flight for a second
    assert feed.polls.count() == 1
    assert [request.path for request in http_server.requests] == ["/feed.xml"]


@pytest.mark.faults
def test_redis_restarted_while_articles_are_processed_loses_and_doubles_nothing(
    http_server, processes, tmp_path, settings
):
    """Production's Redis keeps an append-only file (docker-compose.yml): the queue outlives a restart, the
    worker reconnects, a batch in flight is delivered again after its visibility timeout, and processing
    skips what is done."""
    from news.tasks import enqueue_processing

    settings.INGEST_PROCESS_BATCH = 2
    redis_server = PrivateRedis(tmp_path / "redis", persistent=True)
    (tmp_path / "redis").mkdir()
    redis_server.start()
    try:
        use_broker(processes.env, redis_server.url)
        ids = hamas_articles(http_server, 6, delay=0.5)
        enqueue_processing(ids)  # three batches queued
        processes.worker()
        wait_for(lambda: any(r.path.startswith("/fault/") for r in http_server.requests), 90, processes, "work")
        redis_server.stop()  # mid-batch
        time.sleep(2)
        redis_server.start()  # same port, same append-only file
        wait_for(
            lambda: Article.objects.filter(pk__in=ids, processing_state="processed").count() == 6,
            90,
            processes,
            "every article, after the restart",
        )
        assert_each_processed_once(ids)
        assert not Article.objects.filter(processing_state="failed").exists()
    finally:
        processes.stop_all()
        redis_server.stop()


@pytest.mark.faults
def test_beat_ticking_while_the_broker_is_down_polls_the_due_feed_once_it_is_back(
    http_server, processes, private_redis
):
    """Beat's ticks fall due while the broker is unreachable: beat keeps running, and once the broker is back
    its next tick is sent and the due feed is polled (once) and its items processed."""
    hamas = f.ActorFactory(name="Hamas", slug="hamas")
    hamas.aliases.create(name="Hamas", language="en")
    entries = [{"guid": str(i), "title": f"Round {i}", "link": article_page(http_server, f"/b/{i}")} for i in (1, 2)]
    http_server.route("/feed.xml", body=feeds.rss(entries).encode())
    feed = f.FeedFactory(
        url=http_server.url("/feed.xml"), next_poll_at=timezone.now(), poll_interval=datetime.timedelta(hours=1)
    )
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    PeriodicTask.objects.filter(name="Poll due feeds").update(interval=every_second)
    use_broker(processes.env, private_redis.url)
    private_redis.stop()
    beat = processes.start(
        "beat", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler", "--max-interval", "1"
    )
    time.sleep(4)  # several ticks due, none can be sent
    assert beat.poll() is None, processes.logs()
    assert not feed.polls.exists()

    private_redis.start()  # same port: beat's next tick goes through
    processes.worker()
    wait_for(lambda: Article.objects.filter(processing_state="processed").count() == 2, 90, processes, "the poll")
    time.sleep(2)  # more ticks: the feed, polled, is not due again
    assert feed.polls.count() == 1
    assert [request.path for request in http_server.requests].count("/feed.xml") == 1
    assert Article.objects.count() == 2
