"""Feeds are added with one request, polled politely and idempotently, and never die silently."""

import datetime

import pytest
from django.utils import timezone

from news import services
from news.models import Article, Feed, FeedPoll, Tombstone
from news.pipeline.politeness import HostBusy
from review import services as review_services
from tests import factories as f
from tests.news import feeds

pytestmark = pytest.mark.django_db


def page_links(server, n: int) -> list[dict]:
    return [
        {
            "guid": f"item-{i}",
            "title": f"Truce talks update {i}",
            "link": server.url(f"/news/{i}?utm_source=rss&utm_medium=feed"),
            "description": f"Mediators met again, report {i}.",
            "pub_date": (datetime.datetime(2025, 7, 1, tzinfo=datetime.UTC) + datetime.timedelta(hours=6 * i)).strftime(
                "%a, %d %b %Y %H:%M:%S GMT"
            ),
        }
        for i in range(n)
    ]


def poll(feed: Feed) -> FeedPoll:
    return services.feed_poll(feed_id=feed.pk)


@pytest.fixture(autouse=True)
def no_host_gap(settings):
    settings.INGEST_HOST_MIN_GAP = 0


def test_adding_a_feed_takes_one_request_and_stores_its_items(http_server):
    http_server.route("/feed.xml", body=feeds.rss(page_links(http_server, 3), title="Local Desk").encode())
    feed, summary = services.feed_add(url=http_server.url("/feed.xml"))
    assert len([r for r in http_server.requests if r.path == "/feed.xml"]) == 1
    assert feed.title == "Local Desk"
    assert summary.new == 3 and len(summary.to_process) == 3
    article = Article.objects.get(guid="item-0")
    assert article.canonical_url == http_server.url("/news/0")  # tracking parameters gone
    assert article.review_state == "pending" and article.processing_state == "new"
    assert feed.polls.get().new_count == 3


def test_adding_a_broken_feed_saves_nothing_and_says_why(http_server):
    http_server.route("/broken.xml", body=b"<html>This is a web page, not a feed</html>")
    with pytest.raises(services.FeedError, match="Not a readable RSS or Atom feed"):
        services.feed_add(url=http_server.url("/broken.xml"))
    assert not Feed.objects.exists()


def test_repolling_creates_no_duplicates_and_uses_conditional_get(http_server):
    http_server.route(
        "/feed.xml",
        body=feeds.rss(page_links(http_server, 2)).encode(),
        etag='"v1"',
        last_modified="Mon, 07 Jul 2025 10:00:00 GMT",
    )
    feed, _ = services.feed_add(url=http_server.url("/feed.xml"))
    assert (feed.etag, feed.last_modified) == ('"v1"', "Mon, 07 Jul 2025 10:00:00 GMT")
    second = poll(feed)
    assert second.outcome == FeedPoll.Outcome.NOT_MODIFIED
    last = http_server.requests[-1]
    assert last.headers.get("If-None-Match") == '"v1"'
    assert last.headers.get("If-Modified-Since") == "Mon, 07 Jul 2025 10:00:00 GMT"
    assert Article.objects.count() == 2


def test_an_unchanged_body_is_not_reparsed_and_a_changed_item_is_updated(http_server):
    items = page_links(http_server, 2)
    http_server.route("/feed.xml", body=feeds.rss(items).encode())  # no validators: the server always sends 200
    feed, _ = services.feed_add(url=http_server.url("/feed.xml"))
    assert poll(feed).outcome == FeedPoll.Outcome.UNCHANGED
    long_ago = timezone.now() - datetime.timedelta(days=1)
    Article.objects.filter(guid="item-0").update(queued_at=long_ago, sweeps=2)  # the old revision was swept twice
    items[0]["description"] = "Correction: the meeting lasted ninety minutes."
    http_server.route("/feed.xml", body=feeds.rss(items).encode())
    changed = poll(feed)
    assert (changed.outcome, changed.new_count, changed.updated_count) == ("ok", 0, 1)
    article = Article.objects.get(guid="item-0")
    assert article.revision == 2 and "ninety minutes" in article.summary
    # The new revision's processing is queued now, and the sweep counts afresh.
    assert article.processing_state == "new" and article.queued_at > long_ago and article.sweeps == 0
    assert Article.objects.count() == 2


def test_an_unconditional_fetch_now_and_then(http_server):
    http_server.route("/feed.xml", body=feeds.rss(page_links(http_server, 1)).encode(), etag='"x"')
    feed, _ = services.feed_add(url=http_server.url("/feed.xml"))
    Feed.objects.filter(pk=feed.pk).update(last_unconditional_at=timezone.now() - datetime.timedelta(days=2))
    assert poll(feed).outcome == FeedPoll.Outcome.OK  # a server that lies about 304 is caught here
    assert "If-None-Match" not in http_server.requests[-1].headers


