"""End-to-end ingestion through one Celery worker, beside the floor: the same items with no pipeline.

    .venv/bin/python -m bench.ingest.throughput [--articles 300] [--rounds 5] [--per-feed 50]
        [--breakdown 50] [--seed 1] [--concurrency 2]

Needs PostgreSQL and Redis on 127.0.0.1 (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/tracker_bench, created and migrated here; BENCH_REDIS_URL,
default redis://127.0.0.1:6379/13, flushed before and after). The news tables are emptied
before every run; the demo negotiation and ~200 actors with their aliases stay.

The site: `--articles` synthetic English news pages (~600 words, with navigation, share
buttons, a related-links box, a sidebar, comments and a footer around the article) and RSS
feeds of `--per-feed` items each, summary-only (one sentence), so every page is fetched.
Everything is served from bench/ingest/pageserver.py, a process of its own on 127.0.0.1.

Pipeline run: one real worker (`celery --app tracker worker --queues celery,ingest
--concurrency 2`, as docker-compose.yml runs it; INGEST_HOST_MIN_GAP=0), started once and
warmed up twice on separate feeds, one per pool process (as the broker hands them out). Its
two pool processes share the one host of the benchmark: one fetches while the other extracts
(a host in use for moments is waited for, INGEST_HOST_WAIT). `--concurrency 1` gives the one-process figure.
The clock starts when the Feed rows are created and one `news.tasks.poll_feed` per feed is
sent; the worker polls each feed (fetch, parse, store the items), then runs one
`process_articles` per batch of INGEST_PROCESS_BATCH items (20): for each item, fetch the
page under the per-host politeness slot, extract, fingerprint, find mentions; then, for the
batch together, stories, suggestions and the rows written.
The clock stops when every article is processed (or failed), seen by counting them every 0.05 s.

Floor run, in this process (one Python process, like the worker's pool process), with no
pipeline: for each feed, `news.pipeline.http.fetch` (the pipeline's own fetcher, so HTTP
costs the same) and `feedparser.parse` of its bytes; for each item, the same fetcher for the
page and `trafilatura.extract(page, url=...)` with trafilatura's defaults; then one
`Article.objects.bulk_create` of all the items (raw page and text included).

Pipeline and floor alternate (pipeline first in odd rounds, floor first in even ones) for
`--rounds` rounds; medians are reported with their ratio (target: pipeline within 1.3x of
the floor). Each round also prints how busy the machine's CPUs were, and how much time the
hypervisor gave to other VMs (steal): on a shared VM that is what moves the figures.
`--breakdown N` then re-processes N of the articles in this process, in batches as the
worker does, with every stage timed (the page already stored:
`articles_process(force=True)`), and times a bare fetch and the politeness slot, to show
where the pipeline spends beyond the floor.
"""

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from bench.ingest import common

ORIGIN = "__ORIGIN__"  # replaced by the page server with http://127.0.0.1:<port>
WARM_UP_ARTICLES = 20  # a feed of this many, one processing batch; one such feed per pool process
# How often the clock checks whether every article is processed: the run's end is known to within this.
DONE_CHECK_INTERVAL = 0.05  # a COUNT of the run's articles: cheap, but it shares the CPUs with the worker


def write_site(directory: Path, writer: common.NewsWriter, *, articles: int, per_feed: int, prefix: str) -> list[str]:
    """Pages under /<prefix>/a/ and feeds under /<prefix>/feeds/; returns the feeds' paths."""
    stories = [writer.story(index) for index in range(articles)]
    urls = [f"{ORIGIN}/{prefix}/a/{story.slug}.html" for story in stories]
    (directory / prefix / "a").mkdir(parents=True)
    (directory / prefix / "feeds").mkdir(parents=True)
    for index, (story, url) in enumerate(zip(stories, urls, strict=True)):
        related = [(urls[(index + k) % articles], stories[(index + k) % articles].title) for k in range(1, 6)]
        publisher = common.PUBLISHERS[index % len(common.PUBLISHERS)]
        page = common.page_html(story, url=url, publisher=publisher, related=related)
        (directory / prefix / "a" / f"{story.slug}.html").write_text(page, encoding="utf-8")
    paths = []
    for number, start in enumerate(range(0, articles, per_feed)):
        items = list(zip(stories[start : start + per_feed], urls[start : start + per_feed], strict=True))
        path = f"/{prefix}/feeds/{number}.xml"
        feed = common.rss_feed(title=f"Bench desk {number}", link=f"{ORIGIN}/", items=items)
        (directory / path.lstrip("/")).write_text(feed, encoding="utf-8")
        paths.append(path)
    return paths


# --- The worker -------------------------------------------------------------------------------


