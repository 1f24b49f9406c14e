"""Per-article processing cost with a small and with a large corpus already stored.

    .venv/bin/python -m bench.ingest.corpus_scaling [--small 1000] [--large 200000] [--sample 200]
        [--repeats 1] [--explain] [--keep] [--seed 1]

PostgreSQL only (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/tracker_bench,
created and migrated here); the news tables are emptied first and, unless --keep, at the end.

The stored corpus: processed articles as the pipeline leaves them, bulk-inserted (batches of
2,000) with everything the per-article queries touch: text and sanitised HTML, content hash,
SimHash, MinHash sketch, story, one history row each, their 40 ArticleBand rows, their mentions (offsets
into title + text, as detect_mentions stores them) and, for about a third of them,
suggestions of the demo negotiation's meetings, proposals and sticking points. (The raw
page is left out: only the article being processed reads its own.) One article in ten is
a syndicated copy of an earlier one (one paragraph of ten swapped), in its story.

To make 200,000 articles in minutes, an article is ten paragraphs drawn from a pool of
generated ones (a quarter as many paragraphs as articles). Each pool paragraph's words,
2-word shingles, MinHash signature and mentions are computed once; an article's signature
is the element-wise minimum of its paragraphs' signatures and of the shingles that span
paragraph boundaries, which is exactly the signature of its whole text (checked against
news.pipeline.dedupe.fingerprint on a few articles at start-up, with the content hash and the
mentions), so its band keys and sketch are the ones the pipeline would store. The SimHash sums the
paragraphs' bit counts (a shingle found in two paragraphs counts twice): nothing reads it
but the admin. Loading runs with synchronous_commit off and session_replication_role =
replica (no row-by-row foreign-key triggers), both set back before anything is measured.

The measured articles: `--sample` new articles (pages generated afresh, one in ten a copy
of a stored article of the small corpus with 5% of its words replaced), inserted with
their page already in raw_html so no fetch happens, then processed in this process as the
worker processes them: `services.articles_process(article_ids=..., force=True)` in batches
of INGEST_PROCESS_BATCH (20). Each batch is timed (its time over its size is the cost per
article), its queries counted (CaptureQueriesContext) and the time in extraction
(trafilatura, not database-bound) measured apart. Five more articles warm up first. The sample is deleted after each
measurement, the corpus grown from --small to --large (then VACUUM ANALYZE), and the same
sample measured again. Targets: at --large, the median per-article time within 1.2x of --small, the p95 within 1.3x.
"""

import argparse
import datetime
import hashlib
import html
import io
import random
import time
from dataclasses import dataclass

import numpy as np

from bench.ingest import common

BATCH = 2000
FEEDS = 50
WARM_UP = 5
PARAGRAPHS_PER_ARTICLE = 10


@dataclass(frozen=True)
class Paragraph:
    text: str
    first_word: str
    last_word: str
    normalised: str  # the paragraph's normalised words, joined by single spaces
    shingles: int  # how many distinct 2-word shingles
    bits: np.ndarray  # per bit of 64, how many of the shingles have it set (for the SimHash)
    signature: np.ndarray  # uint64, dedupe.NUM_PERM values
    matches: tuple[tuple[int, int, int, int, str], ...]  # (actor, alias, start, end, text) within the paragraph


@dataclass
class StoredArticle:
    title: str
    text: str
    content_hash: str
    simhash: int
    keys: list[int]
    sketch: bytes
    mentions: list[tuple[int, int, int, int, str]]  # offsets into title + "\n\n" + text
    story: int | None  # index in the corpus of the first article of its story (None: its own)


