"""The workspace's additions to review/services.py: a quote on the citations an accept makes (it must occur in the
article), undo of an editor's own last verdict (conditional, like a verdict), and bulk verdicts."""

import pytest
from django.test import override_settings

from negotiations.models import Citation
from news.models import Article, Tombstone
from review import services
from tests import factories as f

pytestmark = pytest.mark.django_db

TEXT = "Envoys met in Doha on Monday.\nBoth sides accepted a sixty-day truce, officials said."


def test_accept_puts_the_quote_on_every_citation_it_makes(role_users):
    article = f.ArticleFactory(text=TEXT)
    chosen = [f.SuggestionFactory(article=article), f.SuggestionFactory(article=article)]
    services.article_accept(
        article=article,
        reviewer=role_users["editor"],
        suggestion_ids=[s.pk for s in chosen],
        quote="  Both sides accepted\n a sixty-day truce ",
    )
    assert sorted(Citation.objects.values_list("quote", flat=True)) == ["Both sides accepted a sixty-day truce"] * 2


def test_a_quote_spanning_two_paragraphs_is_found(role_users):
    article = f.ArticleFactory(text=TEXT)
    suggestion = f.SuggestionFactory(article=article)
    quote = "on Monday.\n\nBoth sides"  # a browser's selection across two paragraphs
    services.article_accept(article=article, reviewer=role_users["editor"], suggestion_ids=[suggestion.pk], quote=quote)
    assert Citation.objects.get().quote == "on Monday. Both sides"


def test_a_quote_not_in_the_article_is_refused_and_nothing_changes(role_users):
    article = f.ArticleFactory(text=TEXT)
    suggestion = f.SuggestionFactory(article=article)
    with pytest.raises(services.ReviewError, match="does not occur in the article"):
        services.article_accept(
            article=article, reviewer=role_users["editor"], suggestion_ids=[suggestion.pk], quote="a ninety-day truce"
        )
    article.refresh_from_db()
    assert article.review_state == "pending" and not Citation.objects.exists()


def test_undo_of_an_accept_removes_the_citations_it_made_and_keeps_older_ones(role_users):
    editor = role_users["editor"]
    article = f.ArticleFactory(text=TEXT)
    suggestions = [f.SuggestionFactory(article=article), f.SuggestionFactory(article=article)]
    older = f.CitationFactory(article=article, record=suggestions[0].record)  # cited by hand before the verdict
    services.article_accept(
        article=article, reviewer=editor, suggestion_ids=[s.pk for s in suggestions], quote="Envoys met"
    )
    assert Citation.objects.count() == 2
    services.article_undo(article=article, reviewer=editor)
    assert list(Citation.objects.all()) == [older]
    article.refresh_from_db()
    assert (article.review_state, article.reviewer, article.reviewed_at, article.review_note) == (
        "pending",
        None,
        None,
        "",
    )
    last = article.history.order_by("-history_id").first()
    assert (last.review_state, last.history_user, last.history_change_reason) == (
        "pending",
        editor,
        "Undo of the accepted verdict",
    )


def test_undo_of_a_reject_removes_its_tombstone(role_users):
    article = f.ArticleFactory()
    services.article_reject(article=article, reviewer=role_users["editor"], reason="Sport.")
    services.article_undo(article=article, reviewer=role_users["editor"])
    assert not Tombstone.objects.exists()
    article.refresh_from_db()
    assert article.review_state == "pending"


def test_undo_of_a_duplicate_clears_the_link(role_users):
    original, copy = f.ArticleFactory(), f.ArticleFactory()
    services.article_mark_duplicate(article=copy, reviewer=role_users["editor"], original=original)
    services.article_undo(article=copy, reviewer=role_users["editor"])
    copy.refresh_from_db()
    assert (copy.review_state, copy.duplicate_of) == ("pending", None)


def test_only_the_editor_who_decided_may_undo(role_users):
    article = f.ArticleFactory()
    services.article_reject(article=article, reviewer=role_users["editor"], reason="Sport.")
    with pytest.raises(services.ReviewConflict, match=r"was rejected by editor-user at .*only that verdict's editor"):
        services.article_undo(article=article, reviewer=role_users["administrator"])
    assert Article.objects.get().review_state == "rejected" and Tombstone.objects.exists()


def test_undo_is_refused_when_the_article_changed_since(role_users):
    editor, admin = role_users["editor"], role_users["administrator"]
    article = f.ArticleFactory()
    services.article_reject(article=article, reviewer=editor, reason="Sport.")
    stale = Article.objects.get(pk=article.pk)  # the editor's page, loaded now
    services.article_undo(article=Article.objects.get(pk=article.pk), reviewer=editor)  # undone in another tab
    services.article_accept(article=Article.objects.get(pk=article.pk), reviewer=admin)  # and decided again
    with pytest.raises(services.ReviewConflict, match=r"changed since your verdict: it is now accepted by admin"):
        services.article_undo(article=stale, reviewer=editor)
    assert Article.objects.get().review_state == "accepted"


def test_undo_of_a_pending_article_is_refused(role_users):
    with pytest.raises(services.ReviewConflict, match="no verdict to undo"):
        services.article_undo(article=f.ArticleFactory(), reviewer=role_users["editor"])


@override_settings(SUGGESTION_PRESELECT_THRESHOLD=0.6)
def test_bulk_accept_cites_the_pre_selected_suggestions_only_and_reports_conflicts(role_users):
    first, second, decided = f.ArticleFactory(), f.ArticleFactory(), f.ArticleFactory()
    strong = f.SuggestionFactory(article=first, score=0.6)
    f.SuggestionFactory(article=first, score=0.59)
    f.SuggestionFactory(article=second, score=0.2)
    services.article_reject(article=decided, reviewer=role_users["administrator"], reason="Sport.")
    count, refusals = services.articles_review_bulk(
        article_ids=[first.pk, second.pk, decided.pk], reviewer=role_users["editor"], verdict="accept"
    )
    assert count == 2
    assert refusals == [services.conflict_message(decided.pk)]
    assert [(c.article_id, c.object_id) for c in Citation.objects.all()] == [(first.pk, strong.object_id)]
    assert set(Article.objects.values_list("review_state", flat=True)) == {"accepted", "rejected"}


def test_bulk_reject_needs_a_reason(role_users):
    article = f.ArticleFactory()
    with pytest.raises(services.ReviewError, match="Say why"):
        services.articles_review_bulk(article_ids=[article.pk], reviewer=role_users["editor"], verdict="reject")
    assert Article.objects.get().review_state == "pending"
