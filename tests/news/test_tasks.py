"""The processing tasks, run in this process: batches, a failing article, a busy host, the time budget."""

import datetime
import threading

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, connections, transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from news import selectors, services, tasks
from news.models import Article
from news.pipeline.politeness import defer_host, host_slot
from tests.news import feeds
from tests.news.test_processing import BODY, page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_host_gap(settings):
    settings.INGEST_HOST_MIN_GAP = 0


def stored(server, count: int, *, full: bool = False, path: str = "/feed.xml") -> list[int]:
    """A feed of `count` items stored (not processed): pages to fetch, or full content in the feed."""
    items = []
    for index in range(count):
        link = server.url(f"{path}/a/{index}")
        server.route(f"{path}/a/{index}", body=page(f"Talks {index}", BODY), headers={"Content-Type": "text/html"})
        item = {"guid": f"{path}-{index}", "title": f"Talks {index}", "link": link}
        items.append(item | {"description": f"{BODY} {BODY}" if full else "Short."})
    server.route(path, body=feeds.rss(items).encode())
    _, summary = services.feed_add(url=server.url(path))
    return summary.to_process


def states(ids: list[int]) -> list[str]:
    by_id = dict(Article.objects.filter(pk__in=ids).values_list("pk", "processing_state"))
    return [by_id[pk] for pk in ids]


def test_new_items_are_queued_in_batches(settings, django_capture_on_commit_callbacks):
    settings.INGEST_PROCESS_BATCH = 2
    with django_capture_on_commit_callbacks() as queued:
        tasks.enqueue_processing([5, 6, 7, 8, 9])
    assert [callback.task for callback in queued] == [tasks.process_articles] * 3
    assert [callback.args[0] for callback in queued] == [[5], [6, 7], [8, 9]]


@pytest.mark.parametrize(
    "count,sizes", [(50, [16, 17, 17]), (40, [20, 20]), (41, [13, 14, 14]), (7, [7]), (1, [1]), (0, [])]
)
def test_batches_are_as_few_as_the_limit_allows_and_even(settings, django_capture_on_commit_callbacks, count, sizes):
    settings.INGEST_PROCESS_BATCH = 20
    ids = list(range(1, count + 1))
    with django_capture_on_commit_callbacks() as queued:
        tasks.enqueue_processing(ids)
    batches = [callback.args[0] for callback in queued]
    assert [len(batch) for batch in batches] == sizes
    assert [article_id for batch in batches for article_id in batch] == ids  # every one once, in order


def test_a_batch_processes_each_article_and_a_copy_joins_the_story_of_one_before_it(http_server):
    ids = stored(http_server, 3)
    assert tasks.process_articles(ids) == {"processed": 3}
    assert states(ids) == ["processed"] * 3
    stories = set(Article.objects.filter(pk__in=ids).values_list("story_id", flat=True))
    assert stories == {ids[0]}  # the same text three times: one story, the first article's


def test_a_failing_article_is_marked_failed_and_the_batch_goes_on(http_server, monkeypatch):
    ids = stored(http_server, 3)
    extract = services.extract_article

    def broken_on_the_second(page_html, *, url, **options):
        if url.endswith("/a/1"):
            raise ValueError("the extractor gave up")
        return extract(page_html, url=url, **options)

    monkeypatch.setattr(services, "extract_article", broken_on_the_second)
    assert tasks.process_articles(ids) == {"processed": 2, "failed": 1}
    assert states(ids) == ["processed", "failed", "processed"]
    assert Article.objects.get(pk=ids[1]).processing_error == "ValueError: the extractor gave up"


def test_articles_of_a_busy_host_wait_in_a_batch_of_their_own(http_server, django_capture_on_commit_callbacks):
    fetched, inline = stored(http_server, 2), stored(http_server, 1, full=True, path="/full.xml")
    with django_capture_on_commit_callbacks() as queued, host_slot("127.0.0.1"):  # another worker holds the host
        outcome = tasks.process_articles([*fetched, *inline])
    assert outcome == {"waiting": 2, "processed": 1}  # the feed carried the third: no request needed
    assert states([*fetched, *inline]) == ["new", "new", "processed"]
    (retry,) = queued
    assert retry.task == tasks.process_articles
    assert retry.args == (fetched, 1) and retry.countdown >= 1