class Corpus:
    """Articles composed of pool paragraphs, with their fingerprints and mentions computed cheaply and exactly."""

    def __init__(self, writer: common.NewsWriter, matcher, *, pool_size: int, seed: int) -> None:
        from news.pipeline import dedupe

        self.dedupe = dedupe
        self.writer = writer
        self.matcher = matcher
        self.rng = random.Random(seed)
        self.pool = [self.paragraph(writer.paragraph(i % writer.topics)) for i in range(pool_size)]
        # Per stored article, by index: its paragraphs and the index of its story's first article.
        self.paragraphs_of: list[list[Paragraph]] = []
        self.stories: list[int] = []

    def __len__(self) -> int:
        return len(self.stories)

    def text(self, index: int) -> str:
        return "\n\n".join(p.text for p in self.paragraphs_of[index])

    def paragraph(self, text: str) -> Paragraph:
        dedupe = self.dedupe
        words = dedupe.normalise_text(text).split()
        shingles = dedupe._shingles(words)
        matches = tuple((m.actor_id, m.alias_id, m.start, m.end, m.matched_text) for m in self.matcher.find(text))
        return Paragraph(
            text,
            words[0],
            words[-1],
            " ".join(words),
            len(shingles),
            _bits(shingles),
            dedupe.signature(shingles),
            matches,
        )

    def compose(self, paragraphs: list[Paragraph], story: int | None = None) -> StoredArticle:
        dedupe = self.dedupe
        title = self.writer.title(self.rng.randrange(self.writer.topics))
        text = "\n\n".join(p.text for p in paragraphs)
        boundaries = {
            dedupe._stable_hash(f"{first.last_word} {second.first_word}")
            for first, second in zip(paragraphs, paragraphs[1:], strict=False)
        }
        signature = np.minimum.reduce([p.signature for p in paragraphs] + [dedupe.signature(boundaries)])
        ones = sum(p.bits for p in paragraphs) + _bits(boundaries)
        unsigned = sum(1 << int(bit) for bit in np.flatnonzero(ones * 2 > sum(p.shingles for p in paragraphs)))
        mentions = [(m.actor_id, m.alias_id, m.start, m.end, m.matched_text) for m in self.matcher.find(title)]
        offset = len(title) + 2
        for paragraph in paragraphs:
            mentions += [(a, alias, offset + s, offset + e, t) for a, alias, s, e, t in paragraph.matches]
            offset += len(paragraph.text) + 2
        return StoredArticle(
            title=title,
            text=text,
            content_hash=hashlib.sha256(" ".join(p.normalised for p in paragraphs).encode()).hexdigest(),
            simhash=unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned,
            keys=dedupe.band_keys(signature),
            sketch=dedupe.sketch(signature),
            mentions=mentions,
            story=story,
        )

    def add(self) -> StoredArticle:
        """The next article: one in ten a copy of an earlier one with one paragraph swapped."""
        index = len(self.stories)
        if index and self.rng.random() < 0.1:
            original = self.rng.randrange(index)
            paragraphs = self.paragraphs_of[original][:]
            paragraphs[self.rng.randrange(len(paragraphs))] = self.rng.choice(self.pool)
            article = self.compose(paragraphs, story=self.stories[original])
        else:
            paragraphs = self.rng.sample(self.pool, PARAGRAPHS_PER_ARTICLE)
            article = self.compose(paragraphs)
        self.paragraphs_of.append(paragraphs)
        self.stories.append(index if article.story is None else article.story)
        return article

    def check(self, count: int = 5) -> None:
        """The composed fingerprints equal the pipeline's own, computed on the whole text."""
        for _ in range(count):
            article = self.compose(self.rng.sample(self.pool, PARAGRAPHS_PER_ARTICLE))
            fprint = self.dedupe.fingerprint(article.text)
            assert (article.keys, article.sketch) == (fprint.keys, fprint.sketch), "composed keys differ"  # noqa: S101
            assert article.content_hash == self.dedupe.content_hash(article.text)  # noqa: S101
            source = f"{article.title}\n\n{article.text}"
            found = [(m.actor_id, m.alias_id, m.start, m.end, m.matched_text) for m in self.matcher.find(source)]
            assert sorted(found) == sorted(article.mentions), "composed mentions differ"  # noqa: S101


