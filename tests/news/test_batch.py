"""A batch processed together gives what one article at a time gives, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news import services
from news.models import Article, Mention
from news.pipeline import mentions
from review.models import Suggestion
from tests import factories as f
from tests.news.test_processing import BODY, world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def edited(text: str, every: int, word: str = "reportedly") -> str:
    words = text.split()
    for index in range(0, len(words), every):
        words[index] = word
    return " ".join(words)


OTHER = (
    "Ministers of the Gulf states met in Riyadh to discuss oil output quotas for the coming quarter, and agreed "
    "to keep production steady while markets absorb the latest figures. Delegates said that prices had recovered "
    "since the spring and that demand in Asia was stronger than expected, although refinery outages in Europe "
    "had weighed on margins. A joint statement promised to review the arrangement at the next meeting in Vienna, "
    "where officials will also discuss investment in new capacity and the pace of the energy transition."
)


def stored_articles(texts: list[str], *, day: int = 7) -> list[Article]:
    """Articles whose page is already stored (no fetch), published around the demo dinner."""
    feed = f.FeedFactory()
    published = datetime.datetime(2025, 7, day, 12, tzinfo=datetime.UTC)
    return [
        f.ArticleFactory(
            feed=feed,
            title=f"Report {index}",
            summary="Short.",
            raw_html=f"<html><body><article><h1>Report {index}</h1><p>{text}</p></article></body></html>",
            published_at=published + datetime.timedelta(hours=index),
        )
        for index, text in enumerate(texts)
    ]


def derived(ids: list[int]) -> list[tuple]:
    """What processing derived for each article: its story (as a position in ids), relevance, mentions, suggestions."""
    position = {pk: place for place, pk in enumerate(ids)}
    rows = []
    for article in Article.objects.filter(pk__in=ids).order_by("pk"):
        found = sorted(Mention.objects.filter(article=article).values_list("actor_id", "start", "end"))
        suggested = sorted(
            Suggestion.objects.filter(article=article).values_list("content_type_id", "object_id", "score")
        )
        rows.append((position.get(article.story_id), article.relevance, article.content_hash, found, suggested))
    return rows


def test_a_batch_gives_what_one_article_at_a_time_gives(world):  # noqa: F811
    texts = [BODY, edited(BODY, 20), OTHER, edited(OTHER, 25), BODY, edited(BODY, 20, "allegedly") + " Trump said."]
    one_by_one = stored_articles(texts)
    ids = [article.pk for article in one_by_one]
    for article_id in ids:
        services.articles_process(article_ids=[article_id])
    expected = derived(ids)
    Article.objects.all().delete()

    together = [article.pk for article in stored_articles(texts)]
    outcome = services.articles_process(article_ids=together)
    assert sorted(outcome.processed) == sorted(together)
    assert derived(together) == expected
    # The copies joined the first article of their text; OTHER and its copy have a story of their own.
    assert [row[0] for row in expected] == [0, 0, 2, 2, 0, 0]
    assert expected[0][4], "the dinner is suggested for the articles naming Trump and Netanyahu"


def test_a_batch_costs_the_same_queries_at_any_size(world):  # noqa: F811
    # The matcher is built once per process (one more query), then only its stamp is read; a stored
    # article that every batch below finds as a near-duplicate makes every batch read candidate rows.
    services.articles_process(article_ids=[stored_articles([BODY])[0].pk])
    counts = []
    for size in (2, 8):
        ids = [article.pk for article in stored_articles([edited(BODY, 20 + n) for n in range(size)])]
        with CaptureQueriesContext(connection) as captured:
            services.articles_process(article_ids=ids)
        counts.append(len(captured))
    assert counts[0] == counts[1] == 19


def test_an_article_that_breaks_the_batch_write_fails_alone(world, monkeypatch):  # noqa: F811
    articles = stored_articles([BODY, OTHER, edited(BODY, 4)])
    find = mentions.find_mentions

    def a_broken_span_in_the_second(article, matcher):
        found = find(article, matcher)
        if article.pk == articles[1].pk:  # a span that ends before it starts: the table refuses it
            found.append(mentions.Found(article.pk, world["hamas"].pk, None, 5, 2, "x"))
        return found

    monkeypatch.setattr(mentions, "find_mentions", a_broken_span_in_the_second)
    outcome = services.articles_process(article_ids=[article.pk for article in articles])
    assert sorted(outcome.processed) == [articles[0].pk, articles[2].pk]
    assert list(outcome.failed) == [articles[1].pk]
    states = dict(Article.objects.values_list("pk", "processing_state"))
    assert [states[article.pk] for article in articles] == ["processed", "failed", "processed"]
    assert "IntegrityError" in Article.objects.get(pk=articles[1].pk).processing_error
    assert Mention.objects.filter(article=articles[0]).exists() and not Mention.objects.filter(article=articles[1])


def test_a_batch_skips_processed_articles_and_reports_deleted_ones():
    processed, fresh = stored_articles([BODY, OTHER])
    services.articles_process(article_ids=[processed.pk])
    outcome = services.articles_process(article_ids=[processed.pk, fresh.pk, 999_999])
    assert outcome.skipped == {processed.pk: "processed"}
    assert list(outcome.processed) == [fresh.pk]
    assert outcome.gone == [999_999]


def test_a_review_or_an_update_made_while_the_batch_ran_is_not_reverted(monkeypatch):
    reviewed, updated, plain = stored_articles([BODY, OTHER, edited(OTHER, 5)])
    prepare = services._prepare

    def meanwhile(article, page, matcher):
        if article.pk == plain.pk:  # the batch is busy with its last article when people and polls act
            Article.objects.filter(pk=reviewed.pk).update(
                review_state=Article.ReviewState.REJECTED, reviewed_at=datetime.datetime.now(datetime.UTC)
            )
            Article.objects.filter(pk=updated.pk).update(revision=2, summary="A correction.")
        return prepare(article, page, matcher)

    monkeypatch.setattr(services, "_prepare", meanwhile)
    outcome = services.articles_process(article_ids=[reviewed.pk, updated.pk, plain.pk])
    assert sorted(outcome.processed) == sorted([reviewed.pk, plain.pk])
    assert outcome.skipped == {updated.pk: "superseded"}  # the poll queued its own processing
    rows = Article.objects.in_bulk([reviewed.pk, updated.pk])
    assert rows[reviewed.pk].review_state == "rejected" and rows[reviewed.pk].processing_state == "processed"
    assert rows[updated.pk].processing_state == "new" and rows[updated.pk].text == updated.text


def test_after_a_failed_batch_write_each_article_starts_again_from_its_stored_state(world, monkeypatch):  # noqa: F811
    # Both pages name the same canonical URL; the first article breaks the batch write. In the batch
    # attempt the second became the first's duplicate; written on its own, it takes the URL itself.
    canonical = "http://127.0.0.1:9/story/doha"
    first, second = stored_articles([BODY, OTHER])
    for article in (first, second):
        article.raw_html = article.raw_html.replace("<html>", f'<html><head><link rel="canonical" href="{canonical}">')
        article.save()
    find = mentions.find_mentions

    def broken_first(article, matcher):
        found = find(article, matcher)
        return [*found, mentions.Found(article.pk, world["hamas"].pk, None, 5, 2, "x")] if article == first else found

    monkeypatch.setattr(mentions, "find_mentions", broken_first)
    outcome = services.articles_process(article_ids=[first.pk, second.pk])
    assert list(outcome.failed) == [first.pk] and list(outcome.processed) == [second.pk]
    second.refresh_from_db()
    assert (second.canonical_url, second.review_state, second.duplicate_of_id) == (canonical, "pending", None)


def test_reprocessing_a_story_together_keeps_it_whole():
    # U2 and X are each a partial copy of U1, and not copies of each other. Processed one by one, all three
    # are in U1's story; processing U2 and U1 again in one batch (U2 first) must keep it so.
    words = BODY.split()
    cut = len(words) * 7 // 10
    u1_text = BODY
    u2_text = " ".join(words[:cut]) + " " + " ".join(OTHER.split()[: len(words) - cut])
    x_text = " ".join(OTHER.split()[-(len(words) - cut) :]) + " " + " ".join(words[-cut:])
    u1, u2, x = stored_articles([u1_text, u2_text, x_text])
    for article in (u1, u2, x):
        services.articles_process(article_ids=[article.pk])
    assert set(Article.objects.values_list("story_id", flat=True)) == {u1.pk}

    services.articles_process(article_ids=[u2.pk, u1.pk], force=True)
    assert dict(Article.objects.values_list("pk", "story_id")) == {u1.pk: u1.pk, u2.pk: u1.pk, x.pk: u1.pk}


@pytest.mark.parametrize(
    "table,column",
    [
        ("news_mention", "article_id"),
        ("news_mention", "actor_id"),
        ("news_articleband", "article_id"),
        ("news_suggestion", "article_id"),
    ],
)
def test_the_rows_processing_replaces_carry_one_index_per_lookup_column(table, column):
    """Each column is indexed once, as the first column of a composite; no single-column copy to update too."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    leading = [name for name, c in constraints.items() if (c["index"] or c["unique"]) and c["columns"][:1] == [column]]
    alone = [name for name in leading if constraints[name]["columns"] == [column]]
    assert leading, f"{table}.{column} must stay indexed"
    assert not alone, f"{table}.{column} has a single-column index besides its composite: {alone}"