def test_a_host_busy_too_long_fails_its_articles(http_server):
    (article_id,) = stored(http_server, 1)
    with host_slot("127.0.0.1"):
        assert tasks.process_articles([article_id], attempt=tasks.MAX_BUSY_RETRIES) == {"failed": 1}
    assert "stayed busy" in Article.objects.get(pk=article_id).processing_error


def test_a_batch_near_the_time_limit_queues_the_rest(http_server, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_SOFT_TIME_LIMIT = 0  # every article is over the budget but the first
    ids = stored(http_server, 3)
    _queued_ago(ids, 3600)
    with django_capture_on_commit_callbacks() as queued:
        assert tasks.process_articles(ids) == {"processed": 1, "requeued": 2}
    assert states(ids) == ["processed", "new", "new"]
    assert [callback.args for callback in queued] == [(ids[1:], 0)]
    assert _waiting_since(60) == []


def test_a_redelivered_batch_does_not_process_twice(http_server):
    ids = stored(http_server, 2)
    tasks.process_articles(ids)
    before = list(Article.objects.filter(pk__in=ids).order_by("pk").values_list("processed_at", flat=True))
    assert tasks.process_articles(ids) == {"processed": 2}
    assert list(Article.objects.filter(pk__in=ids).order_by("pk").values_list("processed_at", flat=True)) == before


def test_time_running_out_while_a_batch_is_written_queues_it_again(
    http_server, monkeypatch, django_capture_on_commit_callbacks
):
    ids = stored(http_server, 2)

    def too_slow(prepared, outcome):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "_write", too_slow)
    with django_capture_on_commit_callbacks() as queued:
        assert tasks.process_articles(ids) == {"requeued": 2}
    assert states(ids) == ["new", "new"]  # nothing of the batch was written, nothing marked
    assert [callback.args for callback in queued] == [(ids, 1)]
    # After as many tries as a busy host gets, the articles still waiting are marked failed.
    Article.objects.filter(pk=ids[0]).update(processing_state=Article.ProcessingState.PROCESSED)
    assert tasks.process_articles(ids, attempt=tasks.MAX_BUSY_RETRIES) == {"failed": 1}
    assert states(ids) == ["processed", "failed"]


def _waiting_since(seconds: float) -> list[int]:
    """The ids the sweep would take, oldest first: waiting since more than `seconds` ago."""
    cutoff = timezone.now() - datetime.timedelta(seconds=seconds)
    return list(selectors.waiting_since(cutoff).values_list("id", flat=True))


def _queued_ago(ids: list[int], seconds: float) -> None:
    """As if the poll that stored these articles (and queued their processing) had done so `seconds` ago."""
    then = timezone.now() - datetime.timedelta(seconds=seconds)
    Article.objects.filter(pk__in=ids).update(queued_at=then, updated_at=then)


def test_the_sweep_queues_again_articles_whose_processing_message_was_lost(
    http_server, settings, django_capture_on_commit_callbacks
):
    settings.INGEST_SWEEP_AFTER = 600
    lost = stored(http_server, 4)  # stored by a poll whose processing messages never reached the broker
    assert all(Article.objects.filter(pk__in=lost).values_list("queued_at", flat=True))  # stamped when stored
    _queued_ago(lost[:3], 601)
    Article.objects.filter(pk=lost[1]).update(processing_state=Article.ProcessingState.PROCESSED)
    Article.objects.filter(pk=lost[2]).update(processing_state=Article.ProcessingState.FAILED)
    with django_capture_on_commit_callbacks() as queued:
        assert tasks.requeue_waiting_articles() == {"queued again": 1}
    # Only the one still waiting past the cutoff: not the processed, the failed or the recent one.
    assert [(callback.task, callback.args) for callback in queued] == [(tasks.process_articles, ([lost[0]], 0))]
    swept = Article.objects.get(pk=lost[0])
    assert swept.sweeps == 1 and timezone.now() - swept.queued_at < datetime.timedelta(seconds=60)
    assert tasks.process_articles(*queued[0].args) == {"processed": 1}
    assert states(lost) == ["processed", "processed", "failed", "new"]
    with django_capture_on_commit_callbacks() as queued:
        assert tasks.requeue_waiting_articles() == {}  # done: nothing to queue again
    assert queued == []