def _bits(shingles: set[int]) -> np.ndarray:
    values = np.fromiter(shingles, dtype=np.uint64, count=len(shingles))
    return ((values[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)).sum(axis=0)


# --- Loading --------------------------------------------------------------------------------------


def _copy(cursor, table: str, columns: list[str], lines) -> None:
    """COPY into table from lines of tab-separated text (see _escape)."""
    buffer = io.StringIO()
    buffer.writelines(lines)
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Loader:
    def __init__(self, corpus: Corpus, seed: int) -> None:
        from django.contrib.contenttypes.models import ContentType

        from negotiations.models import Meeting, Proposal, StickingPoint
        from news.models import Feed

        self.corpus = corpus
        self.rng = random.Random(seed)
        self.feeds = list(Feed.objects.filter(url__startswith="https://feeds.bench.example/"))
        if not self.feeds:
            self.feeds = Feed.objects.bulk_create(
                Feed(
                    url=f"https://feeds.bench.example/{number}.xml",
                    title=f"Bench feed {number}",
                    publisher=common.PUBLISHERS[number % len(common.PUBLISHERS)],
                )
                for number in range(FEEDS)
            )
        self.records = [
            (ContentType.objects.get_for_model(model).id, list(model.objects.values_list("id", flat=True)))
            for model in (Meeting, Proposal, StickingPoint)
        ]
        self.ids: list[int] = []  # database id of each corpus article, by index

    def load(self, count: int) -> None:
        """Grow the stored corpus to `count` articles."""
        from django.db import connection

        with connection.cursor() as cursor:
            # Loading only, set back before anything is measured: commits need not wait for the disk,
            # and foreign keys are not checked row by row (the rows are consistent by construction).
            cursor.execute("SET synchronous_commit TO OFF")
            cursor.execute("SET session_replication_role TO replica")
        try:
            self._load(count)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO DEFAULT")
                cursor.execute("SET session_replication_role TO DEFAULT")

    def _load(self, count: int) -> None:
        from django.db import connection, transaction

        from news.models import Article

        stamp = datetime.datetime(2025, 8, 1, tzinfo=datetime.UTC)
        while len(self.ids) < count:
            start = len(self.ids)
            batch = [self.corpus.add() for _ in range(min(BATCH, count - start))]
            with transaction.atomic():
                rows = []
                for offset, article in enumerate(batch):
                    index = start + offset
                    feed = self.feeds[index % len(self.feeds)]
                    url = f"https://news{index % FEEDS}.bench.example/2025/07/{index:07d}.html"
                    rows.append(
                        Article(
                            feed=feed,
                            guid=f"bench-{index}",
                            url=url,
                            canonical_url=url,
                            title=article.title,
                            publisher=feed.publisher,
                            author="",
                            published_at=self.corpus.writer.moment(),
                            summary=html.escape(article.text.split(". ")[0]),
                            text=article.text,
                            language="en",
                            content_html="".join(f"<p>{html.escape(p)}</p>" for p in article.text.split("\n\n")),
                            entry_hash=hashlib.sha256(article.title.encode()).hexdigest(),
                            content_hash=article.content_hash,
                            simhash=article.simhash,
                            minhash=article.sketch,
                            processing_state=Article.ProcessingState.PROCESSED,
                            processed_at=stamp,
                            relevance=round(self.rng.random(), 4),
                        )
                    )
                created = Article.objects.bulk_create(rows, batch_size=BATCH)
                ids = [row.pk for row in created]
                self.ids.extend(ids)
                with connection.cursor() as cursor:
                    self._children(cursor, batch, ids)

    def _children(self, cursor, batch: list[StoredArticle], ids: list[int]) -> None:
        from psycopg2 import sql

        from news.models import Article

        stories = [self.ids[a.story] if a.story is not None else pk for a, pk in zip(batch, ids, strict=True)]
        cursor.execute(
            "UPDATE news_article SET story_id = s.story FROM UNNEST(%s::bigint[], %s::bigint[]) AS s(id, story) "
            "WHERE news_article.id = s.id",
            [ids, stories],
        )
        # One history row per article, as the processing save leaves (created rows are not in history here).
        history_fields = [f.column for f in Article.history.model._meta.concrete_fields if not f.primary_key]
        shared = sql.SQL(", ").join(sql.Identifier(c) for c in history_fields if not c.startswith("history_"))
        history = sql.SQL(
            "INSERT INTO news_historicalarticle ({shared}, history_date, history_type) "
            "SELECT {shared}, now(), '~' FROM news_article WHERE id = ANY(%s)"
        ).format(shared=shared)
        cursor.execute(history, [ids])
        _copy(
            cursor,
            "news_articleband",
            ["article_id", "band", "key"],
            (f"{pk}\t{band}\t{key}\n" for a, pk in zip(batch, ids, strict=True) for band, key in enumerate(a.keys)),
        )
        _copy(
            cursor,
            "news_mention",
            ["article_id", "actor_id", "alias_id", "start", '"end"', "matched_text"],
            (
                f"{pk}\t{actor}\t{alias}\t{start}\t{end}\t{_escape(text)}\n"
                for a, pk in zip(batch, ids, strict=True)
                for actor, alias, start, end, text in a.mentions
            ),
        )
        suggestions = []
        for pk in ids:
            if self.rng.random() < 0.35:
                for content_type, record_ids in self.rng.sample(self.records, self.rng.randint(1, 3)):
                    for record in self.rng.sample(record_ids, min(len(record_ids), self.rng.randint(1, 3))):
                        reasons = '["2 of 3 participants named", "1.5 days apart"]'
                        score = round(self.rng.uniform(0.15, 1), 4)
                        suggestions.append(f"{pk}\t{content_type}\t{record}\t{score}\t{reasons}\n")
        _copy(
            cursor, "news_suggestion", ["article_id", "content_type_id", "object_id", "score", "reasons"], suggestions
        )


# --- The measured sample --------------------------------------------------------------------------


def make_sample(writer: common.NewsWriter, corpus: Corpus, count: int, small: int, seed: int):
    """(url, title, page html) of the sample: fresh articles, one in ten a lightly edited copy of a stored one."""
    rng = random.Random(seed)
    sample = []
    for number in range(count + WARM_UP):
        story = writer.story(1_000_000 + number)
        if number >= WARM_UP and number % 10 == 0:
            original = corpus.text(rng.randrange(min(small, len(corpus))))
            paragraphs = tuple(writer.replace_words(original, 0.05).split("\n\n"))
            story = common.Story(story.slug, story.title, story.author, story.published_at, paragraphs)
        url = f"https://sample.bench.example/2025/07/{story.slug}.html"
        page = common.page_html(story, url=url, publisher="The Daily Ledger", related=[("/more", "More news")])
        sample.append((url, story, page))
    return sample


def insert_sample(sample, feed) -> list[int]:
    from news.models import Article

    rows = [
        Article(
            feed=feed,
            guid=story.slug,
            url=url,
            canonical_url=url,
            title=story.title,
            publisher=feed.publisher,
            published_at=story.published_at,
            summary=html.escape(story.summary),
            raw_html=page,
        )
        for url, story, page in sample
    ]
    return [row.pk for row in Article.objects.bulk_create(rows)]


@dataclass
class Measurement:
    seconds: list[float]
    extraction: list[float]
    queries: list[int]
    looked_up: list[int]  # candidates found by the band keys (hot keys ignored), per article
    candidates: list[int]  # of those, the ones whose texts are read (their sketch agrees)
    stories_joined: int
    stages: dict[str, float]  # seconds per article (a mean: batch-wide steps shared out) in each timed step


def _stages() -> list[tuple[object, str]]:
    """The steps timed apart, to show which of them grows with the corpus."""
    from news import services
    from news.pipeline import dedupe, mentions
    from review import scoring

    return [
        (dedupe, "fingerprint"),
        (mentions, "find_mentions"),
        (dedupe, "find_stories"),
        (scoring, "score_articles"),
        (services, "bulk_update"),
        (dedupe, "replace_bands"),
        (mentions, "replace_mentions"),
        (scoring, "replace_suggestions"),
    ]


def measure(sample, feed, repeats: int, explain: bool) -> Measurement:
    STAGES = _stages()  # noqa: N806 (read by the patching below)
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from news import services
    from news.models import Article

    ids = insert_sample(sample, feed)
    size = settings.INGEST_PROCESS_BATCH
    measured = ids[WARM_UP:]
    batches = [measured[start : start + size] for start in range(0, len(measured), size)]
    extraction: list[float] = []
    stages: dict[str, float] = {}
    original_extract = services.extract_article

    def timed_extract(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original_extract(*args, **kwargs)
        finally:
            extraction.append(time.perf_counter() - started)

    patches = [(module, name, f"{module.__name__.split('.')[-1]}.{name}") for module, name in STAGES]
    seconds, extracting, queries = [], [], []
    services.extract_article = timed_extract
    try:
        with common.timed_calls(stages, patches):
            services.articles_process(article_ids=ids[:WARM_UP], force=True)
            stages.clear()
            for _ in range(repeats):
                for batch in batches:
                    connection.queries_log.clear()  # a full log (9,000 queries) would make every count 0
                    extraction.clear()
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        services.articles_process(article_ids=batch, force=True)
                        seconds.append((time.perf_counter() - started) / len(batch))
                    extracting.append(sum(extraction) / len(batch))
                    queries.append(len(captured))
    finally:
        services.extract_article = original_extract
    rows = list(Article.objects.filter(pk__in=measured).order_by("pk"))
    candidates = [len(_candidates(article)) for article in rows]
    looked_up = [_looked_up(article) for article in rows]
    joined = sum(article.story_id not in ids for article in rows)
    busiest = rows[max(range(len(rows)), key=candidates.__getitem__)]
    describe_candidates(busiest)
    if explain:
        show_plans(busiest)
    Article.objects.filter(pk__in=ids).delete()
    per_article = {name: total / (len(measured) * repeats) for name, total in stages.items()}
    return Measurement(seconds, extracting, queries, looked_up, candidates, joined, per_article)


def _candidates(article) -> list[int]:
    from news.pipeline import dedupe

    return dedupe._candidate_ids([(article, dedupe.fingerprint(article.text))])[0]


def _looked_up(article) -> int:
    """How many candidates the band-key lookup returns for the article, before their sketches are compared."""
    from django.db import connection

    from news.pipeline import dedupe

    fprint = dedupe.fingerprint(article.text)
    if not fprint.keys:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(*dedupe.candidate_query([(article, fprint)]))
        return len(cursor.fetchall())


def describe_candidates(article) -> None:
    """The LSH candidates of the article with the most: bands shared, and their text overlap (what verifies)."""
    from news.models import Article
    from news.pipeline import dedupe

    ids = _candidates(article)
    if not ids:
        return
    shingles = dedupe.shingles(article.text)
    keys = set(enumerate(dedupe.lsh_keys(article.text)))
    rows = Article.objects.filter(pk__in=ids).prefetch_related("bands")
    shared = sorted(sum((b.band, b.key) in keys for b in row.bands.all()) for row in rows)
    overlaps = sorted(dedupe.overlap(shingles, dedupe.shingles(row.text)) for row in rows)
    print(
        f"  most LSH candidates: article {article.pk}, {len(ids)} candidates sharing {shared[0]}-{shared[-1]} "
        f"of {dedupe.BANDS} bands, text overlap {overlaps[0]:.2f}-{overlaps[-1]:.2f} "
        f"(near-duplicate from {dedupe.MIN_OVERLAP}: {sum(o >= dedupe.MIN_OVERLAP for o in overlaps)})"
    )


def show_plans(article) -> None:
    """EXPLAIN ANALYZE of the two corpus-wide lookups of find_stories (band keys, then candidate rows)."""
    from django.db import connection
    from django.db.models import Min

    from news.models import Article
    from news.pipeline import dedupe

    items = [(article, dedupe.fingerprint(article.text))]
    sql, params = dedupe.candidate_query(items)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ANALYZE {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(f"\nEXPLAIN ANALYZE, band-key lookup:\n{_short(plan)}")
    ids = _candidates(article)
    first_copies = (
        Article.objects.filter(content_hash=dedupe.content_hash(article.text))
        .exclude(pk=article.pk)
        .values("content_hash")
        .annotate(first=Min("pk"))
        .values_list("first", flat=True)
    )
    print(f"EXPLAIN ANALYZE, earliest exact copy:\n{_short(first_copies.explain(analyze=True))}")
    rows = (
        Article.objects.filter(pk__in=[*ids, *first_copies])
        .select_related("story")
        .defer("raw_html", "content_html", "story__raw_html", "story__content_html", "story__text")
    )
    print(f"EXPLAIN ANALYZE, candidate rows:\n{_short(rows.explain(analyze=True))}")


def _short(plan: str) -> str:
    """The plan's first lines and its timings."""
    lines = plan.splitlines()
    kept = lines if len(lines) <= 10 else [*lines[:8], "  ...", *lines[-2:]]
    return "\n".join(f"    {line}" for line in kept)


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("news_article", "news_articleband", "news_mention", "news_suggestion", "news_historicalarticle"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def hot_band_keys() -> str:
    """How many articles share the most-shared (band, key), and how many keys are hot (ignored by the lookup)."""
    from django.db import connection

    from news.pipeline import dedupe

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE n > %s), coalesce(max(n), 0) "
            "FROM (SELECT count(*) AS n FROM news_articleband GROUP BY band, key) AS shared",
            [dedupe.HOT_KEY + 1],
        )
        keys, hottest = cursor.fetchone()
    return (
        f"the most-shared band key is held by {hottest} articles; {keys} keys are held by more than "
        f"{dedupe.HOT_KEY + 1} (ignored)"
    )


def table_sizes() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_live_tup, pg_size_pretty(pg_total_relation_size(relid)) FROM pg_stat_user_tables "
            "WHERE relname IN ('news_article', 'news_articleband', 'news_mention', 'news_suggestion') ORDER BY relname"
        )
        return ", ".join(f"{name} {rows:,} rows ({size})" for name, rows, size in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--sample", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=1, help="passes over the sample at each size")
    parser.add_argument("--explain", action="store_true", help="print the plans of find_stories' lookups")
    parser.add_argument("--keep", action="store_true", help="leave the corpus in the database")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    common.exit_cleanly_on_signals()
    if not common.DATABASE_URL.startswith("postgres"):
        raise SystemExit("PostgreSQL only: set BENCH_DATABASE_URL to a postgres:// URL")

    common.setup_django()
    from news.models import Feed
    from news.pipeline.mentions import current_matcher

    common.truncate_news()
    try:
        started = time.perf_counter()
        actors = common.ensure_actors(total=200, seed=arguments.seed)
        writer = common.NewsWriter(actors, seed=arguments.seed)
        corpus = Corpus(writer, current_matcher(), pool_size=max(2000, arguments.large // 4), seed=arguments.seed)
        corpus.check()
        loader = Loader(corpus, arguments.seed)
        sample_feed = Feed.objects.create(url="https://sample.bench.example/feed.xml", publisher="The Daily Ledger")
        print(f"paragraph pool of {len(corpus.pool):,}: {time.perf_counter() - started:.0f} s", flush=True)

        results = {}
        sample = None
        for size in (arguments.small, arguments.large):
            started = time.perf_counter()
            loader.load(size)
            vacuum_analyze()
            print(
                f"corpus of {size:,} articles ready in {time.perf_counter() - started:.0f} s: {table_sizes()}",
                flush=True,
            )
            print(f"  {hot_band_keys()}", flush=True)
            sample = sample or make_sample(writer, corpus, arguments.sample, arguments.small, arguments.seed)
            results[size] = measure(sample, sample_feed, arguments.repeats, arguments.explain)
            result = results[size]
            print(f"  median {common.median(result.seconds) * 1000:.1f} ms per article", flush=True)
        report(arguments, results)
    finally:
        if not arguments.keep:
            common.truncate_news()


def report(arguments: argparse.Namespace, results: dict[int, Measurement]) -> None:
    ms = 1000
    small, large = results[arguments.small], results[arguments.large]
    print(
        f"\n{arguments.sample} articles processed at each corpus size (articles_process, force=True, page stored), "
        "in batches; ms per article is a batch's time over its size:\n"
    )
    print(
        "| stored articles | median ms | p95 ms | median ms without extraction | queries per batch | "
        "candidates looked up (median / p95 / max) | texts read (median / p95 / max) | joined a stored story |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size, result in results.items():
        without = [total - extract for total, extract in zip(result.seconds, result.extraction, strict=True)]
        queries = sorted(set(result.queries))
        shown = (
            f"{queries[0]}"
            if len(queries) == 1
            else f"{common.median(result.queries):.0f} ({queries[0]}-{queries[-1]})"
        )
        p95 = common.percentile(result.seconds, 0.95)
        print(
            f"| {size:,} | {common.median(result.seconds) * ms:.1f} | {p95 * ms:.1f} "
            f"| {common.median(without) * ms:.1f} | {shown} | {common.median(result.looked_up):.0f} / "
            f"{common.percentile(result.looked_up, 0.95)} / {max(result.looked_up)} "
            f"| {common.median(result.candidates):.0f} / "
            f"{common.percentile(result.candidates, 0.95)} / {max(result.candidates)} "
            f"| {result.stories_joined} of {len(result.candidates)} |"
        )
    names = list(small.stages)
    print(f"\nMean ms per article in each step, {arguments.small:,} and {arguments.large:,} stored:\n")
    print(f"| step | {arguments.small:,} | {arguments.large:,} |")
    print("| --- | ---: | ---: |")
    for name in names:
        print(f"| {name} | {small.stages[name] * ms:.2f} | {large.stages.get(name, 0.0) * ms:.2f} |")
    extraction = [common.median(result.extraction) * ms for result in (small, large)]
    print(f"| extraction (median) | {extraction[0]:.2f} | {extraction[1]:.2f} |")
    for size, result in results.items():
        busy = sum(count >= 10 for count in result.looked_up)
        print(f"At {size:,}: {busy} of the {len(result.looked_up)} articles have 10 or more candidates looked up")
    ratio = common.median(large.seconds) / common.median(small.seconds)
    p95 = common.percentile(large.seconds, 0.95) / common.percentile(small.seconds, 0.95)
    verdict = "met" if ratio <= 1.2 else f"missed by {ratio / 1.2:.2f}x"
    tail = "met" if p95 <= 1.3 else f"missed by {p95 / 1.3:.2f}x"
    print(
        f"\nRatio {arguments.large:,} / {arguments.small:,}: median {ratio:.2f}x (target <= 1.2: {verdict}), ", end=""
    )
    print(f"p95 {p95:.2f}x (target <= 1.3: {tail})")
    # The two sizes are measured ~15 minutes apart on a shared machine. Extraction (the same pages, no
    # database) does not depend on the corpus, so its own ratio shows how much the machine drifted.
    drift = common.median(large.extraction) / common.median(small.extraction)
    without = [
        common.median([total - extract for total, extract in zip(r.seconds, r.extraction, strict=True)])
        for r in (small, large)
    ]
    print(
        f"Control: extraction of the same pages took {drift:.2f}x as long at {arguments.large:,}; the ratio "
        f"without extraction is {without[1] / without[0]:.2f}x, and the median ratio over the drift "
        f"{ratio / drift:.2f}x"
    )


if __name__ == "__main__":
    main()
