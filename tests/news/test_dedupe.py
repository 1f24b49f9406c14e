"""Content hashes, near-duplicate clustering into stories, and independent sources per story."""

import random
from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.ingest.dedupe_bench import TOPICS, BandIndex, Corpus, render
from news.models import Article, ArticleBand
from news.pipeline import dedupe
from tests.factories import ArticleFactory, FeedFactory
from tracker.bulk import bulk_insert

LEAD = (
    "Negotiators from both delegations met again in Doha on Tuesday, mediators said, as talks on a phased "
    "ceasefire and the exchange of hostages and prisoners entered a third week without a breakthrough."
)


@pytest.fixture
def corpus():
    return Corpus(seed=11)


def test_content_hash_ignores_whitespace_case_and_punctuation():
    variant = (
        "  negotiators FROM both delegations met again in Doha on Tuesday mediators said -- as talks on a phased\n\n"
    )
    variant += "CEASEFIRE and the exchange of hostages and prisoners entered a third week, without a breakthrough!"
    assert dedupe.content_hash(variant) == dedupe.content_hash(LEAD)
    # Full-width letters and ligatures are the same words after NFKC.
    assert dedupe.content_hash("ＤＯＨＡ ﬁnal") == dedupe.content_hash("Doha final")


def test_content_hash_changes_with_any_word():
    assert dedupe.content_hash(LEAD.replace("third week", "fourth week")) != dedupe.content_hash(LEAD)
    assert dedupe.content_hash(LEAD.replace("Doha", "Cairo")) != dedupe.content_hash(LEAD)
    assert dedupe.content_hash("") == dedupe.content_hash(" -- ") == ""


def test_normalisation_keeps_combining_marks_inside_words():
    # Arabic harakat are marks, not punctuation: the word stays one word.
    assert dedupe.normalise_text("وَقْفُ إطلاق النار.") == "وَقْفُ إطلاق النار"


def test_text_changed_marks_an_update_only_when_words_change():
    article = ArticleFactory.build(content_hash=dedupe.content_hash(LEAD))
    assert not dedupe.text_changed(article, LEAD.upper() + "  ")
    assert dedupe.text_changed(article, LEAD + " Officials declined to comment.")


def test_band_keys_are_stable_signed_64_bit_integers():
    text = "The mediators met in Doha on Tuesday. " * 10
    keys = dedupe.lsh_keys(text)
    assert len(keys) == dedupe.BANDS
    assert all(-(2**63) <= key < 2**63 for key in keys)
    # Pinned: the keys are stored, so a new release of NumPy or Python must not change them.
    assert keys[:2] == [2678316954159828137, 4443015842101947376]
    assert dedupe.fingerprint(text).sketch[:8].hex() == "26658e4b9df1755a"
    assert len(dedupe.fingerprint(text).sketch) == 2 * dedupe.NUM_PERM
    assert sorted(dedupe.shingles("Truce talks resume")) == [949922120405486196, 16933713214638938346]


def test_short_texts_get_no_band_keys():
    assert dedupe.lsh_keys(" ".join(["word"] * (dedupe.MIN_WORDS - 1))) == []
    assert dedupe.lsh_keys(LEAD) == []


def test_recall_and_false_clusters_on_a_synthetic_corpus(corpus):
    """200 originals of 400 words on shared topics; 200 copies with exactly 5% of their words replaced."""
    rng = random.Random(5)
    originals = [corpus.article_words(topic=i % TOPICS) for i in range(200)]
    texts = [render(words) for words in originals]
    shingle_sets = [dedupe.shingles(text) for text in texts]
    index = BandIndex()
    for article_id, text in enumerate(texts):
        fprint = dedupe.fingerprint(text)
        index.add(article_id, fprint.keys, fprint.sketch)

    def verified(text, exclude=None):
        own = dedupe.fingerprint(text)
        return {
            c
            for c in index.candidates(own.keys, own.sketch, exclude)
            if dedupe.is_near_duplicate(set(map(int, own.shingles)), shingle_sets[c])
        }

    found = 0
    for source in range(200):
        copy = render(corpus.replace_words(originals[source], 0.05))
        assert dedupe.content_hash(copy) != dedupe.content_hash(texts[source])
        found += verified(copy) == {source}
    assert found / 200 >= 0.95

    falsely_clustered = sum(bool(verified(text, exclude=article_id)) for article_id, text in enumerate(texts))
    assert falsely_clustered / 200 < 0.01
    # Unrelated articles on one topic share names and stock phrases, yet stay far from the threshold.
    same_topic = [dedupe.overlap(shingle_sets[i], shingle_sets[i + TOPICS]) for i in range(200 - TOPICS)]
    random_pairs = [dedupe.overlap(*rng.sample(shingle_sets, 2)) for _ in range(500)]
    assert max(same_topic + random_pairs) < dedupe.MIN_OVERLAP / 2


