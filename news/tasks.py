"""Celery entry points of the ingestion: thin, taking ids, idempotent (acks_late redelivers after a crash)."""

import datetime
import logging
import random
import time
from collections import Counter
from functools import partial

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from tracker.queue import send_on_commit

from . import services
from .pipeline.politeness import HostBusy

logger = logging.getLogger(__name__)


# A lost database connection (PostgreSQL restarted, a failover, a network blip) is transient: the poll or the
# batch is run again from the start, with exponential backoff (1, 2, 4 ... 60 s, jittered) and a limit; nothing
# of a failed attempt was committed (its writes are one transaction), and a batch skips what is done. Past the
# limit the task fails, and the processing sweep (requeue_waiting_articles) and the next beat tick are the net.
DATABASE_RETRY = {
    "autoretry_for": services.DATABASE_GONE,
    "retry_backoff": 1,
    "retry_backoff_max": 60,
    "retry_jitter": True,
}
DATABASE_MAX_RETRIES = 12  # up to about seven minutes of outage (the jitter draws each wait below its cap)


def enqueue(task, *args) -> None:
    """Send a task once the current transaction commits (at once outside one). If the broker cannot take
    it, the write stands and the work is left to its recovery: a feed's poll to the next beat tick."""
    send_on_commit(task, *args)


@shared_task
def poll_due_feeds() -> int:
    """The beat tick: claim due feeds and fan out one poll task per feed."""
    feed_ids = services.feeds_claim_due()
    for feed_id in feed_ids:
        enqueue(poll_feed, feed_id)
    return len(feed_ids)


@shared_task
def requeue_waiting_articles() -> dict[str, int]:
    """The processing sweep (beat): queue again the articles whose processing was queued more than
    INGEST_SWEEP_AFTER ago and has still not happened.

    A poll stores its items and queues their processing after the commit; a worker killed between
    the two, or a broker down at that moment, would leave them waiting for ever (a later poll sees
    them unchanged), and so would a task killed at its hard time limit. A batch retried after a
    host's wait counts from when that retry is due. After INGEST_SWEEP_MAX sweeps an article is
    marked failed, with the reason. Queuing an article twice is harmless: processing skips what is done.
    """
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.INGEST_SWEEP_AFTER)
    requeued, failed = services.articles_sweep(cutoff=cutoff, limit=settings.INGEST_SWEEP_LIMIT)
    if requeued or failed:
        logger.warning("articles left waiting", extra={"queued_again": len(requeued), "failed": failed})
    enqueue_processing(requeued)
    return {outcome: count for outcome, count in (("queued again", len(requeued)), ("failed", failed)) if count}


def enqueue_processing(article_ids: list[int], attempt: int = 0, *, wait: float = 0) -> None:
    """Queue new or changed articles for processing (after the commit), in `services.batches`, due in `wait`
    seconds. A batch the broker cannot take is left to the processing sweep, due at its next run."""
    for batch in services.batches(article_ids):
        send_on_commit(
            process_articles,
            batch,
            attempt,
            countdown=wait or None,
            on_failure=partial(services.articles_mark_unsent, article_ids=batch),
        )


def _later(busy: HostBusy) -> float:
    return max(busy.retry_in, 1.0) + random.uniform(0, 1)  # noqa: S311 - spreading retries, not security


@shared_task(bind=True, max_retries=60, **DATABASE_RETRY)
def poll_feed(self, feed_id: int) -> str:
    try:
        poll = services.feed_poll(feed_id=feed_id)
    except HostBusy as busy:
        if self.request.retries >= self.max_retries:
            return "host busy"  # the claim's lease expires and the next beat tick tries again
        raise self.retry(countdown=_later(busy)) from busy
    if poll is None:
        return "gone"
    enqueue_processing(poll.to_process)
    return poll.outcome


MAX_BUSY_RETRIES = 60


def _stayed_busy(article_id: int, busy: HostBusy) -> str:
    services.article_mark_failed(article_id=article_id, error=f"{busy.host} stayed busy; reprocess later.")
    return "failed"


@shared_task(max_retries=DATABASE_MAX_RETRIES, **DATABASE_RETRY)
def process_articles(article_ids: list[int], attempt: int = 0) -> dict[str, int]:
    """A poll's new items, processed together in one task (services.articles_process).

    A failure marks that article failed and the batch goes on. Articles whose host is busy go
    back to the queue as a batch of their own, retried later (at most MAX_BUSY_RETRIES times).
    Articles not begun before the batch could run into the soft time limit are queued as a new
    task, so a slow site costs its own articles only. Redelivered after a crash, the batch
    skips what is already processed.
    """
    budget = settings.CELERY_TASK_SOFT_TIME_LIMIT - 2 * settings.INGEST_TOTAL_TIMEOUT
    try:
        result = services.articles_process(article_ids=article_ids, stop_at=time.monotonic() + budget)
    except SoftTimeLimitExceeded:  # while writing the batch: nothing of it was written
        if attempt >= MAX_BUSY_RETRIES:
            error = "Processing took longer than the time limit."
            return {"failed": services.articles_mark_failed_if_new(article_ids=article_ids, error=error)}
        _requeue(list(article_ids), attempt + 1)
        return {"requeued": len(article_ids)}
    outcomes: Counter[str] = Counter(result.skipped.values())
    outcomes["processed"] += len(result.processed)
    outcomes["failed"] += len(result.failed)
    outcomes["gone"] += len(result.gone)
    if result.not_started:
        _requeue(result.not_started, attempt)
        outcomes["requeued"] += len(result.not_started)
    waiting = [article_id for article_id in article_ids if article_id in result.busy]
    if waiting and attempt >= MAX_BUSY_RETRIES:
        for article_id in waiting:
            outcomes[_stayed_busy(article_id, result.busy[article_id])] += 1
    elif waiting:
        wait = max(_later(busy) for busy in result.busy.values())
        _requeue(waiting, attempt + 1, wait=wait)
        outcomes["waiting"] += len(waiting)
    return {outcome: count for outcome, count in outcomes.items() if count}


def _requeue(article_ids: list[int], attempt: int, *, wait: float = 0) -> None:
    """Send a batch back to the queue (after the commit), due in `wait` seconds, and stamp its articles as
    queued so the processing sweep leaves them alone."""
    services.articles_mark_queued(article_ids=article_ids, due_in=wait)
    enqueue_processing(article_ids, attempt, wait=wait)
