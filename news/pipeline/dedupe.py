"""Fingerprints of an article's text, and near-duplicate clustering of articles into stories.

Two fingerprints:

* ``content_hash``: SHA-256 of the normalised text (NFKC, case-folded, punctuation
  dropped, whitespace collapsed). Equal hashes mean the same words in the same
  order, so a re-fetched article whose hash changed was *updated*, and one whose
  hash is unchanged was only re-formatted.
* MinHash/LSH band keys (``ArticleBand``): a syndicated copy with small edits
  under another URL shares some band keys with the original, found by an
  indexed ``(band, key)`` lookup whose cost does not depend on the corpus size.

Shingles are word *2-grams*. Measured with ``bench/ingest/dedupe_bench.py``
(5,000 synthetic 400-word articles on 30 running stories; Jaccard of a copy
with its original, and the largest among unrelated articles on one story):

=========  =================  ==================  ===========================
shingles   copy, 5% replaced  copy, 10% replaced  unrelated, same story (max)
=========  =================  ==================  ===========================
1 word     0.92               0.85                0.23
2 words    0.83               0.69                0.05
3 words    0.75               0.57                0.02
=========  =================  ==================  ===========================

Each replaced word breaks ``n`` shingles, so 3-grams push a 5% copy down to
Jaccard ~0.75, where an LSH tuned for 0.8 (9 bands of 13 rows) finds only
about one copy in five (measured: 0.20; 0.01 at 10%). Single words keep copies
near 0.92 but ignore word order, so unrelated articles on the same story (the
same names, the same stock phrases) come within a factor of four. 2-grams keep
the widest gap: copies at 0.83, unrelated articles at 0.05 at most.

The LSH queries *wide* and the text decides. 128 MinHash values in 32 bands of
4 rows make an article a candidate with probability 0.99 at Jaccard 0.6, 0.87
at 0.5, 0.05 at 0.2 and 0.0002 at 0.05; at most MAX_CANDIDATES of them (those
sharing the most bands) are verified exactly, on the 2-gram sets recomputed
from their stored text. A near-duplicate is one whose overlap coefficient
``|A ∩ B| / min(|A|, |B|)`` reaches 0.6: unlike Jaccard it stays near 1 for a
copy that adds or drops a paragraph. Measured overlap: copies 0.91 (5%
replaced, never below 0.89), 0.82 (10%, never below 0.80), 0.66 (20%);
unrelated articles on one story 0.06 on average, 0.11 at most. Result: 100% of
the 5% and 10% copies found, none of the 5,000 originals in a false cluster.

Texts under 50 words get no band keys: their 2-gram sets are too small for
either the estimate or the verification to be reliable, so they join a story
only by an identical content hash.

The band keys stored in the database depend on every constant below and on the
hash seeds: changing any of them means fingerprinting every article again.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np
from django.db import connections, router, transaction
from django.db.models import Q

from news.models import Article, ArticleBand

SHINGLE_WORDS = 2
MIN_WORDS = 50
BANDS = 32
ROWS = 4
NUM_PERM = BANDS * ROWS
MIN_OVERLAP = 0.6
# Candidates verified per article: the ones sharing the most bands first.
MAX_CANDIDATES = 50

_NOT_WORD = re.compile(r"[^\w\s]|_")
_UINT64 = np.uint64


def _seed(index: int) -> int:
    # From a hash, not a random generator: stored band keys must not change with a NumPy release.
    return int.from_bytes(hashlib.blake2b(f"minhash-{index}".encode(), digest_size=8).digest(), "little")


_SEEDS = np.array([_seed(i) for i in range(NUM_PERM)], dtype=np.uint64)[:, None]
_BIT_POSITIONS = np.arange(64, dtype=np.uint64)


def _keep_marks(match: re.Match[str]) -> str:
    # \w misses combining marks (Arabic harakat, Devanagari vowel signs): they belong to their word.
    return match.group() if unicodedata.category(match.group())[0] == "M" else " "


def normalise_text(text: str) -> str:
    """NFKC, case-folded, punctuation and symbols replaced by spaces, whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_WORD.sub(_keep_marks, folded).split())


def _words_hash(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode()).hexdigest() if words else ""


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the normalised text; "" for a text without words (no content, no identity)."""
    return _words_hash(normalise_text(text).split())


def text_changed(article: Article, text: str) -> bool:
    """Whether `text` differs in its words from the article's stored content: an update, not a re-format."""
    return content_hash(text) != article.content_hash