def store_fingerprint(article):
    """Store the article's content hash, SimHash, MinHash sketch and band keys as processing's batch write does."""
    fprint = dedupe.fingerprint(article.text)
    article.content_hash, article.simhash, article.minhash = fprint.text_hash, fprint.simhash, fprint.sketch
    Article.objects.filter(pk=article.pk).update(
        content_hash=article.content_hash, simhash=article.simhash, minhash=article.minhash
    )
    dedupe.replace_bands([(article, fprint)])


def fingerprinted(text, **fields):
    article = ArticleFactory(text=text, **fields)
    store_fingerprint(article)
    return article


def story_of(article):
    """The story processing finds for the article alone (dedupe.find_stories, a batch of one); None: its own."""
    return dedupe.find_stories([(article, dedupe.fingerprint(article.text))])[0]


def join_story(article):
    """Put the article in the story processing finds for it (or its own), as the batch write stores it."""
    story = story_of(article) or article
    Article.objects.filter(pk=article.pk).update(story=story)
    article.story = story
    return story


@pytest.mark.django_db
def test_syndicated_copy_with_5_percent_changed_joins_the_original_story(corpus):
    words = corpus.article_words(topic=0)
    original = fingerprinted(render(words), publisher="Reuters", url="https://www.reuters.com/world/truce")
    assert join_story(original) == original
    copy = fingerprinted(
        render(corpus.replace_words(words, 0.05)), publisher="Al Arabiya", url="https://english.alarabiya.net/truce"
    )
    assert copy.content_hash != original.content_hash

    assert join_story(copy) == original
    copy.refresh_from_db()
    original.refresh_from_db()
    assert copy.story == original
    assert original.story == original


@pytest.mark.django_db
def test_unrelated_article_on_the_same_topic_starts_its_own_story(corpus):
    original = fingerprinted(render(corpus.article_words(topic=3)))
    join_story(original)
    # Same names and stock phrases, different sentences.
    other = fingerprinted(render(corpus.article_words(topic=3)))
    assert ArticleBand.objects.filter(article=other).count() == dedupe.BANDS

    assert story_of(other) is None
    assert join_story(other) == other
    other.refresh_from_db()
    assert other.story == other


@pytest.mark.django_db
def test_copy_with_an_added_paragraph_joins(corpus):
    words = corpus.article_words(topic=1)
    original = fingerprinted(render(words))
    join_story(original)
    longer = fingerprinted(render(corpus.add_paragraph(words, topic=1, count=150)))
    assert join_story(longer) == original
    # And the other way round: a trimmed copy (the first 60%) joins too.
    trimmed = fingerprinted(render(words[:240]))
    assert join_story(trimmed) == original


@pytest.mark.django_db
def test_copy_of_a_copy_joins_the_first_article_of_the_story(corpus):
    words = corpus.article_words(topic=2)
    original = fingerprinted(render(words))
    join_story(original)
    first_copy_words = corpus.replace_words(words, 0.05)
    first_copy = fingerprinted(render(first_copy_words))
    assert join_story(first_copy) == original
    second_copy = fingerprinted(render(corpus.replace_words(first_copy_words, 0.05)))
    assert join_story(second_copy) == original


@pytest.mark.django_db
def test_a_drifting_story_keeps_its_first_article(corpus):
    """Each version overlaps the previous one but not the first: the story comes from the match, not the match."""
    first_words = corpus.article_words(topic=9)
    second_words = first_words[:300] + corpus.article_words(topic=9, count=100)
    third_words = second_words[100:] + corpus.article_words(topic=9, count=100)
    first, second, third = (fingerprinted(render(words)) for words in [first_words, second_words, third_words])
    assert not dedupe.is_near_duplicate(dedupe.shingles(first.text), dedupe.shingles(third.text))
    assert [join_story(article) for article in [first, second, third]] == [first, first, first]


