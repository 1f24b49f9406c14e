"""Near-duplicates through the stored index: recall at 5, 10 and 20% of words replaced, no false cluster,
hot band keys ignored, sketches deciding which texts are read, and fingerprints written again by command."""

import io
import json
import random
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.db import connection

from bench.ingest.dedupe_bench import TOPICS, Corpus, render
from news import services
from news.models import Article, ArticleBand
from news.pipeline import dedupe
from tests.factories import ArticleFactory, FeedFactory
from tracker.bulk import bulk_insert

pytestmark = pytest.mark.django_db

BATCH = 20  # INGEST_PROCESS_BATCH: copies are looked up as a processing batch looks them up


def stored(feed, text):
    """A processed article with its fingerprint stored as processing's batch write stores it."""
    fprint = dedupe.fingerprint(text)
    article = ArticleFactory(
        feed=feed,
        text=text,
        processing_state=Article.ProcessingState.PROCESSED,
        content_hash=fprint.text_hash,
        simhash=fprint.simhash,
        minhash=fprint.sketch,
    )
    dedupe.replace_bands([(article, fprint)])
    return article


def stories_in_batches(articles):
    found = []
    for start in range(0, len(articles), BATCH):
        batch = articles[start : start + BATCH]
        found += dedupe.find_stories([(article, dedupe.fingerprint(article.text)) for article in batch])
    return found


def test_copies_with_5_10_and_20_percent_of_words_replaced_find_their_original_and_originals_stay_apart():
    corpus, rng = Corpus(seed=23), random.Random(23)
    feed = FeedFactory()
    words = [corpus.article_words(topic=i % TOPICS) for i in range(120)]
    originals = [stored(feed, render(article_words)) for article_words in words]

    recall = {}
    for share, count in [(0.05, 40), (0.10, 40), (0.20, 100)]:
        sources = [rng.randrange(len(originals)) for _ in range(count)]
        copies = [ArticleFactory.build(text=render(corpus.replace_words(words[s], share))) for s in sources]
        found = stories_in_batches(copies)
        recall[share] = sum(story == originals[s] for story, s in zip(found, sources, strict=True)) / count
        # A copy never joins another original.
        assert all(story in (None, originals[s]) for story, s in zip(found, sources, strict=True))
    assert recall[0.05] == recall[0.10] == 1.0
    assert recall[0.20] >= 0.95

    # Each original, looked up with its own id excluded, is alone: no false cluster.
    assert stories_in_batches(originals) == [None] * len(originals)


HOT = dedupe.HOT_KEY + 5


def test_a_hot_band_key_is_ignored_and_the_true_copy_still_found():
    """Band 0's key is held by more than HOT_KEY articles, band 1's by exactly HOT_KEY (still used)."""
    keys = [1000 + band for band in range(dedupe.BANDS)]
    copy = ArticleFactory()  # the oldest: newer holders of the hot key must not push it out
    hot = ArticleFactory.create_batch(HOT)
    warm = ArticleFactory.create_batch(dedupe.HOT_KEY)
    rows = [(copy.pk, 0, keys[0]), (copy.pk, 2, keys[2])]
    rows += [(article.pk, 0, keys[0]) for article in hot]
    rows += [(article.pk, 1, keys[1]) for article in warm]
    bulk_insert(ArticleBand, ["article", "band", "key"], rows)
    base = dedupe.fingerprint(render(["word"] * dedupe.MIN_WORDS))
    item = (ArticleFactory.build(), replace(base, keys=keys))

    found = dedupe._candidate_ids([item])[0]
    assert set(found) == {copy.pk, *(article.pk for article in warm)}

    # One more holder makes band 1's key hot too: the copy alone is left.
    bulk_insert(ArticleBand, ["article", "band", "key"], [(ArticleFactory().pk, 1, keys[1])])
    assert dedupe._candidate_ids([item])[0] == [copy.pk]

    if connection.vendor == "postgresql":  # each key's lookup reads at most HOT_KEY + 1 rows, however many hold it
        sql, params = dedupe.candidate_query([item])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        plan = plan if isinstance(plan, list) else json.loads(plan)
        limits = list(_nodes(plan[0]["Plan"], "Limit"))
        assert limits and all(node["Actual Rows"] <= dedupe.HOT_KEY + 1 for node in limits)