def test_blank_and_reused_guids_fall_back_to_the_link(http_server):
    items = [
        {"guid": "", "title": "No guid one", "link": http_server.url("/a")},
        {"guid": "", "title": "No guid two", "link": http_server.url("/b")},
        {"guid": "same", "title": "Reused first", "link": http_server.url("/c")},
        {"guid": "same", "title": "Reused second", "link": http_server.url("/d")},
    ]
    http_server.route("/feed.xml", body=feeds.rss(items).encode())
    feed, summary = services.feed_add(url=http_server.url("/feed.xml"))
    assert summary.new == 4
    assert set(Article.objects.values_list("guid", flat=True)) == {""}
    http_server.route("/feed.xml", body=feeds.rss(items[::-1]).encode())
    again = poll(feed)
    assert again.new_count == 0 and Article.objects.count() == 4


def test_a_guid_reused_for_a_new_item_across_polls_is_a_new_article(http_server):
    http_server.route(
        "/feed.xml",
        body=feeds.rss([{"guid": "slot-1", "title": "Monday briefing", "link": http_server.url("/mon")}]).encode(),
    )
    feed, _ = services.feed_add(url=http_server.url("/feed.xml"))
    http_server.route(
        "/feed.xml",
        body=feeds.rss([{"guid": "slot-1", "title": "Tuesday briefing", "link": http_server.url("/tue")}]).encode(),
    )
    assert poll(feed).new_count == 1
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Monday briefing", "Tuesday briefing"]


def test_one_link_for_several_items_identifies_them_by_link_and_title(http_server):
    live = http_server.url("/live-blog")
    items = [{"guid": "", "title": "Update 09:00", "link": live}, {"guid": "", "title": "Update 10:00", "link": live}]
    http_server.route("/feed.xml", body=feeds.rss(items).encode())
    feed, summary = services.feed_add(url=http_server.url("/feed.xml"))
    assert summary.new == 2
    http_server.route(
        "/feed.xml", body=feeds.rss(items + [{"guid": "", "title": "Update 11:00", "link": live}]).encode()
    )
    assert poll(feed).new_count == 1
    assert Article.objects.count() == 3


def test_tracking_variants_and_other_feeds_do_not_duplicate(http_server):
    first = [{"guid": "a", "title": "Story", "link": http_server.url("/story?utm_campaign=x&id=1")}]
    second = [{"guid": "zz", "title": "Story", "link": http_server.url("/story?id=1&fbclid=abc#top")}]
    http_server.route("/one.xml", body=feeds.rss(first).encode())
    http_server.route("/two.xml", body=feeds.rss(second).encode())
    services.feed_add(url=http_server.url("/one.xml"))
    _, summary = services.feed_add(url=http_server.url("/two.xml"))
    assert (summary.new, summary.duplicate) == (0, 1)
    assert Article.objects.count() == 1


def test_a_rejected_article_never_comes_back(http_server, role_users):
    http_server.route("/feed.xml", body=feeds.rss(page_links(http_server, 2)).encode())
    feed, _ = services.feed_add(url=http_server.url("/feed.xml"))
    football = Article.objects.get(guid="item-1")
    review_services.article_reject(article=football, reviewer=role_users["editor"], reason="Not about the talks.")
    services.article_delete(article=Article.objects.get(guid="item-0"))
    assert Tombstone.objects.count() == 2
    Feed.objects.filter(pk=feed.pk).update(last_unconditional_at=None, body_hash="")
    again = poll(feed)
    assert again.new_count == 0 and again.duplicate_count == 2
    assert list(Article.objects.values_list("guid", flat=True)) == ["item-1"]


def test_errors_back_off_exponentially_and_the_feed_stays_alive(http_server, settings):
    settings.INGEST_MAX_INTERVAL = 4 * 3600
    http_server.route("/feed.xml", body=feeds.rss(page_links(http_server, 1)).encode())
    feed, _ = services.feed_add(url=http_server.url("/feed.xml"), poll_interval=datetime.timedelta(minutes=30))
    http_server.route("/feed.xml", status=500, body=b"oops")
    gaps = []
    for _ in range(5):
        before = timezone.now()
        failure = poll(feed)
        assert failure.outcome == FeedPoll.Outcome.ERROR
        feed.refresh_from_db()
        gaps.append((feed.next_poll_at - before).total_seconds())
    assert feed.active and feed.consecutive_errors == 5
    assert "500" in feed.last_error
    assert gaps[1] > gaps[0] * 1.5 and gaps[2] > gaps[1] * 1.5
    assert max(gaps) <= 4 * 3600 * 1.1 + 1  # the ceiling, with jitter
    http_server.route("/feed.xml", body=feeds.rss(page_links(http_server, 2)).encode())
    assert poll(feed).outcome == FeedPoll.Outcome.OK
    feed.refresh_from_db()
    assert feed.consecutive_errors == 0 and feed.last_error == ""