@pytest.mark.django_db
def test_candidates_are_verified_on_their_stored_text(corpus):
    """Band keys left from an older text (the text changed, not yet fingerprinted again) make no false cluster."""
    words = corpus.article_words(topic=10)
    for new_text in [render(corpus.article_words(topic=10)), render(words[:40])]:  # another text, a short excerpt
        stale = fingerprinted(render(words))
        stale.text = new_text
        stale.save(update_fields=["text"])
    original = fingerprinted(render(words))
    assert join_story(original) == original
    copy = fingerprinted(render(corpus.replace_words(words, 0.05)))
    assert join_story(copy) == original


@pytest.mark.django_db
def test_stories_do_not_depend_on_the_order_of_assignment(corpus):
    """Reprocessing fingerprints everything first, then assigns in any order: the oldest article is the story."""
    words = corpus.article_words(topic=8)
    original = fingerprinted(render(words))
    copies = [fingerprinted(render(corpus.replace_words(words, 0.05))) for _ in range(3)]
    unrelated = fingerprinted(render(corpus.article_words(topic=8)))
    for article in [copies[1], unrelated, copies[2], original, copies[0]]:
        join_story(article)
    for article in [original, *copies]:
        article.refresh_from_db()
        assert article.story == original
    unrelated.refresh_from_db()
    assert unrelated.story == unrelated


@pytest.mark.django_db
def test_short_texts_cluster_only_on_an_exact_content_hash():
    first = fingerprinted(LEAD)
    join_story(first)
    assert not ArticleBand.objects.filter(article=first).exists()
    one_word_changed = fingerprinted(LEAD.replace("Tuesday", "Wednesday"))
    assert join_story(one_word_changed) == one_word_changed
    reformatted = fingerprinted(LEAD.upper().replace(",", ""))
    assert join_story(reformatted) == first
    # Articles without text have no content hash, and never cluster.
    empty = fingerprinted("")
    join_story(empty)
    assert story_of(fingerprinted("  ")) is None


@pytest.mark.django_db
def test_fingerprint_twice_leaves_the_same_band_rows(corpus):
    article = fingerprinted(render(corpus.article_words(topic=4)))
    first = list(ArticleBand.objects.filter(article=article).order_by("band").values_list("band", "key"))
    store_fingerprint(article)
    second = list(ArticleBand.objects.filter(article=article).order_by("band").values_list("band", "key"))
    assert first == second
    assert [band for band, _ in first] == list(range(dedupe.BANDS))
    article.refresh_from_db()
    assert article.content_hash == dedupe.content_hash(article.text)
    assert -(2**63) <= article.simhash < 2**63

    # New text replaces the keys; a text grown too short loses them.
    article.text = render(corpus.article_words(topic=4))
    store_fingerprint(article)
    third = list(ArticleBand.objects.filter(article=article).order_by("band").values_list("band", "key"))
    assert len(third) == dedupe.BANDS
    assert {key for _, key in third}.isdisjoint(key for _, key in first)
    article.text = LEAD
    store_fingerprint(article)
    assert not ArticleBand.objects.filter(article=article).exists()


@pytest.mark.django_db
def test_joining_a_story_is_idempotent(corpus):
    words = corpus.article_words(topic=5)
    original = fingerprinted(render(words))
    copy = fingerprinted(render(corpus.replace_words(words, 0.05)))
    assert [join_story(original), join_story(original)] == [original, original]
    assert [join_story(copy), join_story(copy)] == [original, original]
    # The root, processed again after its copy, stays its own story.
    assert join_story(original) == original


