"""No fetch runs inside an open database transaction: a site that answers slowly (up to
INGEST_TOTAL_TIMEOUT) must not hold row locks or a connection's transaction open meanwhile.

The real fetcher runs against the local HTTP server; a spy around it records whether a transaction was open
at each call. The tests are transactional, so no test-case transaction hides the answer."""

import pytest
from django.db import connection
from django.urls import reverse

from news import services, tasks
from news.models import Article, Feed
from news.pipeline import pages
from tests import factories as f
from tests.api.conftest import send
from tests.news import feeds

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def fetches(monkeypatch):
    """[(url, a transaction was open)] for every fetch made through the services."""
    seen = []

    def spy(real):
        def fetch(url, *args, **kwargs):
            seen.append((url, connection.in_atomic_block))
            return real(url, *args, **kwargs)

        return fetch

    monkeypatch.setattr(services, "fetch", spy(services.fetch))
    monkeypatch.setattr(pages, "fetch", spy(pages.fetch))
    return seen


def serve_feed(http_server) -> str:
    page = f"<html><body><article><p>{'Mediators met again in Doha. ' * 20}</p></article></body></html>"
    http_server.route("/a/1", body=page.encode(), headers={"Content-Type": "text/html"})
    http_server.route(
        "/feed.xml", body=feeds.rss([{"guid": "1", "title": "Doha", "link": http_server.url("/a/1")}]).encode()
    )
    return http_server.url("/feed.xml")


def test_adding_a_feed_over_the_api_fetches_outside_a_transaction(http_server, client_for, fetches):
    response = send(client_for("editor"), "post", reverse("api:feed-list"), {"url": serve_feed(http_server)})
    assert response.status_code == 201, response.json()
    assert fetches == [(http_server.url("/feed.xml"), False)]
    assert Feed.objects.count() == 1 and Article.objects.count() == 1


def test_an_unreadable_feed_over_the_api_is_a_400_and_writes_nothing(http_server, client_for, fetches):
    http_server.route("/nothing.xml", status=404, body=b"gone")
    response = send(client_for("editor"), "post", reverse("api:feed-list"), {"url": http_server.url("/nothing.xml")})
    assert response.status_code == 400 and "url" in response.json()
    assert [open_ for _, open_ in fetches] == [False]
    assert not Feed.objects.exists()


def test_adding_a_feed_in_the_admin_fetches_outside_a_transaction(http_server, client_for, fetches):
    response = client_for("editor").post(
        reverse("admin:news_feed_add"), {"url": serve_feed(http_server), "poll_interval": "01:00:00", "active": "on"}
    )
    assert response.status_code == 302
    assert fetches == [(http_server.url("/feed.xml"), False)]
    assert Feed.objects.get().articles.count() == 1


def test_an_unreadable_feed_in_the_admin_is_a_form_error(http_server, client_for, fetches):
    http_server.route("/nothing.xml", status=404, body=b"gone")
    response = client_for("editor").post(
        reverse("admin:news_feed_add"), {"url": http_server.url("/nothing.xml"), "poll_interval": "01:00:00"}
    )
    assert response.status_code == 200 and response.context["adminform"].form.non_field_errors()
    assert [open_ for _, open_ in fetches] == [False]
    assert not Feed.objects.exists()


def test_polls_and_processing_fetch_outside_a_transaction(http_server, fetches, settings):
    settings.INGEST_HOST_MIN_GAP = 0  # the page right after its feed, from the same host
    feed = f.FeedFactory(url=serve_feed(http_server))
    assert tasks.poll_feed(feed.pk) == "ok"
    (article,) = Article.objects.all()
    outcome = tasks.process_articles([article.pk])
    assert Article.objects.get().processing_state == "processed", (outcome, Article.objects.get().processing_error)
    assert fetches == [(http_server.url("/feed.xml"), False), (http_server.url("/a/1"), False)]