def test_a_swept_article_waits_a_full_period_before_the_next_sweep_and_fails_after_the_last(
    http_server, settings, django_capture_on_commit_callbacks
):
    settings.INGEST_SWEEP_AFTER, settings.INGEST_SWEEP_MAX = 600, 2
    (article_id,) = stored(http_server, 1)  # its task dies every time (say, past the hard time limit)
    for sweep in (1, 2):
        _queued_ago([article_id], 601)
        with django_capture_on_commit_callbacks() as queued:
            assert tasks.requeue_waiting_articles() == {"queued again": 1}
            assert tasks.requeue_waiting_articles() == {}  # just swept: not again before a full period
        assert len(queued) == 1 and Article.objects.get(pk=article_id).sweeps == sweep
    _queued_ago([article_id], 601)
    with django_capture_on_commit_callbacks() as queued:
        assert tasks.requeue_waiting_articles() == {"failed": 1}
    assert queued == []
    article = Article.objects.get(pk=article_id)
    assert article.processing_state == "failed"
    assert article.processing_error == "Queued 3 times and never processed; reprocess it to try again."


def test_a_batch_waiting_for_a_busy_host_is_not_swept_before_its_retry_is_due(
    http_server, settings, django_capture_on_commit_callbacks
):
    settings.INGEST_SWEEP_AFTER = 600
    ids = stored(http_server, 2)
    _queued_ago(ids, 3600)
    defer_host("127.0.0.1", 3600)  # the site asked us to wait an hour (Retry-After)
    with django_capture_on_commit_callbacks() as queued:
        assert tasks.process_articles(ids) == {"waiting": 2}
    assert queued[0].countdown >= 3600
    for article in Article.objects.filter(pk__in=ids):  # due when the retry is, not when first queued
        assert article.queued_at - timezone.now() > datetime.timedelta(seconds=3500)
    assert tasks.requeue_waiting_articles() == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between real transactions: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_sweep_skips_an_article_another_transaction_holds(http_server, settings):
    """Two sweeps at once (or a sweep and a batch writing) never both count or queue one article."""
    settings.INGEST_SWEEP_AFTER = 600
    ids = stored(http_server, 2)
    _queued_ago(ids, 3600)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                Article.objects.select_for_update().get(pk=ids[0])
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        cutoff = timezone.now() - datetime.timedelta(seconds=600)
        assert services.articles_sweep(cutoff=cutoff, limit=10) == ([ids[1]], 0)
    finally:
        release.set()
        holder.join(10)
    assert list(Article.objects.filter(pk__in=ids).order_by("pk").values_list("sweeps", flat=True)) == [0, 1]


def test_the_sweep_takes_the_oldest_first_and_at_most_its_limit(
    http_server, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.INGEST_SWEEP_AFTER, settings.INGEST_SWEEP_LIMIT = 600, 3
    ids = stored(http_server, 5)
    _queued_ago(ids, 3600)
    assert _waiting_since(600) == ids
    Article.objects.filter(pk=ids[0]).update(created_at=timezone.now())  # stored last, though queued as long ago
    assert _waiting_since(600) == [*ids[1:], ids[0]]
    with django_assert_num_queries(4):  # the locked read and the stamp (nothing to mark failed), in a savepoint
        requeued, failed = services.articles_sweep(cutoff=timezone.now() - datetime.timedelta(seconds=600), limit=3)
    assert (requeued, failed) == (ids[1:4], 0)
    Article.objects.filter(pk__in=ids).update(sweeps=0)
    _queued_ago(ids[1:4], 3600)
    with django_capture_on_commit_callbacks() as queued:
        assert tasks.requeue_waiting_articles() == {"queued again": 3}
    assert [callback.args[0] for callback in queued] == [ids[1:4]]


def test_articles_stored_before_the_sweeps_bookkeeping_count_from_their_last_change(http_server, settings):
    settings.INGEST_SWEEP_AFTER = 600
    old, recent = stored(http_server, 2)
    Article.objects.filter(pk__in=[old, recent]).update(queued_at=None)
    Article.objects.filter(pk=old).update(updated_at=timezone.now() - datetime.timedelta(seconds=601))
    assert _waiting_since(600) == [old]


def test_the_sweep_runs_on_the_beat_schedule_in_the_ingestion_queue():
    from tracker.celery import app

    scheduled = PeriodicTask.objects.get(task="news.tasks.requeue_waiting_articles")
    assert scheduled.enabled and scheduled.queue == "ingest"
    assert scheduled.interval.every * {"seconds": 1, "minutes": 60}[scheduled.interval.period] <= 3600
    assert "news.tasks.requeue_waiting_articles" in app.tasks
