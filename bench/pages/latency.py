"""Server time of the tracker's pages on the API benchmark's dataset: the review queue, the article view,
the dashboard, a track, and each record page, at p50 and p95, with the queries each request ran.

    .venv/bin/python -m bench.pages.latency [--requests 60] [--only REGEX]

Needs the dataset of `python -m bench.api.generate` (100k meetings, 200k articles of which ~10k pending,
in `tracker_bench_api`). Requests go through Django's test client in this process, one at a time: the
whole middleware stack (sessions, authentication, CSRF, CSP, WhiteNoise), URL resolution, the view, its
queries and the template's rendering, as the server runs them, without the network. Each page kind
cycles through several records (the busiest ones first: the actor with most meetings, the track with most
events, the largest proposal…), after a warm-up of one request per URL. A request that does not answer 200
stops the run. The target (issue 13): p95 under 150 ms for every page.
"""

import argparse
import re
import statistics
import time

from bench.api import env
from bench.ingest import common

TARGET_MS = 150.0


def sample_urls() -> dict[str, list[str]]:
    """Page kind -> URLs to cycle through, the heaviest records first."""
    from django.db.models import Count, F

    from actors.models import Actor
    from negotiations.models import Meeting, Proposal, StickingPoint, Track
    from news.models import Article, Mention

    pending = Article.objects.filter(review_state=Article.ReviewState.PENDING)
    feed = pending.values("feed_id").annotate(n=Count("id")).order_by("-n").values_list("feed_id", flat=True)[0]
    named = Mention.objects.values("actor__slug").annotate(n=Count("id")).order_by("-n").values_list("actor__slug")
    story = pending.exclude(story_id=F("id")).exclude(story=None).order_by("pk").values_list("story_id", flat=True)[0]
    articles = list(pending.order_by("-relevance", "-published_at").values_list("pk", flat=True)[:10])
    articles += list(pending.order_by("pk").values_list("pk", flat=True)[:10])
    tracks = list(Track.objects.annotate(n=Count("meetings")).order_by("-n").values_list("slug", flat=True)[:5])
    actors = list(Actor.objects.annotate(n=Count("participations")).order_by("-n").values_list("slug", flat=True)[:5])
    actors += list(Actor.objects.order_by("pk").values_list("slug", flat=True)[:5])
    meetings = list(Meeting.objects.annotate(n=Count("participants")).order_by("-n").values_list("pk", flat=True)[:5])
    meetings += list(Meeting.objects.order_by("-starts_at").values_list("pk", flat=True)[:5])
    proposals = list(Proposal.objects.annotate(n=Count("terms")).order_by("-n").values_list("slug", flat=True)[:5])
    proposals += list(Proposal.objects.order_by("pk").values_list("slug", flat=True)[:5])
    points = list(
        StickingPoint.objects.annotate(n=Count("positions")).order_by("-n").values_list("slug", flat=True)[:10]
    )
    return {
        "review queue": [
            "/review/",
            "/review/?language=ar",
            "/review/?page=5",
            "/review/?page=2000",
            f"/review/?feed={feed}",
            f"/review/?actor={named[0][0]}",  # the most named actor
            f"/review/?actor={named.reverse()[0][0]}",  # the least named
            "/review/?date_from=2025-07-01&date_to=2025-07-31",
            f"/review/?story={story}",
        ],
        # Full-text search, apart: its speed is the search vector's (tracker/search.py).
        "review queue, searched": ["/review/?search=ceasefire", "/review/?search=hostage+release"],
        "article view": [f"/review/articles/{pk}/" for pk in articles],
        "dashboard (tracks)": ["/"],
        "track": [f"/tracks/{slug}/" for slug in tracks] + [f"/tracks/{slug}/?as_of=2025-07-08" for slug in tracks],
        "track: who meets whom (its part loaded on its own)": [f"/tracks/{slug}/who-meets-whom/" for slug in tracks]
        + [f"/tracks/{slug}/who-meets-whom/?as_of=2025-07-08" for slug in tracks],
        "actor": [f"/actors/{slug}/" for slug in actors],
        "meeting": [f"/meetings/{pk}/" for pk in meetings],
        "proposal": [f"/proposals/{slug}/" for slug in proposals],
        "sticking point": [f"/sticking-points/{slug}/" for slug in points],
    }


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60, help="measured requests per page kind (default 60)")
    parser.add_argument("--only", help="only page kinds whose name matches this regular expression")
    arguments = parser.parse_args()
    common.exit_cleanly_on_signals()
    env.setup_django()
    marker = env.read_marker()
    if marker is None:
        raise SystemExit("no generated dataset: run python -m bench.api.generate")
    env.migrate()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from news.models import Article
    from tracker.services import user_set_role

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # An editor sees every page (the review workspace too) with every editing action a role can have on them.
    client = Client()
    client.force_login(user_set_role(username="bench-editor", role="editor"))
    pending = Article.objects.filter(review_state=Article.ReviewState.PENDING).count()
    print(
        f"dataset: {marker.get('sizes', marker)}; pending articles: {pending:,}; "
        f"{arguments.requests} requests per page kind, one at a time, in-process (Django test client)\n"
    )
    rows = []
    for kind, urls in sample_urls().items():
        if arguments.only and not re.search(arguments.only, kind):
            continue
        for url in urls:  # warm-up: connections, template loading, caches
            answer = client.get(url)
            if answer.status_code != 200:
                raise SystemExit(f"{url}: {answer.status_code}")
        times, queries, sizes = [], [], []
        for index in range(arguments.requests):
            url = urls[index % len(urls)]
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                started = time.perf_counter()
                answer = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            if answer.status_code != 200:
                raise SystemExit(f"{url}: {answer.status_code}")
            times.append(elapsed)
            queries.append(counter.count)
            sizes.append(len(answer.content))
        rows.append(
            (
                kind,
                len(urls),
                statistics.median(times),
                percentile(times, 0.95),
                max(times),
                f"{min(queries)}–{max(queries)}" if min(queries) != max(queries) else str(queries[0]),
                statistics.median(sizes) / 1024,
            )
        )
    print("| page | URLs | p50 ms | p95 ms | max ms | queries | KiB | p95 < 150 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: |")
    for kind, count, p50, p95, worst, query_text, kib in rows:
        verdict = "yes" if p95 < TARGET_MS else "**no**"
        print(f"| {kind} | {count} | {p50:.1f} | {p95:.1f} | {worst:.1f} | {query_text} | {kib:.0f} | {verdict} |")


if __name__ == "__main__":
    main()