def _stable_hash(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "little")


def _shingles(words: list[str]) -> set[int]:
    if len(words) < SHINGLE_WORDS:
        return {_stable_hash(" ".join(words))} if words else set()
    return {_stable_hash(" ".join(words[i : i + SHINGLE_WORDS])) for i in range(len(words) - SHINGLE_WORDS + 1)}


def shingles(text: str) -> set[int]:
    """The text's word 2-grams, each hashed to an unsigned 64-bit integer (stable across processes)."""
    return _shingles(normalise_text(text).split())


def _mix(values: np.ndarray) -> np.ndarray:
    # SplitMix64's finaliser: a bijection on 64 bits with full avalanche (array arithmetic wraps silently).
    values = values ^ (values >> _UINT64(30))
    values = values * _UINT64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> _UINT64(27))
    values = values * _UINT64(0x94D049BB133111EB)
    return values ^ (values >> _UINT64(31))


def signature(shingle_set: set[int]) -> np.ndarray:
    """MinHash signature: for each of NUM_PERM seeded hash functions, the minimum over the shingles."""
    if not shingle_set:
        raise ValueError("A MinHash signature needs at least one shingle.")
    values = np.fromiter(shingle_set, dtype=np.uint64, count=len(shingle_set))
    return _mix(values[None, :] ^ _SEEDS).min(axis=1)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band of ROWS signature values (fits a BigIntegerField)."""
    rows = sig.astype("<u8").reshape(BANDS, ROWS)
    return [
        int.from_bytes(hashlib.blake2b(row.tobytes(), digest_size=8).digest(), "little", signed=True) for row in rows
    ]


def _lsh_keys(words: list[str], shingle_set: set[int]) -> list[int]:
    return band_keys(signature(shingle_set)) if len(words) >= MIN_WORDS else []


def lsh_keys(text: str) -> list[int]:
    """The text's band keys, or none for a text too short to cluster by similarity."""
    words = normalise_text(text).split()
    return _lsh_keys(words, _shingles(words))


def simhash(shingle_set: set[int]) -> int:
    """64-bit SimHash (signed, for a BigIntegerField) of the shingles: each bit the majority vote of theirs."""
    if not shingle_set:
        return 0
    values = np.fromiter(shingle_set, dtype=np.uint64, count=len(shingle_set))
    ones = ((values[:, None] >> _BIT_POSITIONS) & _UINT64(1)).sum(axis=0)
    unsigned = sum(1 << int(bit) for bit in np.flatnonzero(ones * 2 > len(values)))
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def overlap(first: set[int], second: set[int]) -> float:
    """Overlap coefficient |A ∩ B| / min(|A|, |B|): 1.0 when one text's shingles all appear in the other."""
    if not first or not second:
        return 0.0
    return len(first & second) / min(len(first), len(second))


def is_near_duplicate(first: set[int], second: set[int]) -> bool:
    """The exact check behind every LSH candidate (shingle sets of texts of at least MIN_WORDS words)."""
    return overlap(first, second) >= MIN_OVERLAP


@dataclass(frozen=True)
class Fingerprint:
    """A text's normalised words, their shingles and the values stored and looked up for it."""

    words: list[str]
    shingles: set[int]
    text_hash: str
    simhash: int | None
    keys: list[int]


def fingerprint(text: str) -> Fingerprint:
    words = normalise_text(text).split()
    shingle_set = _shingles(words)
    return Fingerprint(
        words=words,
        shingles=shingle_set,
        text_hash=_words_hash(words),
        simhash=simhash(shingle_set) if shingle_set else None,
        keys=_lsh_keys(words, shingle_set),
    )


def fingerprint_article(article: Article, fprint: Fingerprint | None = None) -> Fingerprint:
    """Store the content hash, SimHash and band keys, replacing the old keys (running it twice is harmless)."""
    fprint = fprint or fingerprint(article.text)
    article.content_hash, article.simhash = fprint.text_hash, fprint.simhash
    with transaction.atomic():
        # A queryset update: fingerprints are derived data, not an edit for the article's history.
        Article.objects.filter(pk=article.pk).update(content_hash=article.content_hash, simhash=article.simhash)
        store_bands(article, fprint)
    return fprint


