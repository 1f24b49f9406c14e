"""The review transitions (review/services.py): accept into citations, reject into a tombstone, mark a duplicate;
each one a conditional UPDATE out of pending, so a second verdict on an article is refused, never written."""

import datetime

import pytest
from django.utils import timezone

from negotiations.models import Citation
from news.models import Article, Tombstone
from review import services
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_accept_turns_the_chosen_suggestions_into_citations(role_users):
    article = f.ArticleFactory(publisher="Al Jazeera", published_at=datetime.datetime(2025, 7, 8, tzinfo=datetime.UTC))
    chosen = f.SuggestionFactory(article=article)
    f.SuggestionFactory(article=article)  # not chosen: no citation
    citations = services.article_accept(article=article, reviewer=role_users["editor"], suggestion_ids=[chosen.pk])
    assert [(c.record, c.article, c.publisher, c.published_on) for c in citations] == [
        (chosen.record, article, "Al Jazeera", datetime.date(2025, 7, 8))
    ]
    assert list(Citation.objects.all()) == citations
    article.refresh_from_db()
    assert (article.review_state, article.reviewer) == ("accepted", role_users["editor"])
    assert article.reviewed_at is not None


def test_accept_refuses_a_suggestion_of_another_article_and_changes_nothing(role_users):
    article = f.ArticleFactory()
    foreign = f.SuggestionFactory()
    with pytest.raises(services.ReviewError, match="do not belong to this article"):
        services.article_accept(article=article, reviewer=role_users["editor"], suggestion_ids=[foreign.pk])
    article.refresh_from_db()
    assert article.review_state == "pending" and not Citation.objects.exists()


def test_reject_needs_a_reason_and_leaves_a_tombstone(role_users):
    article = f.ArticleFactory()
    with pytest.raises(services.ReviewError):
        services.article_reject(article=article, reviewer=role_users["editor"], reason="  ")
    services.article_reject(article=article, reviewer=role_users["editor"], reason="Football.")
    assert Tombstone.objects.get().canonical_url == article.canonical_url
    article.refresh_from_db()
    assert (article.review_state, article.review_note) == ("rejected", "Football.")


def test_mark_duplicate_points_at_the_original_story(role_users):
    original, copy, syndicated = f.ArticleFactory(), f.ArticleFactory(), f.ArticleFactory()
    services.article_mark_duplicate(article=copy, reviewer=role_users["editor"], original=original)
    copy.refresh_from_db()
    assert (copy.review_state, copy.duplicate_of) == ("duplicate", original)
    services.article_mark_duplicate(article=syndicated, reviewer=role_users["editor"], original=copy)
    syndicated.refresh_from_db()
    assert syndicated.duplicate_of == original  # a duplicate of a duplicate points at the original
    with pytest.raises(services.ReviewError, match="cannot duplicate itself"):
        services.article_mark_duplicate(article=original, reviewer=role_users["editor"], original=original)


def test_the_transition_keeps_the_audit_history_with_its_reviewer(role_users):
    article = f.ArticleFactory()
    services.article_reject(article=article, reviewer=role_users["editor"], reason="Noise.")
    latest = article.history.order_by("-history_id").first()
    assert (latest.history_type, latest.review_state, latest.review_note) == ("~", "rejected", "Noise.")
    assert latest.history_user == role_users["editor"]


@pytest.mark.parametrize("second", ["accept", "reject", "mark_duplicate"])
def test_a_second_verdict_is_refused_naming_who_decided_what_and_when(role_users, second):
    editor, other = role_users["editor"], role_users["administrator"]
    article, original = f.ArticleFactory(), f.ArticleFactory()
    suggestion = f.SuggestionFactory(article=article)
    stale = Article.objects.get(pk=article.pk)  # loaded while pending, as the second editor's page was
    services.article_accept(article=article, reviewer=editor, suggestion_ids=[suggestion.pk], note="Cites the dinner.")
    decided = Article.objects.get(pk=article.pk)
    when = f"{timezone.localtime(decided.reviewed_at):%Y-%m-%d %H:%M:%S %Z}"
    attempt = {
        "accept": lambda: services.article_accept(article=stale, reviewer=other, suggestion_ids=[suggestion.pk]),
        "reject": lambda: services.article_reject(article=stale, reviewer=other, reason="Noise."),
        "mark_duplicate": lambda: services.article_mark_duplicate(article=stale, reviewer=other, original=original),
    }[second]
    with pytest.raises(services.ReviewConflict) as refused:
        attempt()
    assert str(refused.value) == (
        f"Article {article.pk} was already accepted by editor-user at {when}; nothing was changed."
    )
    now = Article.objects.get(pk=article.pk)
    assert (now.review_state, now.reviewer, now.reviewed_at, now.review_note, now.duplicate_of) == (
        "accepted",
        editor,
        decided.reviewed_at,
        "Cites the dinner.",
        None,
    )
    assert Citation.objects.count() == 1 and not Tombstone.objects.exists()


def test_the_conflict_names_processing_and_the_original_of_a_duplicate_it_found():
    holder = f.ArticleFactory()
    article = f.ArticleFactory()
    Article.objects.filter(pk=article.pk).update(
        review_state="duplicate", duplicate_of=holder, reviewed_at=timezone.now(), review_note="Same canonical URL."
    )
    with pytest.raises(services.ReviewConflict, match=rf"already marked a duplicate of article {holder.pk} "):
        services.article_reject(article=article, reviewer=None, reason="Noise.")
    assert "automatically (processing)" in services.conflict_message(article.pk)
    assert services.conflict_message(999_999) == "The article was deleted meanwhile."