@contextmanager
def celery_worker(env: dict[str, str], log_path: Path, pool: str = "prefork", concurrency: int = 1):
    """One `celery worker` in its own session; always stopped (SIGTERM, then SIGKILL)."""
    command = [sys.executable, "-m", "celery", "--app", "tracker", "worker", "--queues", "celery,ingest"]
    command += ["--concurrency", str(concurrency), "--pool", pool, "--without-gossip", "--without-mingle"]
    command += ["--without-heartbeat", "--loglevel", "INFO", "--hostname", f"bench-{uuid.uuid4().hex[:6]}@%h"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own entry point
            command,
            cwd=common.ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:

            def ready() -> bool:
                if process.poll() is not None:
                    raise RuntimeError(f"the worker exited:\n{log_path.read_text(errors='replace')[-3000:]}")
                return b" ready." in log_path.read_bytes()

            common.wait_until(ready, timeout=90, interval=0.2, what="the worker to be ready")
            yield process
        finally:
            common.stop_process(process)


def worker_log_tail(log_path: Path) -> str:
    return log_path.read_text(errors="replace")[-3000:]


# --- The two runs -------------------------------------------------------------------------------


def run_pipeline(origin: str, feed_paths: list[str], expected: int, log_path: Path, timeout: float) -> float:
    from news import tasks
    from news.models import Article, Feed

    common.truncate_news()
    done = Article.objects.exclude(processing_state=Article.ProcessingState.NEW)
    started = time.perf_counter()
    feeds = [Feed.objects.create(url=f"{origin}{path}", title=f"Bench feed {path}") for path in feed_paths]
    for feed in feeds:
        tasks.poll_feed.delay(feed.id)
    try:
        common.wait_until(
            lambda: done.count() >= expected,
            timeout=timeout,
            interval=DONE_CHECK_INTERVAL,
            what=f"{expected} processed articles",
        )
    except TimeoutError as error:
        raise TimeoutError(f"{error}: {done.count()} done\n{worker_log_tail(log_path)}") from None
    return time.perf_counter() - started


def run_floor(origin: str, feed_paths: list[str]) -> tuple[float, int]:
    import feedparser
    import trafilatura

    from news.models import Article
    from news.pipeline.http import fetch

    common.truncate_news()
    started = time.perf_counter()
    rows = []
    for path in feed_paths:
        parsed = feedparser.parse(io.BytesIO(fetch(f"{origin}{path}").body))
        for entry in parsed.entries:
            result = fetch(entry.link, accept="text/html,application/xhtml+xml")
            page = result.body.decode(result.charset or "utf-8", errors="replace")
            rows.append(
                Article(
                    guid=entry.id,
                    url=entry.link,
                    canonical_url=entry.link,
                    title=entry.title,
                    summary=entry.summary,
                    raw_html=page,
                    text=trafilatura.extract(page, url=entry.link) or "",
                    processing_state=Article.ProcessingState.PROCESSED,
                )
            )
    Article.objects.bulk_create(rows)
    return time.perf_counter() - started, len(rows)


# --- Where the pipeline's time goes -------------------------------------------------------------


def breakdown(origin: str, sample: int) -> None:
    import trafilatura
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from news import services
    from news.models import Article
    from news.pipeline import dedupe, mentions
    from news.pipeline.http import fetch
    from news.pipeline.politeness import host_slot
    from review import scoring

    articles = list(Article.objects.order_by("id").values_list("id", "url", "raw_html")[:sample])
    size = settings.INGEST_PROCESS_BATCH
    batches = [[row[0] for row in articles[start : start + size]] for start in range(0, len(articles), size)]
    stages: dict[str, float] = {}
    patches = [
        (services, "extract_article", "extract (trafilatura + metadata, language, nh3)"),
        (dedupe, "fingerprint", "fingerprint (normalise, shingles, hash, SimHash, band keys)"),
        (mentions, "current_matcher", "alias matcher (stamp query, once a batch; rebuilt only after an alias change)"),
        (mentions, "find_mentions", "mentions: Aho-Corasick pass"),
        (dedupe, "find_stories", "stories: band-key candidates (one SQL join a batch), their texts, verification"),
        (scoring, "score_articles", "suggestions: candidate records (8 queries a batch) and scores"),
        (dedupe, "replace_bands", "rows: replace band keys (delete + insert, a batch)"),
        (mentions, "replace_mentions", "rows: replace mentions (delete + insert, a batch)"),
        (scoring, "replace_suggestions", "rows: replace suggestions (delete + insert, a batch)"),
    ]
    total, queries = 0.0, []
    with common.timed_calls(stages, patches):
        services.articles_process(article_ids=batches[0], force=True)  # warm caches (matcher, content types)
        stages.clear()
        for batch in batches:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                services.articles_process(article_ids=batch, force=True)
                total += time.perf_counter() - started
            queries.append(len(captured))

    fetches, slots, defaults = [], [], []
    host = origin.removeprefix("http://").split(":")[0]
    for _, url, raw_html in articles:
        started = time.perf_counter()
        fetch(url, accept="text/html,application/xhtml+xml")
        fetches.append(time.perf_counter() - started)
        started = time.perf_counter()
        with host_slot(host):
            pass
        slots.append(time.perf_counter() - started)
        started = time.perf_counter()
        trafilatura.extract(raw_html, url=url)
        defaults.append(time.perf_counter() - started)

    store = store_entries_per_item(origin)
    ms, count = 1000, len(articles)
    print(
        f"\nWhere one article's time goes (in this process: {count} articles re-processed in batches of {size}, "
        "page already stored; per article, the batch-wide steps shared out):\n"
    )
    print("| stage | ms |")
    print("| --- | ---: |")
    print(f"| page fetch (news.pipeline.http.fetch, loopback; median) | {common.median(fetches) * ms:.2f} |")
    print(f"| politeness slot (Redis; median) | {common.median(slots) * ms:.2f} |")
    for label, seconds in stages.items():
        print(f"| {label} | {seconds / count * ms:.2f} |")
    print(
        "| the rest of articles_process (load, lock, one UPDATE of the batch's articles, transaction) | "
        f"{(total - sum(stages.values())) / count * ms:.2f} |"
    )
    print(f"| **articles_process total, per article** | **{total / count * ms:.2f}** |")
    print(f"| floor's extraction: trafilatura.extract, defaults (median) | {common.median(defaults) * ms:.2f} |")
    print(f"| feed poll, per item: services.store_entries | {store * ms:.2f} |")
    print(
        f"\nQueries per batch of {size}: median {common.median(queries):.0f} (min {min(queries)}, max {max(queries)})"
    )


def store_entries_per_item(origin: str) -> float:
    """Seconds per item of storing a feed's new items (a new feed, new URLs; rolled back afterwards)."""
    from django.db import transaction

    from news import services
    from news.models import Feed
    from news.pipeline.http import fetch
    from news.pipeline.parse import parse_feed

    feed_url = Feed.objects.order_by("id").values_list("url", flat=True).first()
    parsed = parse_feed(fetch(feed_url).body)
    renamed = [replace(entry, link=f"{entry.link}?copy=1", guid=f"{entry.guid}-copy") for entry in parsed.entries]
    with transaction.atomic():
        feed = Feed.objects.create(url=f"{origin}/breakdown.xml")
        started = time.perf_counter()
        services.store_entries(feed=feed, parsed=replace(parsed, entries=renamed))
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds / len(renamed)


def sanity(log_path: Path) -> None:
    from django.conf import settings
    from django.db.models import Count, F

    from news.models import Article, Mention
    from review.models import Suggestion

    states = dict(
        Article.objects.values_list("processing_state").annotate(n=Count("id")).values_list("processing_state", "n")
    )
    articles = Article.objects.count()
    mentions = Mention.objects.count()
    with_suggestions = Suggestion.objects.values("article").distinct().count()
    stories = Article.objects.filter(story_id=F("id")).count()
    print(
        f"\nLast pipeline run: {articles} articles {states}, {mentions / max(articles, 1):.1f} mentions per article, "
        f"{with_suggestions} with suggestions, {stories} stories"
    )
    for row in Article.objects.filter(processing_state=Article.ProcessingState.FAILED)[:3]:
        print(f"  failed: {row.url}: {row.processing_error[:200]}")
    log = log_path.read_text(errors="replace")
    print(f"Worker log, every run: {log.count(' succeeded in ')} tasks succeeded, {log.count(' retry: ')} retried")
    runtimes: dict[str, list[float]] = {"news.tasks.process_articles": [], "news.tasks.poll_feed": []}
    for line in log.splitlines():
        if '"runtime"' in line and line.startswith("{"):
            data = json.loads(line).get("data", {})
            runtimes.get(data.get("name"), []).append(float(data["runtime"]))
    batches, poll = runtimes["news.tasks.process_articles"], runtimes["news.tasks.poll_feed"]
    if batches and poll:
        print(
            f"Task run times in the worker (Celery's own measure, every run): process_articles median "
            f"{common.median(batches) * 1000:.0f} ms per batch of up to {settings.INGEST_PROCESS_BATCH} articles, "
            f"poll_feed median {common.median(poll) * 1000:.0f} ms per feed"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--per-feed", type=int, default=50, help="items per feed (INGEST_MAX_ENTRIES is 200)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--breakdown", type=int, default=50, help="articles re-processed with stage timings; 0: none")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker-log", type=Path, help="keep the worker's log here")
    parser.add_argument("--pool", default="prefork", choices=["prefork", "solo"], help="the worker's pool")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=2,
        help="the worker's pool processes (2, as docker-compose.yml runs it on this 2-CPU machine; 1: one process, "
        "like the floor)",
    )
    arguments = parser.parse_args()
    common.exit_cleanly_on_signals()

    import redis

    directory = Path(tempfile.mkdtemp(prefix="bench-throughput-"))
    broker = redis.Redis.from_url(common.REDIS_URL)
    try:
        broker.flushdb()
        # Actors first (they shape the articles): Django without the allowed host for now.
        env = common.setup_django(redis_url=common.REDIS_URL)
        actors = common.ensure_actors(total=200, seed=arguments.seed)
        writer = common.NewsWriter(actors, seed=arguments.seed)
        warm_articles = WARM_UP_ARTICLES * arguments.concurrency
        warm_paths = write_site(directory, writer, articles=warm_articles, per_feed=WARM_UP_ARTICLES, prefix="warm")
        feed_paths = write_site(
            directory, writer, articles=arguments.articles, per_feed=arguments.per_feed, prefix="bench"
        )
        with common.page_server(directory) as host:
            from django.conf import settings

            origin = f"http://{host}"
            settings.INGEST_ALLOWED_HOSTS = [host]
            env["INGEST_ALLOWED_HOSTS"] = host
            log_path = directory / "worker.log"
            timeout = max(120.0, arguments.articles * 1.0)
            with celery_worker(env, log_path, arguments.pool, arguments.concurrency):
                # Every pool process polls and processes before the clock runs (twice: which process takes
                # which task is the broker's choice), so no round pays for a process's first batch.
                for _ in range(2):
                    run_pipeline(origin, warm_paths, warm_articles, log_path, timeout)
                run_floor(origin, warm_paths)
                pipeline_times, floor_times = [], []
                shares: dict[str, common.MachineShare] = {}
                for number in range(arguments.rounds):
                    order = ("pipeline", "floor") if number % 2 == 0 else ("floor", "pipeline")
                    for which in order:
                        with common.machine_share() as shares[which]:
                            if which == "pipeline":
                                seconds = run_pipeline(origin, feed_paths, arguments.articles, log_path, timeout)
                                pipeline_times.append(seconds)
                            else:
                                seconds, count = run_floor(origin, feed_paths)
                                if count != arguments.articles:
                                    raise RuntimeError(f"the floor stored {count} articles, not {arguments.articles}")
                                floor_times.append(seconds)
                    print(
                        f"round {number + 1}: pipeline {pipeline_times[-1]:.2f} s, floor {floor_times[-1]:.2f} s, "
                        f"ratio {pipeline_times[-1] / floor_times[-1]:.2f} (CPUs busy / idle / stolen by other VMs: "
                        + "; ".join(
                            f"{which} {shares[which].busy:.0%} / {shares[which].idle:.0%} / {shares[which].steal:.0%}"
                            for which in ("pipeline", "floor")
                        )
                        + ")",
                        flush=True,
                    )
                if order[-1] == "floor":  # the checks and the breakdown read the pipeline's articles
                    run_pipeline(origin, feed_paths, arguments.articles, log_path, timeout)
            report(arguments, pipeline_times, floor_times)
            sanity(log_path)
            if arguments.breakdown:
                breakdown(origin, arguments.breakdown)
            common.truncate_news()
    finally:
        broker.flushdb()
        broker.close()
        if arguments.worker_log and (directory / "worker.log").exists():
            shutil.copyfile(directory / "worker.log", arguments.worker_log)
        shutil.rmtree(directory, ignore_errors=True)


def report(arguments: argparse.Namespace, pipeline_times: list[float], floor_times: list[float]) -> None:
    n = arguments.articles
    pipeline, floor = common.median(pipeline_times), common.median(floor_times)
    ratios = [p / f for p, f in zip(pipeline_times, floor_times, strict=True)]
    print(f"\n{n} articles in {-(-n // arguments.per_feed)} feeds, {arguments.rounds} rounds, medians:\n")
    print("| run | seconds | articles/s | ms/article |")
    print("| --- | ---: | ---: | ---: |")
    for label, seconds in (
        (f"pipeline: 1 Celery worker, concurrency {arguments.concurrency}", pipeline),
        ("floor: fetch + feedparser + trafilatura + bulk insert", floor),
    ):
        print(f"| {label} | {seconds:.2f} | {n / seconds:.1f} | {seconds / n * 1000:.1f} |")
    verdict = "met" if pipeline / floor <= 1.3 else f"missed by {pipeline / floor / 1.3:.2f}x"
    print(
        f"\nPipeline / floor: {pipeline / floor:.2f}x (median of per-round ratios {common.median(ratios):.2f}x; "
        f"target <= 1.3x: {verdict})"
    )


if __name__ == "__main__":
    main()