def store_bands(article: Article, fprint: Fingerprint) -> None:
    ArticleBand.objects.filter(article=article).delete()
    ArticleBand.objects.bulk_create(
        ArticleBand(article=article, band=band, key=key) for band, key in enumerate(fprint.keys)
    )


def _candidate_ids(article: Article, keys: list[int]) -> list[int]:
    """Other articles sharing a band key, the most bands shared first (then the most recent); at most MAX_CANDIDATES.

    One join of the band index (news_articleband_key_idx) with the keys as a VALUES list: the same
    condition as 32 ORed (band, key) terms, without building and compiling them through the ORM
    (4 ms against 0.6 ms, bench/README.md).
    """
    if not keys:
        return []
    with connections[router.db_for_read(ArticleBand)].cursor() as cursor:
        cursor.execute(*candidate_query(article, keys))
        return [row[0] for row in cursor.fetchall()]


def candidate_query(article: Article, keys: list[int]) -> tuple[str, list[int]]:
    """The SQL and parameters of `_candidate_ids` (for EXPLAIN in bench/ingest/corpus_scaling.py)."""
    values = ", ".join(["(%s, %s)"] * len(keys))
    sql = (
        f"SELECT b.article_id FROM {ArticleBand._meta.db_table} b"  # noqa: S608 (a table name and placeholders)
        f" JOIN (VALUES {values}) AS k ON b.band = k.column1 AND b.key = k.column2"
        " WHERE b.article_id <> %s GROUP BY b.article_id ORDER BY count(*) DESC, b.article_id DESC LIMIT %s"
    )
    params = [value for pair in enumerate(keys) for value in pair] + [article.pk or 0, MAX_CANDIDATES]
    return sql, params


def find_story(article: Article, fprint: Fingerprint | None = None) -> Article | None:
    """The story of the earliest other article with the same normalised text or a verified near-duplicate text.

    Matches already in a story come first (the earliest of them gives the story).
    A match not yet given a story (fingerprinted, not yet assigned) is the story
    only if it is older than the article; if the article is the oldest, it starts
    the story: None. Two queries at most, whatever the size of the corpus: the
    band-key lookup, then the candidates' texts (with their stories) and the
    earliest exact copies.
    """
    fprint = fprint or fingerprint(article.text)
    words, shingle_set = fprint.words, fprint.shingles
    if not words:
        return None
    candidate_ids = set(_candidate_ids(article, fprint.keys))
    # In created order, at most one row per candidate plus one exact copy: exact copies are clustered
    # with each other as they arrive, so the earliest one stands for all.
    rows = (
        Article.objects.filter(Q(pk__in=candidate_ids) | Q(content_hash=fprint.text_hash))
        .exclude(pk=article.pk)
        .select_related("story")
        .defer("raw_html", "content_html", "story__raw_html", "story__content_html", "story__text")
        .order_by("created_at", "pk")[: len(candidate_ids) + 1]
    )
    first_unassigned = None
    for row in rows:
        # Stored hashes and band keys only find rows: the stored text decides (it may have changed since).
        row_words = normalise_text(row.text).split()
        similar = row.pk in candidate_ids and len(row_words) >= MIN_WORDS
        if row_words == words or (similar and is_near_duplicate(shingle_set, _shingles(row_words))):
            if row.story is not None:
                return row.story
            first_unassigned = first_unassigned or row
    return first_unassigned if first_unassigned is not None and _older(first_unassigned, article) else None


def _older(first: Article, second: Article) -> bool:
    if second.created_at is None:  # not saved yet
        return True
    return (first.created_at, first.pk) < (second.created_at, second.pk)


def assign_story(article: Article, fprint: Fingerprint | None = None) -> Article:
    """Put the article in the story of its near-duplicates, or start its own; returns the story's first article."""
    story = find_story(article, fprint) or article
    Article.objects.filter(pk=article.pk).update(story=story)
    article.story = story
    return story


def _source_key(publisher: str, feed_publisher: str | None, canonical_url: str) -> str:
    name = " ".join((publisher or feed_publisher or "").split()).casefold()
    if name:
        return name
    return (urlsplit(canonical_url).hostname or "").removeprefix("www.")


def story_source_count(story: Article) -> int:
    """Independent sources of a story: distinct publishers (the feed's, then the site's host, when blank)."""
    rows = Article.objects.filter(Q(pk=story.pk) | Q(story=story)).values_list(
        "publisher", "feed__publisher", "canonical_url"
    )
    return len({_source_key(*row) for row in rows})
