"""Article search latency, in-process, one request at a time: at 200k articles and on a ~20k subset.

    .venv/bin/python -m bench.api.search_latency [--requests 30] [--subset 20000]

Requests go through Django's WSGI handler as in bench/api/breakdown.py (middleware, view, rendering;
a viewer's knox token), with the bench settings on the generated dataset. Each of load.py's search terms
is requested `--requests` times, over the whole table (`?search=term`) and over the most recent
`--subset` articles (`?search=term&date_from=D`, D the day from which about that many were published),
in alternating order, beside the plain article list (no search) as a reference. Prints, per size, p50
and p95 of all those requests (milliseconds), and of their time in the database (every query, through
a connection execute wrapper), per term the p50s and the `count` the answer gives; then the ratio of
the two p95s.
"""

import argparse
import statistics
import time
from urllib.parse import quote

from bench.api import env
from bench.api.breakdown import call
from bench.api.load import SEARCH_TERMS
from bench.ingest import common

LIST = "(no search: the plain list)"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="requests per term and size")
    parser.add_argument("--subset", type=int, default=20000, help="articles in the smaller set (the most recent)")
    arguments = parser.parse_args()
    common.exit_cleanly_on_signals()
    env.setup_django()
    if env.read_marker() is None:
        raise SystemExit("no generated dataset: run python -m bench.api.generate")
    env.migrate()
    import orjson
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.client import RequestFactory
    from knox.models import AuthToken

    from news.models import Article
    from tracker.api.services import token_issue
    from tracker.services import user_set_role

    total = Article.objects.count()
    day = (
        Article.objects.filter(published_at__isnull=False)
        .order_by("-published_at")
        .values_list("published_at", flat=True)[arguments.subset - 1]
        .date()
    )
    subset = Article.objects.filter(published_at__date__gte=day).count()
    sizes = {f"{total:,} articles": "", f"{subset:,} articles (date_from={day})": f"&date_from={day}"}
    user = user_set_role(username="bench-viewer", role="viewer")
    token, instance = token_issue(user=user)
    handler = WSGIHandler()

    def count_of(path: str) -> int:
        from urllib.parse import urlsplit

        parts = urlsplit(path)
        request = RequestFactory().get(
            parts.path + "?" + parts.query, HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1"
        )
        response = handler.get_response(request)
        return orjson.loads(response.content)["count"]

    database = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            database[0] += time.perf_counter() - started

    try:
        timings: dict[str, dict[str, list[tuple[float, float]]]] = {
            size: {term: [] for term in (*SEARCH_TERMS, LIST)} for size in sizes
        }
        paths = {
            size: {
                **{term: f"/api/v1/articles/?search={quote(term)}{extra}" for term in SEARCH_TERMS},
                LIST: f"/api/v1/articles/?{extra.lstrip('&')}",
            }
            for size, extra in sizes.items()
        }
        for size in sizes:  # warm-up
            for path in paths[size].values():
                call(handler, path, token)
        with connection.execute_wrapper(timed):
            for round_number in range(arguments.requests):
                order = list(sizes) if round_number % 2 == 0 else list(reversed(sizes))
                for size in order:
                    for term, path in paths[size].items():
                        database[0] = 0.0
                        started = time.perf_counter()
                        status, _ = call(handler, path, token)
                        timings[size][term].append(((time.perf_counter() - started) * 1000, database[0] * 1000))
                        if status != 200:
                            raise RuntimeError(f"{path}: {status}")
        p95 = {}
        for size in sizes:
            every = [value for term, values in timings[size].items() if term != LIST for value in values]
            total, in_database = [t for t, _ in every], [d for _, d in every]
            p95[size] = percentile(total, 0.95)
            print(
                f"\n{size}: search p50 {statistics.median(total):.1f} ms, p95 {p95[size]:.1f} ms "
                f"(database: p50 {statistics.median(in_database):.1f}, p95 {percentile(in_database, 0.95):.1f}; "
                f"{len(every)} requests)"
            )
            for term, values in timings[size].items():
                total, in_database = [t for t, _ in values], [d for _, d in values]
                print(
                    f"  {term}: p50 {statistics.median(total):.1f} ms, p95 {percentile(total, 0.95):.1f} ms "
                    f"(database p50 {statistics.median(in_database):.1f} ms), count {count_of(paths[size][term])}"
                )
        large, small = p95.values()
        print(f"\np95 at {list(sizes)[0]} ÷ p95 at {list(sizes)[1]}: {large / small:.2f}")
    finally:
        AuthToken.objects.filter(pk=instance.pk).delete()


if __name__ == "__main__":
    main()
