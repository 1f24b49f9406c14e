"""Celery entry points of the ingestion: thin, taking ids, idempotent (acks_late redelivers after a crash)."""

import logging
import random
from functools import partial

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction

from . import services
from .pipeline.politeness import HostBusy

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> None:
    """Send a task once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(task.delay, *args))


@shared_task
def poll_due_feeds() -> int:
    """The beat tick: claim due feeds and fan out one poll task per feed."""
    feed_ids = services.feeds_claim_due()
    for feed_id in feed_ids:
        enqueue(poll_feed, feed_id)
    return len(feed_ids)


def _later(busy: HostBusy) -> float:
    return max(busy.retry_in, 1.0) + random.uniform(0, 1)  # noqa: S311 - spreading retries, not security


@shared_task(bind=True, max_retries=60)
def poll_feed(self, feed_id: int) -> str:
    try:
        poll = services.feed_poll(feed_id=feed_id)
    except HostBusy as busy:
        if self.request.retries >= self.max_retries:
            return "host busy"  # the claim's lease expires and the next beat tick tries again
        raise self.retry(countdown=_later(busy)) from busy
    if poll is None:
        return "gone"
    for article_id in poll.to_process:
        enqueue(process_article, article_id)
    return poll.outcome


@shared_task(bind=True, max_retries=60)
def process_article(self, article_id: int, force: bool = False) -> str:
    try:
        article = services.article_process(article_id=article_id, force=force)
    except HostBusy as busy:
        if self.request.retries >= self.max_retries:
            services.article_mark_failed(article_id=article_id, error=f"{busy.host} stayed busy; reprocess later.")
            return "failed"
        raise self.retry(countdown=_later(busy)) from busy
    except SoftTimeLimitExceeded:
        services.article_mark_failed(article_id=article_id, error="Processing took longer than the time limit.")
        return "failed"
    except Exception as error:  # keep the article and say why; an editor can reprocess it
        logger.exception("article processing failed", extra={"article": article_id})
        services.article_mark_failed(article_id=article_id, error=f"{type(error).__name__}: {error}")
        return "failed"
    return "gone" if article is None else article.processing_state
