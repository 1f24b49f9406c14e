"""tracker.bulk: one UPDATE for rows with different values, and inserts without model instances."""

import datetime

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from news.models import Article, ArticleBand, Mention
from tests import factories as f
from tracker.bulk import array_param, bulk_insert, bulk_update

pytestmark = pytest.mark.django_db


def test_bulk_update_writes_each_rows_own_values_in_one_query():
    first, second, untouched = f.ArticleFactory(), f.ArticleFactory(), f.ArticleFactory()
    when = datetime.datetime(2025, 7, 9, 14, 30, tzinfo=datetime.UTC)
    first.text, first.simhash, first.story, first.processed_at = "Doha, day one.", -(2**63), first, when
    second.text, second.simhash, second.story, second.processed_at = "", None, first, None
    first.relevance, second.relevance = 0.5, 0.0
    history = Article.history.count()
    with CaptureQueriesContext(connection) as captured:
        assert bulk_update([first, second], ["text", "simhash", "story", "processed_at", "relevance"]) == 2
    assert len(captured) == 1
    rows = Article.objects.in_bulk([first.pk, second.pk, untouched.pk])
    one, two = rows[first.pk], rows[second.pk]
    assert (one.text, one.simhash, one.story_id) == ("Doha, day one.", -(2**63), first.pk)
    assert (one.processed_at, one.relevance) == (when, 0.5)
    assert (two.text, two.simhash, two.processed_at, two.story_id) == ("", None, None, first.pk)
    assert rows[untouched.pk].text == untouched.text and rows[untouched.pk].story_id is None
    assert Article.history.count() == history  # a queryset-style write: no history rows


def test_bulk_update_with_every_value_null_in_a_column():
    # VALUES columns get their type from their values: all NULL must still fit a bigint column.
    articles = [f.ArticleFactory(simhash=7), f.ArticleFactory(simhash=8)]
    for article in articles:
        article.simhash = None
    assert bulk_update(articles, ["simhash"]) == 2
    assert set(Article.objects.values_list("simhash", flat=True)) == {None}


def test_bulk_update_of_nothing_sends_nothing():
    with CaptureQueriesContext(connection) as captured:
        assert bulk_update([], ["text"]) == 0
    assert not captured


def test_bulk_insert_stores_plain_tuples():
    first, second = f.ArticleFactory(), f.ArticleFactory()
    rows = [(first.pk, 0, -(2**63)), (first.pk, 1, 2**63 - 1), (second.pk, 0, 42)]
    with CaptureQueriesContext(connection) as captured:
        bulk_insert(ArticleBand, ["article", "band", "key"], rows)
    assert len(captured) == 1
    stored = sorted(ArticleBand.objects.values_list("article_id", "band", "key"))
    assert stored == sorted(rows)
    bulk_insert(ArticleBand, ["article", "band", "key"], [])
    assert ArticleBand.objects.count() == 3


def test_bulk_insert_keeps_nulls_and_texts_that_look_like_array_syntax():
    article = f.ArticleFactory()
    actor = f.ActorFactory()
    awkward = ['say "no"', "a, b", "{x}", "back\\slash", "NULL", ""]
    rows = [(article.pk, actor.pk, None, index, index + 1, text) for index, text in enumerate(awkward)]
    bulk_insert(Mention, ["article", "actor", "alias", "start", "end", "matched_text"], rows)
    stored = list(Mention.objects.order_by("start").values_list("alias_id", "start", "end", "matched_text"))
    assert stored == [(None, index, index + 1, text) for index, text in enumerate(awkward)]


def test_array_param_sends_ints_as_the_arrays_text_and_anything_else_as_the_list():
    assert array_param([3, -(2**63), None, 2**63 - 1]) == "{3,-9223372036854775808,NULL,9223372036854775807}"
    assert array_param(()) == "{}"
    assert array_param(["3", "4"]) == ["3", "4"]
    assert array_param([1, True]) == [1, True]  # a bool is no int here: psycopg2 adapts it as one
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the literal reads back as the same values, NULL included
            cursor.execute("SELECT %s::bigint[]", [array_param([5, None, -(2**63)])])
            assert cursor.fetchone()[0] == [5, None, -(2**63)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite does not enforce varchar lengths")
def test_a_value_too_long_for_its_column_is_refused_not_cut():
    article = f.ArticleFactory()
    article.language = "x" * 17  # the column holds 16
    with pytest.raises(DataError), transaction.atomic():
        bulk_update([article], ["language"])
    with pytest.raises(DataError), transaction.atomic():
        bulk_insert(Mention, ["article", "actor", "start", "end", "matched_text"], [(article.pk, 1, 0, 1, "y" * 301)])
    assert Article.objects.get(pk=article.pk).language == ""
