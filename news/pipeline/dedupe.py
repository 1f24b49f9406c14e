"""Fingerprints of an article's text, and near-duplicate clustering of articles into stories.

Three fingerprints:

* ``content_hash``: SHA-256 of the normalised text (NFKC, case-folded, punctuation
  dropped, whitespace collapsed). Equal hashes mean the same words in the same
  order, so a re-fetched article whose hash changed was *updated*, and one whose
  hash is unchanged was only re-formatted.
* MinHash/LSH band keys (``ArticleBand``): a syndicated copy with small edits
  under another URL shares some band keys with the original, found by an
  indexed ``(band, key)`` lookup whose cost does not depend on the corpus size.
* The MinHash sketch (``Article.minhash``), read with each candidate, to tell
  from it alone whether the candidate's text is worth reading.

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

The LSH queries *wide* and the text decides. 120 MinHash values in 40 bands of
3 rows make an article a candidate with probability 0.98 at Jaccard 0.46 (the
lowest of a copy with 20% of its words replaced), 0.67 at 0.3 and 0.001 at 0.03
(unrelated articles). Three steps keep the cost per article flat however many
articles are stored:

* a band key held by more than HOT_KEY other articles is ignored: its three rows
  are won by ubiquitous word pairs, and such keys multiply with the corpus. On
  PostgreSQL each key's lookup stops after HOT_KEY + 1 rows.
* of the rest, the MAX_CANDIDATES sharing the most bands come back with their
  *sketch* (``Article.minhash``: the signature's values cut to 16 bits), and
  only those whose sketch agrees at MIN_SKETCH_SIMILARITY of the places (an
  estimate of Jaccard; unrelated articles agree at ~0.03) have their text read.
* those are verified exactly, on the 2-gram sets of their stored text.

A near-duplicate is one whose overlap coefficient ``|A ∩ B| / min(|A|, |B|)``
reaches 0.55: unlike Jaccard it stays near 1 for a copy that adds or drops a
paragraph. Measured overlap: copies 0.91 (5% replaced, never below 0.89), 0.82
(10%, never below 0.80), 0.66 (20%, never below 0.63); unrelated articles on one
story 0.06 on average, 0.11 at most. Result (``dedupe_bench``): all the 5% and
10% copies found, 0.996 of the 20% ones, none of the 5,000 originals in a false
cluster (1,584 unrelated pairs were LSH candidates; no sketch let one be read).

Texts under 50 words get no band keys: their 2-gram sets are too small for
either the estimate or the verification to be reliable, so they join a story
only by an identical content hash.

The band keys and sketches stored in the database depend on every constant below
and on the hash seeds: changing any of them means fingerprinting every article
again (``manage.py reprocess_articles --only fingerprints``).
"""

import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np
from django.db import connections, router
from django.db.models import Min, Q

from news.models import Article, ArticleBand
from tracker.bulk import array_param, bulk_insert

SHINGLE_WORDS = 2
MIN_WORDS = 50
BANDS = 40
ROWS = 3
NUM_PERM = BANDS * ROWS
MIN_OVERLAP = 0.55
# A band key held by more stored articles than this says nothing about near-duplicates (its rows are
# won by ubiquitous word pairs): it is ignored, and each key's lookup reads at most HOT_KEY + 1 rows.
HOT_KEY = 25
# Candidates whose sketch is read per article: the ones sharing the most bands first, then the newest.
MAX_CANDIDATES = 50
# Share of equal sketch values (an estimate of Jaccard) below which a candidate's text is not read.
MIN_SKETCH_SIMILARITY = 0.15

_NOT_WORD = re.compile(r"[^\w\s]|_")
_UINT64 = np.uint64


def _seed(index: int) -> int:
    # From a hash, not a random generator: stored band keys must not change with a NumPy release.
    return int.from_bytes(hashlib.blake2b(f"minhash-{index}".encode(), digest_size=8).digest(), "little")


_SEEDS = np.array([_seed(i) for i in range(NUM_PERM)], dtype=np.uint64)[:, None]


def _keep_marks_char(char: str) -> str:
    # \w misses combining marks (Arabic harakat, Devanagari vowel signs): they belong to their word.
    return char if unicodedata.category(char)[0] == "M" else " "


