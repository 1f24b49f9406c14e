"""Exact query counts of the review workspace's pages, the same at two sizes of the queue."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db


def fill_queue(size: int):
    """`size` pending articles in two feeds, each mentioning two actors, with a meeting and a sticking point
    suggested, and a second outlet carrying its story (marked a duplicate); returns the last (most relevant)."""
    feeds = [f.FeedFactory(), f.FeedFactory()]
    actors = [f.ActorFactory(), f.ActorFactory()]
    for index in range(size):
        article = f.ArticleFactory(
            feed=feeds[index % 2], text="Envoys met in Doha.\nTalks go on.", relevance=index / size, language="en"
        )
        article.story = article
        article.save()
        f.ArticleFactory(
            feed=feeds[0],
            story=article,
            publisher="Other outlet",
            review_state="duplicate",
            duplicate_of=article,
            reviewed_at=timezone.now(),
        )
        offset = len(article.title) + 2
        for number, actor in enumerate(actors):
            f.MentionFactory(article=article, actor=actor, start=offset + number * 7, end=offset + number * 7 + 5)
        f.SuggestionFactory(article=article, score=0.9)
        f.SuggestionFactory(article=article, record=f.StickingPointFactory(), score=0.3)
    return article


@pytest.mark.parametrize("size", [2, 12])
def test_the_queue_page_costs_the_same_at_any_size(client_for, django_assert_num_queries, size):
    fill_queue(size)
    client = client_for("editor")
    # savepoint (ATOMIC_REQUESTS), session, user, user's and groups' permissions (login + view check), pending
    # by feed and language (the total too: the paginator's count), those feeds, the page of rows (with the
    # story's outlet count; their ids in a subquery), the user's groups (navigation), the actors for the actor
    # filter, release.
    with django_assert_num_queries(11):
        response = client.get(reverse("review:queue"))
    assert len(response.context["rows"]) == size


@pytest.mark.parametrize("size", [2, 12])
def test_the_filtered_queue_page_costs_the_same_at_any_size(client_for, django_assert_num_queries, size):
    fill_queue(size)
    client = client_for("editor")
    # As the whole queue's, and the count of the filtered queue (up to 1,000).
    with django_assert_num_queries(12):
        response = client.get(reverse("review:queue"), {"language": "en"})
    assert len(response.context["rows"]) == size


@pytest.mark.parametrize("size", [2, 12])
def test_the_article_view_costs_the_same_at_any_size(client_for, django_assert_num_queries, size):
    article = fill_queue(size)
    client = client_for("editor")
    # savepoint, session, user, user's and groups' permissions, the article (with feed, reviewer and story
    # outlet count), its mentions with their actors, the next and the previous pending article, its suggestions
    # (with content types), their meetings, their sticking points, the same story's articles, the pending
    # count (up to 1,000), the user's last verdict (for undo), the user's groups (navigation), release.
    with django_assert_num_queries(17):
        response = client.get(reverse("review:article", kwargs={"pk": article.pk}))
    assert len(response.context["paragraphs"]) == 2
    assert len(response.context["same_story"]) == 1


@pytest.mark.parametrize("size", [2, 12])
def test_an_action_answered_with_the_next_panel_costs_the_same_at_any_size(client_for, django_assert_num_queries, size):
    article = fill_queue(size)
    client = client_for("editor")
    # savepoint, session, user, permissions (2), the article; the verdict: savepoint, the conditional UPDATE, its
    # history row, savepoint, tombstone lookup, savepoint, tombstone insert, its history row, three releases; the
    # decided article's neighbours (the next is shown); then for the next one: the article, its mentions, its
    # neighbours, suggestions, meetings, sticking points, same story, pending count, last verdict; release. (The
    # panel alone is sent back: no navigation, so not the user's groups.)
    with django_assert_num_queries(30):
        response = client.post(
            reverse("review:reject", kwargs={"pk": article.pk}), {"reason": "Sport."}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
