"""Writes of feeds for the API: adding one by URL (one request to the site) and queueing work."""

import datetime

from rest_framework.exceptions import ValidationError

from news import services, tasks
from news.models import Feed


def feed_add_by_url(*, url: str, poll_interval: datetime.timedelta | None = None, active: bool = True) -> Feed:
    """Fetch the feed once: the response validates it, names it and brings its first items, which are
    queued for processing once they are committed. A feed that cannot be read is a 400 on `url`.

    Called outside any transaction (FeedViewSet.dispatch): the fetch may take up to INGEST_TOTAL_TIMEOUT,
    and no database transaction is held open across it; services.feed_add writes in one of its own."""
    try:
        feed, summary = services.feed_add(url=url, poll_interval=poll_interval, active=active)
    except services.FeedError as error:
        raise ValidationError({"url": [str(error)]}) from error
    tasks.enqueue_processing(summary.to_process)
    return feed


def feed_poll_soon(*, feed: Feed) -> None:
    """Queue a poll of the feed now (after the transaction commits), as the admin's "poll now" does."""
    tasks.enqueue(tasks.poll_feed, feed.pk)