def _nodes(node, node_type):
    if node["Node Type"] == node_type:
        yield node
    for child in node.get("Plans", []):
        yield from _nodes(child, node_type)


def test_only_candidates_whose_sketch_agrees_are_read(django_assert_num_queries):
    keys = list(range(dedupe.BANDS))
    alike, unlike, unsketched = ArticleFactory.create_batch(3)
    own = bytes(2 * dedupe.NUM_PERM)
    Article.objects.filter(pk=alike.pk).update(minhash=own)
    # Agrees at 10% of places, under MIN_SKETCH_SIMILARITY.
    agreeing = dedupe.NUM_PERM // 10
    Article.objects.filter(pk=unlike.pk).update(
        minhash=own[: 2 * agreeing] + b"\x01\x00" * (dedupe.NUM_PERM - agreeing)
    )
    rows = [(article.pk, 0, keys[0]) for article in (alike, unlike, unsketched)]
    bulk_insert(ArticleBand, ["article", "band", "key"], rows)
    base = dedupe.fingerprint(render(["word"] * dedupe.MIN_WORDS))
    item = (ArticleFactory.build(), replace(base, keys=keys, sketch=own))

    assert sorted(dedupe._candidate_ids([item])[0]) == sorted([alike.pk, unsketched.pk])

    # A stored article whose sketch rules it out costs no read of its text: the lookup and the exact copies only.
    Article.objects.filter(pk__in=[alike.pk, unsketched.pk]).delete()
    with django_assert_num_queries(2):
        assert dedupe.find_stories([item]) == [None]


def stale(feed, text):
    """A processed article as the previous constants left it: other band keys, no sketch."""
    article = ArticleFactory(feed=feed, text=text, processing_state=Article.ProcessingState.PROCESSED)
    bulk_insert(ArticleBand, ["article", "band", "key"], [(article.pk, band, 7) for band in range(32)])
    return article


def test_reprocess_fingerprints_writes_every_processed_article_again():
    corpus = Corpus(seed=5)
    feed = FeedFactory()
    words = [corpus.article_words(topic=i) for i in range(3)]
    articles = [stale(feed, render(article_words)) for article_words in words]
    pending = ArticleFactory(feed=feed, text=render(corpus.article_words(topic=4)))
    bulk_insert(ArticleBand, ["article", "band", "key"], [(pending.pk, 0, 7)])
    copy = ArticleFactory.build(text=render(corpus.replace_words(words[1], 0.2)))
    assert stories_in_batches([copy]) == [None]  # the stale keys find nothing

    out = io.StringIO()
    call_command("reprocess_articles", "--only", "fingerprints", stdout=out, stderr=io.StringIO())

    assert "Fingerprinted 3 article(s) again; 0 skipped" in out.getvalue()
    for article in articles:
        fprint = dedupe.fingerprint(article.text)
        bands = list(ArticleBand.objects.filter(article=article).order_by("band").values_list("key", flat=True))
        assert bands == fprint.keys
        assert bytes(Article.objects.get(pk=article.pk).minhash) == fprint.sketch
    assert list(ArticleBand.objects.filter(article=pending).values_list("key", flat=True)) == [7]
    assert Article.objects.get(pk=pending.pk).minhash is None
    assert stories_in_batches([copy]) == [articles[1]]


@pytest.mark.parametrize("size", [2, 5])
def test_refingerprinting_a_batch_costs_the_same_queries_at_any_size(size, django_assert_num_queries):
    corpus = Corpus(seed=6)
    feed = FeedFactory()
    ids = [stale(feed, render(corpus.article_words(topic=i))).pk for i in range(size)]
    # Savepoint, the rows locked and read, one UPDATE of their sketches, the band keys deleted and inserted,
    # savepoint released.
    with django_assert_num_queries(6):
        assert services.articles_refingerprint(article_ids=ids) == size
