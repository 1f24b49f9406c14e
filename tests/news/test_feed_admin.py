import pytest
from django.urls import reverse

from news.models import Article, Feed
from tests.news import feeds

pytestmark = pytest.mark.django_db


def add(client, url: str):
    return client.post(reverse("admin:news_feed_add"), {"url": url, "poll_interval": "00:30:00", "active": "on"})


def test_an_editor_adds_a_feed_by_url_with_one_request(client_for, http_server):
    items = [{"guid": "1", "title": "Talks", "link": http_server.url("/a")}]
    http_server.route("/feed.xml", body=feeds.rss(items, title="Local Desk").encode())
    response = add(client_for("editor"), http_server.url("/feed.xml"))
    assert response.status_code == 302
    feed = Feed.objects.get()
    assert (feed.title, feed.articles.count()) == ("Local Desk", 1)
    assert [r.path for r in http_server.requests] == ["/feed.xml"]
    assert feed.history.count() == 1  # the audit trail knows who added it


def test_a_broken_feed_is_refused_with_the_reason_and_nothing_saved(client_for, http_server):
    http_server.route("/page", body=b"<html><body>Just a page</body></html>")
    response = add(client_for("editor"), http_server.url("/page"))
    assert response.status_code == 200
    assert "Not a readable RSS or Atom feed" in response.content.decode()
    assert not Feed.objects.exists() and not Article.objects.exists()


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.8/feed", "http://[::1]/x"])
def test_internal_addresses_are_refused_before_any_connection(client_for, network_guard, url):
    response = add(client_for("editor"), url)
    assert response.status_code == 200
    assert "Refused" in response.content.decode()
    assert network_guard.connects == []
    assert not Feed.objects.exists()


def test_feed_health_is_shown_in_the_list(client_for, http_server):
    http_server.route(
        "/feed.xml", body=feeds.rss([{"guid": "1", "title": "T", "link": http_server.url("/a")}]).encode()
    )
    add(client_for("editor"), http_server.url("/feed.xml"))
    Feed.objects.update(consecutive_errors=3, last_error="HTTP 503 from the server")
    page = client_for("viewer").get(reverse("admin:news_feed_changelist")).content.decode()
    assert "failing ×3: HTTP 503 from the server" in page


def test_a_feed_can_be_added_inactive(client_for, http_server):
    http_server.route(
        "/feed.xml", body=feeds.rss([{"guid": "1", "title": "T", "link": http_server.url("/a")}]).encode()
    )
    response = client_for("editor").post(
        reverse("admin:news_feed_add"), {"url": http_server.url("/feed.xml"), "poll_interval": "00:30:00"}
    )
    assert response.status_code == 302
    assert Feed.objects.get().active is False