def normalise_text(text: str) -> str:
    """NFKC, case-folded, punctuation and symbols replaced by spaces, whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    # The few distinct characters to replace are looked up once each, not at every occurrence.
    table = {ord(char): _keep_marks_char(char) for char in set(_NOT_WORD.findall(folded))}
    return " ".join(folded.translate(table).split())


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


def _grams(words: list[str]) -> set[str]:
    """The distinct word 2-grams (the whole text when shorter), as strings."""
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words)} if words else set()
    # The runs of SHINGLE_WORDS consecutive words (zip stops at the shortest: the last full run).
    return set(map(" ".join, zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False)))


def _shingles(words: list[str]) -> set[int]:
    return {_stable_hash(gram) for gram in _grams(words)}


def _hash_array(grams: set[str]) -> np.ndarray:
    """The grams' `_stable_hash` values as one uint64 array, read from the digests laid end to end
    (no Python int per gram: a third of the cost of hashing an article's shingles)."""
    blake2b = hashlib.blake2b
    digests = b"".join([blake2b(gram.encode(), digest_size=8).digest() for gram in grams])
    return np.frombuffer(digests, dtype="<u8").astype(np.uint64, copy=False)


def _as_array(shingle_set: set[int] | np.ndarray) -> np.ndarray:
    if isinstance(shingle_set, np.ndarray):
        return shingle_set
    return np.fromiter(shingle_set, dtype=np.uint64, count=len(shingle_set))


def shingles(text: str) -> set[int]:
    """The text's word 2-grams, each hashed to an unsigned 64-bit integer (stable across processes)."""
    return _shingles(normalise_text(text).split())


def _mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on a copy of `values` (see `_mix_in_place`)."""
    return _mix_in_place(values.copy())


def _mix_in_place(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, in place: a bijection on 64 bits with full avalanche (uint64 arithmetic wraps).
    In place, no temporary array per step: the signature's matrix is NUM_PERM x shingles."""
    values ^= values >> _UINT64(30)
    values *= _UINT64(0xBF58476D1CE4E5B9)
    values ^= values >> _UINT64(27)
    values *= _UINT64(0x94D049BB133111EB)
    values ^= values >> _UINT64(31)
    return values


def signature(shingle_set: set[int] | np.ndarray) -> np.ndarray:
    """MinHash signature: for each of NUM_PERM seeded hash functions, the minimum over the (distinct) shingles."""
    if not len(shingle_set):
        raise ValueError("A MinHash signature needs at least one shingle.")
    values = np.bitwise_xor.outer(_SEEDS[:, 0], _as_array(shingle_set))
    return _mix_in_place(values).min(axis=1)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band of ROWS signature values (fits a BigIntegerField)."""
    rows = sig.astype("<u8").reshape(BANDS, ROWS)
    return [
        int.from_bytes(hashlib.blake2b(row.tobytes(), digest_size=8).digest(), "little", signed=True) for row in rows
    ]


def sketch(sig: np.ndarray) -> bytes:
    """The signature's values cut to their low 16 bits (b-bit MinHash), stored on the article: two
    sketches agree at a place with probability J + (1 - J) / 65536, J the texts' shingle Jaccard."""
    return sig.astype("<u2").tobytes()


def sketch_similarity(first: bytes, second: bytes) -> float:
    """The share of places where two sketches agree: an estimate of the texts' shingle Jaccard."""
    return float(np.mean(np.frombuffer(first, dtype="<u2") == np.frombuffer(second, dtype="<u2")))


def _lsh(words: list[str], shingle_set: set[int] | np.ndarray) -> tuple[list[int], bytes | None]:
    if len(words) < MIN_WORDS:
        return [], None
    sig = signature(shingle_set)
    return band_keys(sig), sketch(sig)


def lsh_keys(text: str) -> list[int]:
    """The text's band keys, or none for a text too short to cluster by similarity."""
    words = normalise_text(text).split()
    return _lsh(words, _shingles(words))[0]


def simhash(shingle_set: set[int] | np.ndarray) -> int:
    """64-bit SimHash (signed, for a BigIntegerField) of the (distinct) shingles: each bit the majority vote."""
    if not len(shingle_set):
        return 0
    values = _as_array(shingle_set)
    # Each value's 64 bits, lowest first (its little-endian bytes, each unpacked lowest bit first), counted.
    ones = np.unpackbits(values.astype("<u8").view(np.uint8).reshape(-1, 8), axis=1, bitorder="little").sum(axis=0)
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
    grams: set[str]  # the shingles before hashing: verifying a candidate compares these (no hashing needed)
    shingles: np.ndarray  # their hashes (distinct uint64), as `shingles(text)` gives them
    text_hash: str
    simhash: int | None
    keys: list[int]
    sketch: bytes | None  # stored as Article.minhash; None with no keys


def fingerprint(text: str) -> Fingerprint:
    words = normalise_text(text).split()
    grams = _grams(words)
    hashes = _hash_array(grams)
    keys, minhash = _lsh(words, hashes)
    return Fingerprint(
        words=words,
        grams=grams,
        shingles=hashes,
        text_hash=_words_hash(words),
        simhash=simhash(hashes) if len(hashes) else None,
        keys=keys,
        sketch=minhash,
    )


def replace_bands(items: list[tuple[Article, Fingerprint]]) -> None:
    """Swap the stored band keys of these articles for their fingerprints' (two queries for any number).
    Their sketches (Article.minhash) are written by the caller, with the article's other columns."""
    ArticleBand.objects.filter(article_id__in=[article.pk for article, _ in items]).delete()
    rows = [(article.pk, band, key) for article, fprint in items for band, key in enumerate(fprint.keys)]
    bulk_insert(ArticleBand, ["article", "band", "key"], rows)


def _candidate_ids(items: list[tuple[Article, Fingerprint]]) -> list[list[int]]:
    """Per item, the other stored articles worth reading: those sharing a band key that is not hot (held
    by at most HOT_KEY others), the most bands shared first (then the most recent), at most MAX_CANDIDATES,
    and of those the ones whose sketch is at least MIN_SKETCH_SIMILARITY like the item's (or that have no
    sketch). One query for the whole batch; none without keys."""
    if not any(fprint.keys for _, fprint in items):
        return [[] for _ in items]
    connection = connections[router.db_for_read(ArticleBand)]
    with connection.cursor() as cursor:
        cursor.execute(*candidate_query(items, connection.vendor))
        found: list[list[int]] = [[] for _ in items]
        for index, article_id, minhash in cursor.fetchall():
            own = items[index][1].sketch
            if minhash is None or own is None or sketch_similarity(own, bytes(minhash)) >= MIN_SKETCH_SIMILARITY:
                found[index].append(article_id)
        return found


def candidate_query(items: list[tuple[Article, Fingerprint]], vendor: str = "postgresql") -> tuple[str, list]:
    """The SQL and parameters of `_candidate_ids` (for EXPLAIN in bench/ingest/corpus_scaling.py).

    Every item's keys (item, band, key, the item's own id) looked up in the band index
    (news_articleband_key_idx); a key held by more than HOT_KEY other articles is dropped; the rest
    are counted per item and article and ranked with a window function, and the sketches of the
    first MAX_CANDIDATES read with them. On PostgreSQL the keys go as four arrays (`unnest`), one
    parameter each (as a VALUES list, a batch's keys were thousands of parameters to adapt and
    parse), and each key's lookup is a LATERAL subquery that stops after HOT_KEY + 1 rows, so a hot
    key costs as much at 200k stored articles as at 1k. Elsewhere (SQLite) the keys are a VALUES
    list and each key's holders are counted with a window function (the same result, uncapped cost).
    """
    rows = [
        (index, band, key, article.pk or 0)
        for index, (article, fprint) in enumerate(items)
        for band, key in enumerate(fprint.keys)
    ]
    bands = ArticleBand._meta.db_table
    if vendor == "postgresql":
        hits = (
            "SELECT k.item AS item, k.band_no AS band_no, b.article_id AS article_id"  # noqa: S608 (a table name)
            " FROM unnest(%s::integer[], %s::integer[], %s::bigint[], %s::bigint[]) AS k(item, band_no, band_key, own)"
            f" CROSS JOIN LATERAL (SELECT article_id FROM {bands}"
            "  WHERE band = k.band_no AND key = k.band_key AND article_id <> k.own LIMIT %s) b"
        )
        params = [*(array_param(column) for column in zip(*rows, strict=True)), HOT_KEY + 1]
    else:  # SQLite names a VALUES list's columns column1, column2, ... and takes no column aliases after AS k
        values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
        hits = (
            "SELECT k.item AS item, k.band_no AS band_no, b.article_id AS article_id"  # noqa: S608 (placeholders)
            f" FROM {bands} b JOIN (SELECT column1 AS item, column2 AS band_no, column3 AS band_key,"
            f"  column4 AS own FROM (VALUES {values})) AS k"
            " ON b.band = k.band_no AND b.key = k.band_key WHERE b.article_id <> k.own"
        )
        params = [value for row in rows for value in row]
    articles = Article._meta.db_table
    sql = (
        "SELECT ranked.item, ranked.article_id, a.minhash FROM ("  # noqa: S608 (table names and placeholders)
        " SELECT item, article_id,"
        "  ROW_NUMBER() OVER (PARTITION BY item ORDER BY count(*) DESC, article_id DESC) AS place"
        " FROM (SELECT item, article_id, count(*) OVER (PARTITION BY item, band_no) AS holders"
        f"  FROM ({hits}) hits) counted"
        " WHERE holders <= %s"
        " GROUP BY item, article_id"
        f") ranked JOIN {articles} a ON a.id = ranked.article_id"
        " WHERE ranked.place <= %s ORDER BY ranked.item, ranked.place"
    )
    return sql, [*params, HOT_KEY, MAX_CANDIDATES]


@dataclass(frozen=True)
class _Match:
    """A stored article, or one earlier in the batch, that an item may join."""

    order: tuple
    pk: int
    words: list[str]
    grams: set[str] | None  # None: computed from words when needed (a 2-gram overlap is the shingle overlap)
    story: Article | None
    article: Article


def find_stories(items: list[tuple[Article, Fingerprint]]) -> list[Article | None]:
    """For each item in turn, the story of the earliest other article with the same normalised text or a
    verified near-duplicate text; None when the item is the earliest and starts its own story.

    Matches already in a story come first (the earliest of them gives the story). A match not
    yet given a story (fingerprinted, not yet assigned) is the story only if it is older than the
    article. Items see the stored articles and the items before them in the batch (with the
    story just found for them), so copies within one batch cluster as if processed one by one.
    Three queries for the whole batch, whatever the size of the corpus: the band-key lookup, the
    earliest exact copy of each text, then the texts (with their stories) of both kinds of match.
    """
    if not any(fprint.words for _, fprint in items):
        return [None for _ in items]
    candidates = _candidate_ids(items)
    batch_ids = [article.pk for article, _ in items if article.pk]
    hashes = {fprint.text_hash for _, fprint in items if fprint.words}
    # Exact copies are clustered with each other as they arrive, so the first one stands for all. (A query
    # of its own: as a subquery ORed with the candidates it would make PostgreSQL scan the whole table.)
    first_copies = (
        Article.objects.filter(content_hash__in=hashes)
        .exclude(pk__in=batch_ids)
        .values("content_hash")
        .annotate(first=Min("pk"))
        .values_list("first", flat=True)
    )
    wanted = {pk for found in candidates for pk in found} | set(first_copies)
    rows = (
        Article.objects.filter(pk__in=wanted)
        .select_related("story")
        .defer("raw_html", "content_html", "story__raw_html", "story__content_html", "story__text")
    )
    stored = {}
    for row in rows if wanted else []:
        words = normalise_text(row.text).split()
        stored[row.pk] = _Match((row.created_at, row.pk), row.pk, words, None, row.story, row)
    by_hash: dict[str, list[_Match]] = {}
    for match in stored.values():
        by_hash.setdefault(_words_hash(match.words), []).append(match)
    stories: list[Article | None] = []
    earlier: list[tuple[Fingerprint, _Match]] = []
    for (article, fprint), found in zip(items, candidates, strict=True):
        story = _story_of(article, fprint, [stored[pk] for pk in found if pk in stored], by_hash, earlier)
        stories.append(story)
        if fprint.words:
            order = (article.created_at, article.pk) if article.created_at else (_LATEST, article.pk or 0)
            match = _Match(order, article.pk, fprint.words, fprint.grams, story or article, article)
            earlier.append((fprint, match))
    return stories


_LATEST = datetime.datetime.max.replace(tzinfo=datetime.UTC)


def _story_of(article, fprint, candidates, by_hash, earlier) -> Article | None:
    words, grams = fprint.words, fprint.grams
    if not words:
        return None
    # An article processed earlier in the batch is seen as it is now, not as it was stored.
    rewritten = {match.pk for _, match in earlier}
    similar = {match.pk for match in candidates} - rewritten
    matches = {
        match.pk: match for match in [*candidates, *by_hash.get(fprint.text_hash, [])] if match.pk not in rewritten
    }
    for other, match in earlier:
        if other.words == words or any(a == b for a, b in zip(other.keys, fprint.keys, strict=False)):
            matches[match.pk] = match
            similar.add(match.pk)
    matches.pop(article.pk, None)
    first_unassigned = None
    for match in sorted(matches.values(), key=lambda match: match.order):
        # Stored hashes and band keys only find rows: the stored text decides (it may have changed since).
        near = match.pk in similar and len(match.words) >= MIN_WORDS and len(words) >= MIN_WORDS
        if match.words == words or (near and is_near_duplicate(grams, match.grams or _grams(match.words))):
            if match.story is not None:
                return match.story
            first_unassigned = first_unassigned or match.article
    return first_unassigned if first_unassigned is not None and _older(first_unassigned, article) else None


def _older(first: Article, second: Article) -> bool:
    if second.created_at is None:  # not saved yet
        return True
    return (first.created_at, first.pk) < (second.created_at, second.pk)


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