@pytest.mark.django_db
def test_story_source_count_counts_distinct_publishers(corpus):
    words = corpus.article_words(topic=6)
    story = fingerprinted(render(words), publisher="Reuters", url="https://www.reuters.com/a")
    join_story(story)
    sources = [
        ("Reuters ", "https://www.reuters.com/b"),  # the same publisher again, under another URL
        ("REUTERS", "https://uk.reuters.com/c"),
        ("Al Jazeera", "https://www.aljazeera.com/d"),
        ("", "https://www.timesofisrael.com/e"),  # no publisher, no feed publisher: the host
        ("", "https://timesofisrael.com/f"),
    ]
    for publisher, url in sources:
        copy = fingerprinted(render(corpus.replace_words(words, 0.05)), publisher=publisher, url=url)
        assert join_story(copy) == story
    feed = FeedFactory(publisher="Anadolu")
    copy = fingerprinted(render(corpus.replace_words(words, 0.05)), publisher="", url="https://aa.com.tr/g", feed=feed)
    join_story(copy)
    # An unrelated article in its own story does not count.
    join_story(fingerprinted(render(corpus.article_words(topic=6)), publisher="AP"))

    assert dedupe.story_source_count(story) == 4  # Reuters, Al Jazeera, timesofisrael.com, Anadolu


@pytest.mark.django_db
@pytest.mark.parametrize("stored", [10, 200])
def test_finding_a_story_costs_the_same_queries_at_any_corpus_size(corpus, stored, django_assert_num_queries):
    """Half the stored articles are copies of one original (more than MAX_CANDIDATES at 200), half unrelated."""
    words = corpus.article_words(topic=7)
    original = fingerprinted(render(words))
    join_story(original)
    for i in range(stored - 1):
        text = corpus.replace_words(words, 0.05) if i % 2 else corpus.article_words(topic=i % TOPICS)
        join_story(fingerprinted(render(text)))
    assert ArticleBand.objects.values("article").distinct().count() == stored
    copy = fingerprinted(render(corpus.replace_words(words, 0.05)))
    unrelated = fingerprinted(render(corpus.article_words(topic=7)))

    copy_print, unrelated_print = dedupe.fingerprint(copy.text), dedupe.fingerprint(unrelated.text)

    # 1. the band-key lookup (candidates sharing a (band, key), capped), 2. the earliest exact copy,
    # 3. the texts and stories of both.
    with django_assert_num_queries(3):
        assert dedupe.find_stories([(copy, copy_print)]) == [original]
    with django_assert_num_queries(2):  # no candidate and no exact copy: no rows to read
        assert dedupe.find_stories([(unrelated, unrelated_print)]) == [None]


def test_the_fingerprint_hashes_shingles_exactly_as_shingles_does():
    """Stored band keys depend on these values: the array path must give what the per-gram hash gives."""
    text = "Negotiators in Doha said the truce talks would resume on Sunday, officials said. " * 8
    fprint = dedupe.fingerprint(text)
    expected = dedupe.shingles(text)
    assert sorted(int(value) for value in fprint.shingles) == sorted(expected)
    assert fprint.simhash == dedupe.simhash(expected)
    assert fprint.keys == dedupe.band_keys(dedupe.signature(expected))


@pytest.mark.django_db
def test_candidates_rank_by_bands_shared_then_newest_without_the_article_itself(monkeypatch):
    """The band-key lookup, the same on PostgreSQL (keys as four arrays) and SQLite (a VALUES list)."""
    keys = [(-(2**63)) + band for band in range(dedupe.BANDS)]  # the extremes of a bigint, too
    one_band, three_bands, also_one, itself, other = ArticleFactory.create_batch(5)
    stored = {one_band: [0], three_bands: [1, 2, 3], also_one: [5], itself: range(dedupe.BANDS), other: []}
    rows = [(article.pk, band, keys[band]) for article, bands in stored.items() for band in bands]
    rows.append((other.pk, 4, keys[4] + 1))  # the same band, another key: no match
    rows.append((other.pk, 6, keys[7]))  # the key of another band: no match
    bulk_insert(ArticleBand, ["article", "band", "key"], rows)
    base = dedupe.fingerprint(render(["word"] * dedupe.MIN_WORDS))
    items = [(itself, replace(base, keys=keys)), (ArticleFactory.build(), replace(base, keys=[7] * dedupe.BANDS))]
    with CaptureQueriesContext(connection) as captured:
        found = dedupe._candidate_ids(items)
    assert found == [[three_bands.pk, also_one.pk, one_band.pk], []]
    if connection.vendor == "postgresql":
        assert "unnest(" in captured[0]["sql"]
    monkeypatch.setattr(dedupe, "MAX_CANDIDATES", 2)
    assert dedupe._candidate_ids(items)[0] == [three_bands.pk, also_one.pk]
