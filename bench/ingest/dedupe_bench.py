"""Near-duplicate detection on a synthetic news corpus: recall, false clusters, fingerprint time.

    .venv/bin/python -m bench.ingest.dedupe_bench [--articles 5000] [--copies 1000] [--seed 1]

Pure Python, no database: the functions of news.pipeline.dedupe, with an
in-memory band index standing in for ArticleBand (the same candidate rule: the
MAX_CANDIDATES articles sharing the most bands). Every original is indexed;
each copy (a fixed share of its words replaced by other words, or a paragraph
added) queries the index and counts as found when its original verifies. Every
original also queries the index for the others: any verified match among
distinct originals is a false cluster.

The corpus imitates news on a few running stories: a Zipf-distributed
vocabulary of 5,000 words, and per topic a set of names and stock phrases that
every article on that topic repeats, so unrelated articles overlap as real ones
do. The naive setup the issue quotes (3-word shingles, an LSH tuned for
Jaccard 0.8, no verification) runs beside it.
"""

import argparse
import hashlib
import itertools
import random
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

import numpy as np

TOPICS = 30
VOCABULARY = 5000
ARTICLE_WORDS = 400
_SYLLABLES = [
    "ba",
    "ke",
    "lo",
    "mi",
    "nu",
    "ra",
    "si",
    "to",
    "ve",
    "za",
    "qa",
    "dor",
    "fen",
    "gal",
    "hir",
    "jun",
    "mar",
    "nes",
    "pol",
    "tur",
    "wen",
    "yas",
]


