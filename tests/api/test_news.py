"""Feeds added by URL over the API (one request to the site) and the editors' review transitions."""

import datetime

import pytest
from django.urls import reverse
from rest_framework import status

from negotiations.models import Citation
from news import tasks
from news.models import Article, Feed, Tombstone
from tests import factories as f
from tests.api.conftest import send
from tests.news import feeds

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client_for):
    return client_for("editor")


def items(server, n: int) -> list[dict]:
    return [
        {
            "guid": f"item-{i}",
            "title": f"Truce talks update {i}",
            "link": server.url(f"/news/{i}"),
            "description": f"Mediators met again, report {i}.",
            "pub_date": (datetime.datetime(2025, 7, 1, tzinfo=datetime.UTC) + datetime.timedelta(hours=i)).strftime(
                "%a, %d %b %Y %H:%M:%S GMT"
            ),
        }
        for i in range(n)
    ]


def test_an_editor_adds_a_feed_by_url_with_one_request_to_the_site(
    editor, http_server, django_capture_on_commit_callbacks
):
    http_server.route("/feed.xml", body=feeds.rss(items(http_server, 3), title="Local Desk").encode())
    with django_capture_on_commit_callbacks() as queued:
        response = send(editor, "post", reverse("api:feed-list"), {"url": http_server.url("/feed.xml")})
    assert response.status_code == status.HTTP_201_CREATED, response.json()
    assert [request.path for request in http_server.requests] == ["/feed.xml"]
    body = response.json()
    assert body["title"] == "Local Desk" and body["article_count"] == 3 and body["health"] == "ok"
    assert body["poll_interval"] == "01:00:00"
    # The new items are queued for processing, in one batch, once the request's transaction commits.
    articles = sorted(Article.objects.values_list("pk", flat=True))
    assert [sorted(callback.args[0]) for callback in queued] == [articles]
    assert all(callback.task == tasks.process_articles for callback in queued)


def test_a_feed_can_be_added_paused_with_its_own_interval(editor, http_server):
    http_server.route("/feed.xml", body=feeds.rss(items(http_server, 1)).encode())
    payload = {"url": http_server.url("/feed.xml"), "active": False, "poll_interval": "00:30:00"}
    response = send(editor, "post", reverse("api:feed-list"), payload)
    assert response.status_code == status.HTTP_201_CREATED
    feed = Feed.objects.get()
    assert not feed.active and feed.poll_interval == datetime.timedelta(minutes=30)


def test_an_unreadable_feed_is_a_400_that_says_why_and_saves_nothing(
    editor, http_server, django_capture_on_commit_callbacks
):
    http_server.route("/page.html", body=b"<html>This is a web page, not a feed</html>")
    with django_capture_on_commit_callbacks() as queued:
        response = send(editor, "post", reverse("api:feed-list"), {"url": http_server.url("/page.html")})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json()["url"][0].startswith("Not a readable RSS or Atom feed")
    assert not Feed.objects.exists() and not Article.objects.exists() and not queued


def test_a_feed_already_tracked_is_refused_without_asking_the_site(editor, http_server):
    url = http_server.url("/feed.xml")
    f.FeedFactory(url=url)
    response = send(editor, "post", reverse("api:feed-list"), {"url": url})
    assert response.json() == {"url": ["This feed is already tracked."]}
    assert http_server.requests == []


def test_an_invalid_feed_url_or_interval_is_a_field_error(editor, network_guard):
    response = send(editor, "post", reverse("api:feed-list"), {"url": "not a url", "poll_interval": "00:00:10"})
    assert response.json() == {
        "url": ["Enter a valid URL."],
        "poll_interval": ["Ensure this value is greater than or equal to 0:01:00."],
    }
    assert network_guard.connects == []


def test_poll_now_queues_a_poll(editor, django_capture_on_commit_callbacks):
    feed = f.FeedFactory()
    with django_capture_on_commit_callbacks() as queued:
        response = editor.post(reverse("api:feed-poll", args=[feed.pk]))
    assert response.status_code == status.HTTP_202_ACCEPTED
    assert [(callback.task, callback.args) for callback in queued] == [(tasks.poll_feed, (feed.pk,))]


@pytest.fixture
def suggested():
    article = f.ArticleFactory(text="Doha talks resumed.", publisher="Al Jazeera")
    meeting, proposal = f.MeetingFactory(), f.ProposalFactory()
    return (
        article,
        f.SuggestionFactory(article=article, record=meeting),
        f.SuggestionFactory(article=article, record=proposal),
    )


def test_accepting_an_article_turns_the_chosen_suggestions_into_citations(editor, role_users, suggested):
    article, chosen, _ = suggested
    url = reverse("api:article-accept", args=[article.pk])
    response = send(editor, "post", url, {"suggestions": [chosen.pk], "note": "Supports the meeting."})
    assert response.status_code == status.HTTP_200_OK
    body = response.json()
    assert body["review_state"] == "accepted" and body["reviewer"] == "editor-user"
    assert body["review_note"] == "Supports the meeting." and body["reviewed_at"]
    citation = Citation.objects.get()
    assert (citation.record, citation.article) == (chosen.record, article)


