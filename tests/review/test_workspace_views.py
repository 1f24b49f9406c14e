"""The review workspace's pages (review/views/workspace.py): the queue with its filters and counts, the article
view, the actions (answered with the next article's panel for htmx), their refusals, and who may act."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from negotiations.models import Citation
from news.models import Article, Tombstone
from review import services
from tests import factories as f

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TEXT = "Envoys met in Doha on Monday.\nBoth sides accepted a sixty-day truce, officials said."


def when(day: int) -> datetime.datetime:
    return datetime.datetime(2025, 7, day, 12, tzinfo=datetime.UTC)


@pytest.fixture
def queue():
    """Three pending articles in queue order (relevance, then newest), one decided."""
    feed = f.FeedFactory(title="Wire feed")
    top = f.ArticleFactory(title="Envoys meet in Doha", relevance=0.9, published_at=when(7), feed=feed, text=TEXT)
    middle = f.ArticleFactory(title="Truce talks resume", relevance=0.5, published_at=when(8), language="en")
    low = f.ArticleFactory(title="محادثات الهدنة", relevance=0.5, published_at=when(6), language="ar")
    f.ArticleFactory(title="Already decided", review_state="accepted", reviewed_at=when(9))
    return top, middle, low


def titles(response) -> list[str]:
    return [article.title for article, _ in response.context["rows"]]


def test_the_queue_lists_pending_articles_by_relevance_then_time_with_counts(client_for, queue):
    response = client_for("editor").get(reverse("review:queue"))
    assert response.status_code == 200
    assert titles(response) == ["Envoys meet in Doha", "Truce talks resume", "محادثات الهدنة"]
    counts = response.context["counts"]
    assert counts["total"] == 3
    assert ("ar", 1) in counts["languages"] and ("en", 1) in counts["languages"]
    assert [(str(feed), n) for feed, n in counts["feeds"] if str(feed) == "Wire feed"] == [("Wire feed", 1)]
    assert b'name="article"' in response.content  # the bulk checkboxes


def test_the_queue_filters_by_feed_language_actor_dates_story_and_search(client_for, queue):
    top, middle, low = queue
    actor = f.ActorFactory(name="Steve Witkoff", slug="steve-witkoff")
    f.MentionFactory(article=middle, actor=actor, start=0, end=5)
    low.story = top
    low.save()
    client = client_for("editor")
    url = reverse("review:queue")
    assert titles(client.get(url, {"feed": top.feed_id})) == [top.title]
    assert titles(client.get(url, {"language": "ar"})) == [low.title]
    assert titles(client.get(url, {"actor": "steve-witkoff"})) == [middle.title]
    assert titles(client.get(url, {"date_from": "2025-07-07", "date_to": "2025-07-07"})) == [top.title]
    assert titles(client.get(url, {"story": top.pk})) == [low.title]
    response = client.get(url, {"search": "resume"})
    assert titles(response) == [middle.title]
    assert "<strong>1</strong> matches the filters" in response.content.decode()


def test_an_unknown_filter_value_is_said_and_not_applied(client_for, queue):
    response = client_for("editor").get(reverse("review:queue"), {"actor": "nobody"})
    assert response.status_code == 200
    assert "No actor with id or slug &quot;nobody&quot;. (this filter is not applied)" in response.content.decode()
    assert len(response.context["rows"]) == 3


def test_the_article_view_shows_text_mentions_story_and_suggestions(client_for, queue):
    top, middle, low = queue
    actor = f.ActorFactory(name="Qatar", slug="qatar")
    offset = len(top.title) + 2
    f.MentionFactory(article=top, actor=actor, start=offset + 14, end=offset + 18, matched_text="Doha")
    copy = f.ArticleFactory(title="Doha meeting", publisher="Other outlet", story=top)
    top.story = top
    top.publisher = "Wire"
    top.save()
    meeting = f.MeetingFactory(title="Doha round")
    strong = f.SuggestionFactory(article=top, record=meeting, score=0.8, reasons=["2 of 2 participants named"])
    f.SuggestionFactory(article=top, score=0.2, reasons=["date within 3 days"])
    with override_settings(SUGGESTION_PRESELECT_THRESHOLD=0.5):
        response = client_for("editor").get(reverse("review:article", kwargs={"pk": top.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a class="mention" href="/actors/qatar/" title="Qatar">Doha</a>' in html
    assert "Envoys met in " in html and " on Monday." in html
    assert response.context["article"].story_sources == 2
    assert [a.pk for a in response.context["same_story"]] == [copy.pk]
    assert response.context["preselected"] == [(strong, f"/meetings/{meeting.pk}/")]
    assert "2 of 2 participants named" in html and "score 0.80" in html
    assert "Show 1 more suggestion" in html
    assert f'value="{strong.pk}" id="suggestion-{strong.pk}" checked>' in html
    assert html.count(" checked>") == 1  # only the pre-selected one is ticked
    assert response.context["next_url"].endswith(f"/review/articles/{middle.pk}/")
    assert response.context["previous_url"] is None


def test_accept_over_htmx_shows_the_next_article_and_pushes_its_url(client_for, queue):
    top, middle, _ = queue
    suggestion = f.SuggestionFactory(article=top)
    response = client_for("editor").post(
        reverse("review:accept", kwargs={"pk": top.pk}),
        {"suggestion": [suggestion.pk], "quote": "sixty-day truce"},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Push-Url"] == f"/review/articles/{middle.pk}/"
    assert response.context["article"] == middle
    assert "1 citation(s) made with the quote" in response.content.decode()
    assert b"<html" not in response.content  # the panel alone
    assert Citation.objects.get().quote == "sixty-day truce"


def test_the_next_article_keeps_the_queue_filters(client_for, queue):
    top, middle, low = queue
    response = client_for("editor").post(
        reverse("review:reject", kwargs={"pk": middle.pk}) + "?language=ar", {"reason": "Sport."}, **HTMX
    )
    assert response["HX-Push-Url"] == f"/review/articles/{low.pk}/?language=ar"


def test_without_htmx_an_action_redirects_to_the_next_article(client_for, queue):
    top, middle, _ = queue
    response = client_for("editor").post(reverse("review:reject", kwargs={"pk": top.pk}), {"reason": "Sport."})
    assert (response.status_code, response["Location"]) == (302, f"/review/articles/{middle.pk}/")


def test_the_last_article_leaves_a_cleared_queue(client_for, queue):
    top, middle, low = queue
    client = client_for("editor")
    response = client.post(reverse("review:reject", kwargs={"pk": low.pk}), {"reason": "Sport."}, **HTMX)
    assert response["HX-Push-Url"] == "/review/"
    assert "The queue is clear" in response.content.decode()


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("accept", {"suggestion": ["999999"]}, "Some chosen suggestions do not belong to this article."),
        ("accept", {"suggestion": ["x1"]}, "Unknown suggestion: &#x27;x1&#x27;."),
        ("accept", {"quote": "a ninety-day truce"}, "This passage does not occur in the article"),
        ("reject", {"reason": "   "}, "Say why the article is rejected."),
        ("duplicate", {}, "Choose the original article, or give its id."),
        ("duplicate", {"original_id": "999999"}, "There is no article 999999."),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(client_for, queue, action, data, message):
    top = queue[0]
    response = client_for("editor").post(reverse(f"review:{action}", kwargs={"pk": top.pk}), data, **HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert response.context["article"] == top  # the same article, to correct
    top.refresh_from_db()
    assert top.review_state == "pending" and not Citation.objects.exists() and not Tombstone.objects.exists()


def test_a_refused_quote_is_kept_in_the_form(client_for, queue):
    response = client_for("editor").post(
        reverse("review:accept", kwargs={"pk": queue[0].pk}), {"quote": "not in it"}, **HTMX
    )
    assert 'name="quote" id="id_quote" value="not in it"' in response.content.decode()


def test_a_verdict_another_editor_gave_first_is_a_409_naming_them(client_for, queue, role_users):
    top = queue[0]
    services.article_reject(article=top, reviewer=role_users["administrator"], reason="Off topic.")
    response = client_for("editor").post(reverse("review:accept", kwargs={"pk": top.pk}), {}, **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert f"Article {top.pk} was already rejected by administrator-user at " in html
    assert 'id="accept-form"' not in html  # decided: no more actions on it
    assert not Citation.objects.exists()


def test_undo_from_the_panel_brings_the_article_back(client_for, queue):
    top, middle, _ = queue
    client = client_for("editor")
    response = client.post(reverse("review:reject", kwargs={"pk": top.pk}), {"reason": "Sport."}, **HTMX)
    assert f'name="article" value="{top.pk}"' in response.content.decode()  # the undo form, for the last verdict
    response = client.post(reverse("review:undo"), {"article": top.pk}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Push-Url"] == f"/review/articles/{top.pk}/"
    assert "is pending again" in response.content.decode()
    top.refresh_from_db()
    assert top.review_state == "pending" and not Tombstone.objects.exists()


def test_undo_of_another_editors_verdict_is_a_409(client_for, queue, role_users):
    top = queue[0]
    services.article_reject(article=top, reviewer=role_users["administrator"], reason="Sport.")
    response = client_for("editor").post(reverse("review:undo"), {"article": top.pk}, **HTMX)
    assert response.status_code == 409
    assert "only that verdict&#x27;s editor can undo it" in response.content.decode()
    top.refresh_from_db()
    assert top.review_state == "rejected"


def test_mark_duplicate_from_the_same_story_list(client_for, queue):
    top, middle, low = queue
    low.story = top
    low.save()
    response = client_for("editor").post(
        reverse("review:duplicate", kwargs={"pk": low.pk}), {"original": top.pk}, **HTMX
    )
    assert response.status_code == 200
    low.refresh_from_db()
    assert (low.review_state, low.duplicate_of) == ("duplicate", top)


def test_bulk_reject_from_the_queue(client_for, queue):
    top, middle, low = queue
    response = client_for("editor").post(
        reverse("review:bulk"), {"article": [top.pk, middle.pk], "verdict": "reject", "reason": "Sport."}, follow=True
    )
    assert "Rejected 2 article(s)." in response.content.decode()
    assert titles(response) == [low.title]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"verdict": "reject", "reason": "Sport."}, "Select at least one article."),
        ({"article": ["1"], "verdict": "reject", "reason": " "}, "Say why the articles are rejected."),
        ({"article": ["1"], "verdict": "burn"}, "Verdict: Select a valid choice."),
    ],
)
def test_bulk_bad_input_is_said_and_changes_nothing(client_for, queue, data, message):
    response = client_for("editor").post(reverse("review:bulk"), data, follow=True)
    assert message in response.content.decode()
    assert Article.objects.filter(review_state="pending").count() == 3


def test_a_viewer_reads_the_queue_and_the_article_without_any_action(client_for, queue, role_users):
    top = queue[0]
    f.SuggestionFactory(article=top, score=0.9)
    services.article_reject(article=queue[1], reviewer=role_users["editor"], reason="Sport.")
    client = client_for("viewer")
    queue_html = client.get(reverse("review:queue")).content.decode()
    article_html = client.get(reverse("review:article", kwargs={"pk": top.pk})).content.decode()
    for html in (queue_html, article_html):
        assert top.title in html
        assert 'method="post"' not in html.replace('action="/account/logout/"', "").split("<main", 1)[1]
    for action in ("accept", "reject", "duplicate"):
        response = client.post(reverse(f"review:{action}", kwargs={"pk": top.pk}), {"reason": "x", "original": 1})
        assert response.status_code == 403
    assert client.post(reverse("review:undo"), {"article": queue[1].pk}).status_code == 403
    assert client.post(reverse("review:bulk"), {"article": [top.pk], "verdict": "accept"}).status_code == 403
    assert Article.objects.filter(review_state="pending").count() == 2


def test_the_workspace_needs_a_login(client, queue):
    response = client.get(reverse("review:queue"))
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


def test_next_and_previous_answer_htmx_with_the_panel_and_back_with_the_page(client_for, queue):
    top, middle, _ = queue
    client = client_for("editor")
    url = reverse("review:article", kwargs={"pk": middle.pk})
    panel = client.get(url, **HTMX)
    assert b"<html" not in panel.content and panel.context["previous_url"] == f"/review/articles/{top.pk}/"
    assert "HX-Request" in panel["Vary"]
    restored = client.get(url, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert b"<html" in restored.content


def test_the_record_forms_are_linked_for_those_who_may_edit_the_record(client_for, queue):
    url = reverse("review:article", kwargs={"pk": queue[0].pk})
    form = reverse("review:record-form", kwargs={"pk": queue[0].pk, "kind": "proposal-event"})
    assert f'href="{form}" data-quote-link>proposal event</a>' in client_for("administrator").get(url).content.decode()
    assert form not in client_for("viewer").get(url).content.decode()


def test_the_same_story_lists_the_original_and_the_duplicates(client_for, queue, role_users):
    top, middle, low = queue
    services.article_mark_duplicate(article=middle, reviewer=role_users["editor"], original=top)
    client = client_for("editor")
    page = client.get(reverse("review:article", kwargs={"pk": top.pk}))
    assert page.context["same_story"] == [middle]
    page = client.get(reverse("review:article", kwargs={"pk": middle.pk}))
    assert page.context["same_story"] == [top]
    assert f'a duplicate of <a href="/review/articles/{top.pk}/">article {top.pk}</a>' in page.content.decode()