def _words(rng: random.Random, count: int) -> list[str]:
    seen: dict[str, None] = {}
    while len(seen) < count:
        seen["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4)))] = None
    return list(seen)


class Corpus:
    """Seeded generator of articles, copies with words replaced, and copies with a paragraph added."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.vocabulary = _words(self.rng, VOCABULARY)
        self.cumulative = list(itertools.accumulate(1 / rank for rank in range(1, VOCABULARY + 1)))
        self.names = [[name.capitalize() for name in _words(self.rng, 30)] for _ in range(TOPICS)]
        self.phrases = [
            [self.rng.choice(names)] + self.common(self.rng.randint(1, 3)) for names in self.names for _ in range(15)
        ]
        self.phrases_by_topic = [self.phrases[t * 15 : (t + 1) * 15] for t in range(TOPICS)]

    def common(self, count: int) -> list[str]:
        return self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=count)

    def article_words(self, topic: int, count: int = ARTICLE_WORDS) -> list[str]:
        """About 8% the topic's names, 10% its stock phrases, the rest common words."""
        words: list[str] = []
        while len(words) < count:
            draw = self.rng.random()
            if draw < 0.08:
                words.append(self.rng.choice(self.names[topic]))
            elif draw < 0.11:
                words.extend(self.rng.choice(self.phrases_by_topic[topic]))
            else:
                words.extend(self.common(1))
        return words[:count]

    def replace_words(self, words: list[str], share: float) -> list[str]:
        """A copy with exactly round(share * len) words, at random places, replaced by different words."""
        copy = list(words)
        for position in self.rng.sample(range(len(copy)), round(share * len(copy))):
            replacement = copy[position]
            while replacement == copy[position]:
                replacement = self.common(1)[0]
            copy[position] = replacement
        return copy

    def add_paragraph(self, words: list[str], topic: int, count: int = 100) -> list[str]:
        return words + self.article_words(topic, count)


def render(words: list[str]) -> str:
    """Sentences of 18 words, capitalised and full-stopped, in paragraphs of four sentences."""
    sentences = [" ".join(words[i : i + 18]) for i in range(0, len(words), 18)]
    sentences = [sentence[0].upper() + sentence[1:] + "." for sentence in sentences]
    return "\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))


class BandIndex:
    """In-memory stand-in for ArticleBand and Article.minhash, with dedupe's candidate rule: keys held by
    more than HOT_KEY other articles ignored, the MAX_CANDIDATES sharing the most bands (then the newest),
    of which those whose sketch is at least MIN_SKETCH_SIMILARITY like the query's."""

    def __init__(self) -> None:
        from news.pipeline import dedupe

        self.dedupe = dedupe
        self.rows: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.sketches: dict[int, bytes | None] = {}

    def add(self, article_id: int, keys: list[int], sketch: bytes | None) -> None:
        for band, key in enumerate(keys):
            self.rows[band, key].append(article_id)
        self.sketches[article_id] = sketch

    def looked_up(self, keys: list[int], exclude: int | None = None) -> list[int]:
        """The candidates before their sketches are compared."""
        shared: Counter[int] = Counter()
        for band, key in enumerate(keys):
            holders = [article_id for article_id in self.rows.get((band, key), ()) if article_id != exclude]
            if len(holders) <= self.dedupe.HOT_KEY:
                shared.update(holders)
        ranked = sorted(shared.items(), key=lambda item: (-item[1], -item[0]))
        return [article_id for article_id, _ in ranked[: self.dedupe.MAX_CANDIDATES]]

    def candidates(self, keys: list[int], sketch: bytes | None, exclude: int | None = None) -> list[int]:
        similarity, minimum = self.dedupe.sketch_similarity, self.dedupe.MIN_SKETCH_SIMILARITY
        return [
            article_id
            for article_id in self.looked_up(keys, exclude)
            if sketch is None
            or self.sketches[article_id] is None
            or similarity(sketch, self.sketches[article_id]) >= minimum
        ]


def optimal_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising equal-weight false positive + false negative areas, as datasketch's MinHashLSH."""
    grid = np.linspace(0, 1, 1001)
    best = (0.0, 1, 1)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            probability = 1 - (1 - grid**rows) ** bands
            false_positive = np.trapezoid(np.where(grid < threshold, probability, 0), grid)
            false_negative = np.trapezoid(np.where(grid >= threshold, 1 - probability, 0), grid)
            error = false_positive + false_negative
            if best[1:] == (1, 1) or error < best[0]:
                best = (error, bands, rows)
    return best[1], best[2]


def naive_keys(text: str, bands: int, rows: int) -> list[int]:
    """3-word shingles, MinHash of bands * rows values, one key per band."""
    from news.pipeline import dedupe

    words = dedupe.normalise_text(text).split()
    shingle_set = {dedupe._stable_hash(" ".join(words[i : i + 3])) for i in range(len(words) - 2)}
    values = dedupe._mix(np.fromiter(shingle_set, dtype=np.uint64)[None, :] ^ dedupe._SEEDS[: bands * rows]).min(1)
    return [hashlib.blake2b(row.tobytes(), digest_size=8).hexdigest() for row in values.reshape(bands, rows)]


def timed(function: Callable[[str], object], texts: Iterable[str]) -> tuple[list[object], list[float]]:
    results, seconds = [], []
    for text in texts:
        start = time.perf_counter()
        results.append(function(text))
        seconds.append(time.perf_counter() - start)
    return results, seconds


def jaccard(first: set[int], second: set[int]) -> float:
    return len(first & second) / len(first | second)


def setup_models() -> None:
    """Django with the project's settings (no query is made: the functions measured here are pure)."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ.setdefault("SECRET_KEY", "dedupe-bench")
    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--copies", type=int, default=1000, help="copies per kind of edit")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()

    setup_models()
    from news.pipeline import dedupe

    corpus = Corpus(arguments.seed)
    topics = [i % TOPICS for i in range(arguments.articles)]
    originals = [corpus.article_words(topic) for topic in topics]
    texts = [render(words) for words in originals]
    kinds: dict[str, list[tuple[int, str]]] = {}
    for kind, count, make in [
        ("5% of words replaced", arguments.copies, lambda words, _: corpus.replace_words(words, 0.05)),
        ("10% of words replaced", arguments.copies, lambda words, _: corpus.replace_words(words, 0.10)),
        ("20% of words replaced", arguments.copies // 2, lambda words, _: corpus.replace_words(words, 0.20)),
        ("100-word paragraph added", arguments.copies // 2, lambda words, topic: corpus.add_paragraph(words, topic)),
    ]:
        sources = corpus.rng.sample(range(arguments.articles), count)
        kinds[kind] = [(source, render(make(originals[source], topics[source]))) for source in sources]

    print(f"Corpus: {arguments.articles} originals of {ARTICLE_WORDS} words on {TOPICS} topics, seed {arguments.seed}")
    print()
    print("Shingle size: mean Jaccard of a copy with its original, and of unrelated articles on the same topic")
    print()
    print("| shingles | copy, 5% replaced | copy, 10% replaced | unrelated, same topic: mean | max |")
    print("| --- | --- | --- | --- | --- |")
    sample = range(min(300, arguments.articles - TOPICS))
    for size in (1, 2, 3):

        def grams(text: str, size: int = size) -> set[str]:
            words = dedupe.normalise_text(text).split()
            return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}

        copies = {kind: [jaccard(grams(texts[s]), grams(c)) for s, c in kinds[kind][:300]] for kind in kinds}
        unrelated = [jaccard(grams(texts[i]), grams(texts[i + TOPICS])) for i in sample]
        print(
            f"| {size} word{'s' if size > 1 else ''} | {statistics.mean(copies['5% of words replaced']):.3f} "
            f"| {statistics.mean(copies['10% of words replaced']):.3f} | {statistics.mean(unrelated):.3f} "
            f"| {max(unrelated):.3f} |"
        )

    prints, fingerprint_seconds = timed(dedupe.fingerprint, texts)
    shingle_sets = [set(fprint.grams) for fprint in prints]
    index = BandIndex()
    for article_id, fprint in enumerate(prints):
        index.add(article_id, fprint.keys, fprint.sketch)

    def matches(text: str, exclude: int | None = None) -> tuple[list[int], list[int], list[int]]:
        """The candidates looked up, those whose text is read (sketch similar enough), those verified."""
        fprint = dedupe.fingerprint(text)
        looked_up = index.looked_up(fprint.keys, exclude)
        read = index.candidates(fprint.keys, fprint.sketch, exclude)
        return looked_up, read, [c for c in read if dedupe.is_near_duplicate(fprint.grams, shingle_sets[c])]

    bands, rows = optimal_bands(0.8, 128)
    naive_index: dict[tuple[int, str], set[int]] = defaultdict(set)
    for article_id, text in enumerate(texts):
        for band, key in enumerate(naive_keys(text, bands, rows)):
            naive_index[band, key].add(article_id)

    def naive_candidates(text: str) -> set[int]:
        found: set[int] = set()
        for band, key in enumerate(naive_keys(text, bands, rows)):
            found |= naive_index.get((band, key), set())
        return found

    print()
    print(
        f"Recall: copies whose original is found. This module: 2-word shingles, {dedupe.BANDS} bands x "
        f"{dedupe.ROWS} rows (keys held by more than {dedupe.HOT_KEY} others ignored), text read when the "
        f"sketch agrees at >= {dedupe.MIN_SKETCH_SIMILARITY}, verified at overlap >= {dedupe.MIN_OVERLAP}. "
        f"Naive: 3-word shingles, LSH for Jaccard 0.8 ({bands} bands x {rows} rows), no verification."
    )
    print()
    print("| copies | count | candidate (LSH) | text read (sketch) | found (verified) | wrong original | naive found |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    query_seconds: list[float] = []
    for kind, copies in kinds.items():
        candidate_hits = read_hits = verified_hits = wrong = naive_hits = 0
        for source, text in copies:
            start = time.perf_counter()
            candidates, read, verified = matches(text)
            query_seconds.append(time.perf_counter() - start)
            candidate_hits += source in candidates
            read_hits += source in read
            verified_hits += source in verified
            wrong += any(match != source for match in verified)
            naive_hits += source in naive_candidates(text)
        n = len(copies)
        print(
            f"| {kind} | {n} | {candidate_hits / n:.3f} | {read_hits / n:.3f} | **{verified_hits / n:.3f}** "
            f"| {wrong / n:.3f} "
            f"| {naive_hits / n:.3f} |"
        )

    candidate_pairs: set[tuple[int, int]] = set()
    read_pairs: set[tuple[int, int]] = set()
    false_pairs: set[tuple[int, int]] = set()
    falsely_clustered: set[int] = set()
    for article_id, text in enumerate(texts):
        candidates, read, verified = matches(text, exclude=article_id)
        candidate_pairs.update((min(article_id, c), max(article_id, c)) for c in candidates)
        read_pairs.update((min(article_id, c), max(article_id, c)) for c in read)
        false_pairs.update((min(article_id, v), max(article_id, v)) for v in verified)
        if verified:
            falsely_clustered.update([article_id, *verified])
    pair_sample = [tuple(corpus.rng.sample(range(arguments.articles), 2)) for _ in range(20000)]
    same_topic = [(i, i + TOPICS * corpus.rng.randint(1, 5)) for i in range(min(2000, arguments.articles - 5 * TOPICS))]
    sampled_overlaps = [dedupe.overlap(shingle_sets[a], shingle_sets[b]) for a, b in pair_sample]
    same_topic_overlaps = [dedupe.overlap(shingle_sets[a], shingle_sets[b]) for a, b in same_topic]
    print()
    print("False clusters among the originals (all distinct articles)")
    print()
    print("| measure | value |")
    print("| --- | --- |")
    print(f"| unrelated pairs that became LSH candidates | {len(candidate_pairs)} |")
    print(f"| ... of which the sketches agree (texts read) | {len(read_pairs)} |")
    print(f"| ... of which verified (false clusters) | {len(false_pairs)} |")
    hot = sum(len(holders) > dedupe.HOT_KEY + 1 for holders in index.rows.values())
    print(f"| band keys held by more than {dedupe.HOT_KEY + 1} articles (ignored) | {hot} of {len(index.rows)} |")
    rate = len(falsely_clustered) / arguments.articles
    print(f"| originals put in a false cluster | {len(falsely_clustered)} of {arguments.articles} ({rate:.2%}) |")
    sampled_false = sum(o >= dedupe.MIN_OVERLAP for o in sampled_overlaps + same_topic_overlaps)
    print(f"| random + same-topic unrelated pairs verified | {sampled_false} of {len(pair_sample) + len(same_topic)} |")
    same_topic_mean, same_topic_max = statistics.mean(same_topic_overlaps), max(same_topic_overlaps)
    print(f"| overlap of unrelated pairs, same topic: mean / max | {same_topic_mean:.3f} / {same_topic_max:.3f} |")
    copy_overlaps = {
        kind: [dedupe.overlap(shingle_sets[s], dedupe.fingerprint(c).grams) for s, c in copies[:300]]
        for kind, copies in kinds.items()
    }
    for kind, values in copy_overlaps.items():
        print(f"| overlap of copies, {kind}: mean / min | {statistics.mean(values):.3f} / {min(values):.3f} |")
    print()
    print("| time per article (median / 95th percentile) | ms |")
    print("| --- | --- |")
    for label, seconds in [
        ("fingerprint (normalise, shingles, MinHash, band keys, sketch)", fingerprint_seconds),
        ("query in memory (fingerprint, candidates, verification)", query_seconds),
    ]:
        p95 = statistics.quantiles(seconds, n=20)[-1]
        print(f"| {label} | {statistics.median(seconds) * 1000:.2f} / {p95 * 1000:.2f} |")


if __name__ == "__main__":
    main()