def test_accepting_with_a_quote_puts_it_on_every_citation(editor, suggested):
    article, meeting, proposal = suggested
    url = reverse("api:article-accept", args=[article.pk])
    response = send(editor, "post", url, {"suggestions": [meeting.pk, proposal.pk], "quote": "Doha  talks\nresumed"})
    assert response.status_code == status.HTTP_200_OK
    assert sorted(Citation.objects.values_list("quote", flat=True)) == ["Doha talks resumed", "Doha talks resumed"]


def test_a_quote_the_article_does_not_hold_is_refused_and_nothing_changes(editor, suggested):
    article, meeting, _ = suggested
    url = reverse("api:article-accept", args=[article.pk])
    response = send(editor, "post", url, {"suggestions": [meeting.pk], "quote": "Cairo talks collapsed"})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert "does not occur in the article" in response.json()["quote"][0]
    article.refresh_from_db()
    assert article.review_state == "pending" and not Citation.objects.exists()


def test_accepting_with_a_suggestion_of_another_article_is_refused(editor, suggested):
    article, _, _ = suggested
    stranger = f.SuggestionFactory()
    response = send(editor, "post", reverse("api:article-accept", args=[article.pk]), {"suggestions": [stranger.pk]})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json() == {"suggestions": [f"Not suggestions of this article: {stranger.pk}."]}
    article.refresh_from_db()
    assert article.review_state == "pending" and not Citation.objects.exists()


def test_rejecting_needs_a_reason_and_leaves_a_tombstone(editor, suggested):
    article, _, _ = suggested
    url = reverse("api:article-reject", args=[article.pk])
    assert send(editor, "post", url, {"reason": "  "}).json() == {"reason": ["This field may not be blank."]}
    assert send(editor, "post", url, {}).json() == {"reason": ["This field is required."]}
    response = send(editor, "post", url, {"reason": "Not about the talks."})
    assert response.status_code == status.HTTP_200_OK
    assert response.json()["review_state"] == "rejected"
    assert Tombstone.objects.get().canonical_url == article.canonical_url


def test_marking_a_duplicate_links_it_to_the_original_story(editor):
    original = f.ArticleFactory()
    copy = f.ArticleFactory()
    syndicated = f.ArticleFactory()
    url = reverse("api:article-mark-duplicate", args=[copy.pk])
    assert send(editor, "post", url, {"original": original.pk}).json()["duplicate_of"] == original.pk
    # A duplicate of a duplicate points at the original.
    response = send(editor, "post", reverse("api:article-mark-duplicate", args=[syndicated.pk]), {"original": copy.pk})
    assert response.json()["duplicate_of"] == original.pk
    detail = editor.get(reverse("api:article-detail", args=[original.pk])).json()
    assert detail["duplicates"] == [copy.pk, syndicated.pk]


def test_an_article_cannot_duplicate_itself_or_a_missing_one(editor):
    article = f.ArticleFactory()
    url = reverse("api:article-mark-duplicate", args=[article.pk])
    assert send(editor, "post", url, {"original": article.pk}).json() == {
        "original": ["An article cannot duplicate itself."]
    }
    assert send(editor, "post", url, {"original": 999999}).json() == {"original": ["No article with id 999999."]}


def test_deleting_an_article_leaves_a_tombstone(editor):
    article = f.ArticleFactory()
    assert editor.delete(reverse("api:article-detail", args=[article.pk])).status_code == status.HTTP_204_NO_CONTENT
    assert not Article.objects.exists()
    assert Tombstone.objects.get().canonical_url == article.canonical_url


def test_articles_are_read_with_mentions_suggestions_and_text_in_detail(client_for, suggested):
    article, chosen, other = suggested
    f.MentionFactory(article=article, actor=f.ActorFactory(slug="hamas"), matched_text="Hamas", start=0, end=5)
    client = client_for("viewer")
    listed = client.get(reverse("api:article-list")).json()["results"][0]
    assert "text" not in listed
    detail = client.get(reverse("api:article-detail", args=[article.pk])).json()
    assert detail["text"] == "Doha talks resumed."
    assert [m["actor"]["slug"] for m in detail["mentions"]] == ["hamas"]
    assert {(s["id"], s["record_type"], s["record_id"]) for s in detail["suggestions"]} == {
        (chosen.pk, "negotiations.meeting", chosen.object_id),
        (other.pk, "negotiations.proposal", other.object_id),
    }
    assert all(s["record_label"] for s in detail["suggestions"])


def test_articles_arrive_by_ingestion_only(editor):
    article = f.ArticleFactory()
    assert send(editor, "post", reverse("api:article-list"), {"title": "x"}).status_code == 405
    url = reverse("api:article-detail", args=[article.pk])
    assert send(editor, "patch", url, {"review_state": "accepted"}).status_code == 405


@pytest.fixture(autouse=True)
def writes_without_a_version(settings):
    """These tests are about what a write does, not about versions: tests/api/test_conditional.py covers If-Match,
    412 and the 428 a write without a version gets by default."""
    settings.API_REQUIRE_WRITE_PRECONDITION = False
