"""Suggestion scoring (review/scoring.py): a batch's shared candidate pools give what each article alone gives."""

import datetime

import pytest

from review import scoring
from tests import factories as f
from tests.news.test_batch import OTHER, stored_articles
from tests.news.test_processing import BODY, world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_suggestion_pools_cut_at_their_cap_fall_back_to_each_articles_own_query(world, monkeypatch):  # noqa: F811
    for day in range(1, 9):  # more meetings than the pools may hold once MAX_CANDIDATES is 2
        meeting = f.MeetingFactory(starts_at=datetime.datetime(2025, 7, day, 9, tzinfo=datetime.UTC))
        f.ParticipantFactory(meeting=meeting, actor=world["hamas"] if day % 2 else world["trump"])
    articles = stored_articles([f"{BODY} Hamas.", "Trump and Netanyahu at dinner. " + OTHER], day=5)
    for article in articles:
        article.text = f"{article.title} {BODY}"
    items = [(articles[0], {world["hamas"].pk}), (articles[1], {world["trump"].pk, world["netanyahu"].pk})]
    monkeypatch.setattr(scoring, "MAX_CANDIDATES", 2)
    monkeypatch.setattr(scoring, "MIN_SCORE", 0)  # every candidate becomes a suggestion, however far in days
    batch = scoring.score_articles(items)
    alone = [scoring.score_articles([item])[0] for item in items]

    def keyed(result):
        suggestions, relevance = result
        return relevance, sorted((s.content_type_id, s.object_id, s.score) for s in suggestions)

    assert [keyed(result) for result in batch] == [keyed(result) for result in alone]
    assert all(len([s for s in result[0] if s.content_type.model == "meeting"]) == 2 for result in alone)


def test_processing_writes_suggestions_and_relevance_through_the_batch_hook_only(world, settings):  # noqa: F811
    """News names no review code: without the hook its batches write no suggestion and leave relevance alone."""
    from news import services as news_services
    from review.models import Suggestion

    settings.INGEST_BATCH_HOOKS = []
    bare = stored_articles([BODY])[0]
    news_services.articles_process(article_ids=[bare.pk])
    bare.refresh_from_db()
    assert (bare.processing_state, bare.relevance) == ("processed", 0.0)
    assert bare.mentions.exists() and not Suggestion.objects.exists()

    settings.INGEST_BATCH_HOOKS = ["review.services.suggestions_for_batch"]
    hooked = stored_articles([BODY])[0]
    news_services.articles_process(article_ids=[hooked.pk])
    hooked.refresh_from_db()
    assert hooked.relevance > 0.5
    assert Suggestion.objects.filter(article=hooked, object_id=world["dinner"].pk).exists()