def test_a_malformed_feed_is_recorded_with_a_readable_error(http_server):
    http_server.route("/feed.xml", body=feeds.rss(page_links(http_server, 1)).encode())
    feed, _ = services.feed_add(url=http_server.url("/feed.xml"))
    http_server.route("/feed.xml", body=feeds.BILLION_LAUGHS.encode())
    assert poll(feed).outcome == FeedPoll.Outcome.ERROR
    feed.refresh_from_db()
    assert "entities" in feed.last_error


def test_retry_after_defers_the_host(http_server):
    http_server.route("/feed.xml", body=feeds.rss(page_links(http_server, 1)).encode())
    feed, _ = services.feed_add(url=http_server.url("/feed.xml"))
    http_server.route("/feed.xml", status=429, headers={"Retry-After": "120"}, body=b"slow down")
    poll(feed)
    with pytest.raises(HostBusy) as busy:
        poll(feed)
    assert 100 < busy.value.retry_in <= 120


def test_interval_adapts_to_the_publishing_rate_within_bounds(http_server, settings):
    settings.INGEST_MIN_INTERVAL = 600
    http_server.route("/feed.xml", body=feeds.rss(page_links(http_server, 6)).encode())  # an item every 6 hours
    feed, _ = services.feed_add(url=http_server.url("/feed.xml"), poll_interval=datetime.timedelta(hours=12))
    feed.refresh_from_db()
    assert feed.current_interval == datetime.timedelta(hours=3)
    assert datetime.timedelta(hours=2.6) < feed.next_poll_at - feed.last_polled_at < datetime.timedelta(hours=3.4)


def test_due_feeds_are_claimed_once():
    due = f.FeedFactory.create_batch(3, next_poll_at=timezone.now() - datetime.timedelta(minutes=1))
    f.FeedFactory(next_poll_at=timezone.now() + datetime.timedelta(hours=1))
    f.FeedFactory(active=False)
    first = services.feeds_claim_due()
    assert sorted(first) == sorted(feed.pk for feed in due)
    assert services.feeds_claim_due() == []
    later = timezone.now() + services.POLL_LEASE + datetime.timedelta(seconds=1)
    assert sorted(services.feeds_claim_due(now=later)) == sorted(first)  # a dead worker's lease expires


def test_new_items_are_inserted_together_with_their_history_rows(http_server, django_assert_num_queries):
    http_server.route("/feed.xml", body=feeds.rss(page_links(http_server, 5)).encode())
    feed = f.FeedFactory(url=http_server.url("/feed.xml"))
    parsed = services.parse_feed(services.fetch(feed.url).body)
    # The GUIDs, the links and the tombstones looked up; one insert of the articles, one of their history.
    with django_assert_num_queries(7):  # the three lookups, savepoint, two inserts, release
        summary = services.store_entries(feed=feed, parsed=parsed)
    assert summary.new == 5 and sorted(summary.to_process) == sorted(Article.objects.values_list("pk", flat=True))
    assert Article.history.filter(history_type="+").count() == 5


def test_an_item_another_worker_stored_meanwhile_is_a_duplicate_and_the_rest_are_stored(http_server, monkeypatch):
    http_server.route("/feed.xml", body=feeds.rss(page_links(http_server, 3)).encode())
    feed = f.FeedFactory(url=http_server.url("/feed.xml"))
    parsed = services.parse_feed(services.fetch(feed.url).body)
    create = services._create_articles

    def another_worker_first(feed, new):
        # Between this worker's lookups and its insert, another worker stores the second item.
        link, (entry, guid) = list(new.items())[1]
        services._new_article(feed, entry, guid=guid, link=link).save()
        return create(feed, new)

    monkeypatch.setattr(services, "_create_articles", another_worker_first)
    summary = services.store_entries(feed=feed, parsed=parsed)
    assert (summary.new, summary.duplicate) == (2, 1)
    assert Article.objects.count() == 3
    assert sorted(Article.objects.values_list("guid", flat=True)) == ["item-0", "item-1", "item-2"]


def test_the_same_item_twice_in_one_payload_is_stored_once(http_server):
    item = page_links(http_server, 1)[0]
    edited = item | {"description": "Mediators met again, with a correction."}
    http_server.route("/feed.xml", body=feeds.rss([item, item, edited]).encode())
    _, summary = services.feed_add(url=http_server.url("/feed.xml"))
    assert (summary.new, summary.unchanged, summary.updated) == (1, 1, 1)
    article = Article.objects.get()
    assert "correction" in article.summary  # the later copy counts
