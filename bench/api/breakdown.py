"""Where one request's time goes, in-process: our endpoints beside the floor and the naive DRF baseline.

    .venv/bin/python -m bench.api.breakdown [--requests 40] [--only REGEX]

Requests go through Django's WSGI handler itself (what gunicorn calls: middleware, URL resolution,
view, rendering; request_started / request_finished signals), one at a time in this process, with
the bench settings (bench/api/settings.py) on the generated dataset and a viewer's knox token: the
meetings, proposals and articles lists, a meeting and a proposal detail, and a search. After a warm-up,
each is requested `--requests` times (DRF: a quarter as many). Stages are timed by wrapping the
functions that do them (perf_counter, no profiler) and are exclusive: a stage's time leaves out the
wrapped stages it calls, so they add up to the total, and "the rest" is what no wrapper covers. Medians:

- auth (knox TokenAuthentication.authenticate), permission (APIView.check_permissions and
  check_object_permissions: RolePermissions);
- selector: building the selector querysets (negotiations.api.selectors, review.api.selectors), every call;
- filter: filter_queryset (django-filter's FilterSet and form, ordering, updated_since);
- load: paginate_queryset / get_object in Python (model instances, prefetch matching);
- compile: SQLCompiler.as_sql, every query; db: every query (a connection execute wrapper), counted and
  timed by kind as well: on auth tables, count, page (the statement that ends with the page's LIMIT),
  other (prefetches; in the naive baseline, the queries made while serializing);
- ETag (page_etag, record_etag), serialize (the outermost serializer's `.data`), render (JSONRenderer);
- the rest: middleware, URL resolution, DRF's request wrapping and content negotiation, the transaction
  (ATOMIC_REQUESTS), pagination links, the WSGI response.

The floor's total is shown beside (its queries run on the raw psycopg2 connection, outside the wrappers).
Throttling is off in the bench settings; its cost is measured apart (both of the project's throttle
classes, on the cache configured here: local memory, or Redis when REDIS_URL is set; at a rate of
1000000/s the keys it writes lapse within 2 s).
"""

import argparse
import re
import statistics
import sys
import time
from collections import defaultdict
from contextlib import ExitStack, contextmanager

from bench.api import env
from bench.ingest import common


class Timer:
    """Exclusive wall time per stage: a stage's time excludes the wrapped stages it calls (so the stages add
    up to at most the request's total); a stage called again inside itself counts once, at the outside."""

    def __init__(self) -> None:
        self.current: dict[str, float] = defaultdict(float)
        self.stack: list[list] = []  # [label, started, time of the wrapped stages inside]

    def enter(self, label: str) -> bool:
        if any(frame[0] == label for frame in self.stack):
            return False
        self.stack.append([label, time.perf_counter(), 0.0])
        return True

    def exit(self) -> None:
        label, started, inner = self.stack.pop()
        elapsed = time.perf_counter() - started
        self.current[label] += elapsed - inner
        if self.stack:
            self.stack[-1][2] += elapsed

    def wrap(self, owner, name: str, label: str):
        original = owner.__dict__[name]
        timer = self

        def wrapper(*args, **kwargs):
            entered = timer.enter(label)
            try:
                return original(*args, **kwargs)
            finally:
                if entered:
                    timer.exit()

        setattr(owner, name, wrapper)
        return lambda: setattr(owner, name, original)


AUTH_TABLES = {"knox_authtoken", "auth_permission", "auth_user", "auth_group", "auth_user_groups"}


def classify(sql: str) -> str:
    """count, auth (the first table is knox's or auth's), page (the statement ends with its LIMIT/OFFSET)
    or other (the prefetches and, in the naive baseline, the queries made while serializing)."""
    text = sql.strip()
    if text.upper().startswith("SELECT COUNT(*)"):
        return "count"
    first = re.search(r'\bFROM "?(\w+)"?', text)
    if first and first.group(1) in AUTH_TABLES:
        return "auth"
    if re.search(r"LIMIT (\d+|%s)( OFFSET (\d+|%s))?$", text):
        return "page"
    return "other"


STAGES = (
    ("auth", "authentication: knox token lookup and digest, the user"),
    ("permission", "permissions: RolePermissions (the user's permissions; the view's model via get_queryset)"),
    ("selector", "building the selector querysets (annotations, Prefetch objects), every call"),
    ("filter", "filter_queryset: django-filter FilterSet and form, ordering, updated_since"),
    ("load", "paginate_queryset / get_object in Python: model instances, prefetch matching"),
    ("compile", "compiling SQL (every query)"),
    ("db", "database: every query, round trip and rows to Python"),
    ("ETag", "validators: page_etag / record_etag"),
    ("serialize", "serializer .data"),
    ("render", "JSONRenderer.render"),
)


@contextmanager
def instrumented(timer: Timer, queries: dict):
    from django.db import connection
    from django.db.models.sql.compiler import SQLCompiler
    from knox.auth import TokenAuthentication
    from rest_framework import generics, renderers, views
    from rest_framework import pagination as drf_pagination

    from negotiations.api import selectors as negotiation_selectors
    from review.api import selectors as review_selectors
    from tracker.api import conditional, pagination

    def capture(execute, sql, params, many, context):
        entered = timer.enter("db")
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            kind = classify(sql)
            queries[kind][0] += 1
            queries[kind][1] += time.perf_counter() - started
            if entered:
                timer.exit()

    with ExitStack() as stack:
        for owner, name, label in (
            (TokenAuthentication, "authenticate", "auth"),
            (views.APIView, "check_permissions", "permission"),
            (views.APIView, "check_object_permissions", "permission"),
            (negotiation_selectors, "meetings_for_api", "selector"),
            (negotiation_selectors, "proposals_for_api", "selector"),
            (review_selectors, "articles_for_api", "selector"),
            (generics.GenericAPIView, "filter_queryset", "filter"),
            (generics.GenericAPIView, "get_object", "load"),
            (pagination.PagePagination, "paginate_queryset", "load"),
            (drf_pagination.PageNumberPagination, "paginate_queryset", "load"),
            (SQLCompiler, "as_sql", "compile"),
            (conditional, "page_etag", "ETag"),
            (conditional, "record_etag", "ETag"),
            (renderers.JSONRenderer, "render", "render"),
        ):
            stack.callback(timer.wrap(owner, name, label))
        stack.callback(_wrap_data(timer))
        stack.enter_context(connection.execute_wrapper(capture))
        yield


def _wrap_data(timer: Timer):
    """`.data` is a property: time the outermost serializer's."""
    from rest_framework import serializers

    originals = {cls: cls.__dict__["data"] for cls in (serializers.Serializer, serializers.ListSerializer)}
    for cls, prop in originals.items():

        def getter(self, _prop=prop):
            entered = timer.enter("serialize")
            try:
                return _prop.fget(self)
            finally:
                if entered:
                    timer.exit()

        cls.data = property(getter)

    def restore():
        for cls, prop in originals.items():
            cls.data = prop

    return restore


def call(handler, path: str, token: str) -> tuple[int, int]:
    from urllib.parse import urlsplit

    from django.test.client import RequestFactory

    parts = urlsplit(path)
    environ = RequestFactory()._base_environ(
        PATH_INFO=parts.path,
        QUERY_STRING=parts.query,
        REQUEST_METHOD="GET",
        SERVER_NAME="127.0.0.1",
        HTTP_HOST="127.0.0.1",
        HTTP_AUTHORIZATION=f"Token {token}",
        HTTP_ACCEPT="application/json",
    )
    status = []
    response = handler(environ, lambda code, headers, exc_info=None: status.append(int(code.split()[0])))
    size = sum(len(chunk) for chunk in response)
    response.close()
    return status[0], size


def measure(handler, path: str, token: str, requests: int, warm: int = 3) -> dict:
    timer = Timer()
    queries: dict[str, list] = defaultdict(lambda: [0, 0.0])
    for _ in range(warm):
        call(handler, path, token)
    totals, stages, counts = [], defaultdict(list), defaultdict(list)
    with instrumented(timer, queries):
        for _ in range(requests):
            timer.current.clear()
            queries.clear()
            started = time.perf_counter()
            status, size = call(handler, path, token)
            totals.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"{path}: {status}")
            for label, _ in STAGES:
                stages[label].append(timer.current.get(label, 0.0))
            stages["rest"].append(totals[-1] - sum(timer.current.values()))
            for kind in ("auth", "count", "page", "other"):
                count, seconds = queries.get(kind, (0, 0.0))
                counts[kind].append(count)
                stages[f"db: {kind}"].append(seconds)
    ms = 1000
    return {
        "total": statistics.median(totals) * ms,
        "size": size,
        "stages": {label: statistics.median(values) * ms for label, values in stages.items()},
        "queries": {kind: statistics.median(values) for kind, values in counts.items()},
    }


def throttle_cost(samples: int = 2000) -> dict[str, float]:
    """Microseconds per request of the project's two throttles (token + address), at a rate never reached."""
    from django.conf import settings
    from django.test.client import RequestFactory
    from rest_framework.request import Request
    from rest_framework.settings import api_settings

    from tracker.api.throttling import AddressRateThrottle, TokenRateThrottle

    rates = dict(api_settings.DEFAULT_THROTTLE_RATES)
    api_settings.DEFAULT_THROTTLE_RATES.update({"token": "1000000/s", "address": "1000000/s"})
    try:
        request = Request(RequestFactory().get("/api/v1/meetings/", REMOTE_ADDR="127.0.0.1"))

        class Token:
            digest = "f" * 128

        request._auth = Token()
        request._user = None
        throttles = [TokenRateThrottle(), AddressRateThrottle()]
        for throttle in throttles:
            throttle.allow_request(request, None)
        started = time.perf_counter()
        for _ in range(samples):
            for throttle in throttles:
                throttle.allow_request(request, None)
        per = (time.perf_counter() - started) / samples * 1e6
    finally:
        api_settings.DEFAULT_THROTTLE_RATES.clear()
        api_settings.DEFAULT_THROTTLE_RATES.update(rates)
    return {settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]: per}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="measured requests per endpoint (DRF: a quarter)")
    parser.add_argument("--only", help="only endpoints whose name matches this regular expression")
    arguments = parser.parse_args()
    common.exit_cleanly_on_signals()
    env.setup_django()
    if env.read_marker() is None:
        raise SystemExit("no generated dataset: run python -m bench.api.generate")
    env.migrate()
    from django.core.handlers.wsgi import WSGIHandler
    from knox.models import AuthToken

    from tracker.api.services import token_issue
    from tracker.services import user_set_role

    user = user_set_role(username="bench-viewer", role="viewer")
    token, instance = token_issue(user=user)
    handler = WSGIHandler()
    from negotiations.models import Meeting, Proposal

    meeting = Meeting.objects.order_by("-id").values_list("id", flat=True)[7]
    proposal = Proposal.objects.order_by("-id").values_list("id", flat=True)[7]
    endpoints = [
        ("meetings list", "meetings/"),
        ("meeting detail", f"meetings/{meeting}/"),
        ("proposals list", "proposals/"),
        ("proposal detail", f"proposals/{proposal}/"),
        ("articles list", "articles/"),
        ("article search", "articles/?search=ceasefire"),
    ]
    try:
        for name, path in endpoints:
            if arguments.only and not re.search(arguments.only, name):
                continue
            ours = measure(handler, f"/api/v1/{path}", token, arguments.requests)
            floor = measure(handler, f"/bench/floor/{path}", token, arguments.requests)
            drf = measure(handler, f"/bench/drf/{path}", token, max(3, arguments.requests // 4), warm=1)
            print(f"\n### {name} ({ours['size'] / 1024:.0f} KiB)\n")
            print("| ms per request (median) | ours | DRF (naive) |")
            print("| --- | ---: | ---: |")
            print(f"| **total** (floor: **{floor['total']:.1f}**) | **{ours['total']:.1f}** | **{drf['total']:.1f}** |")
            for label, description in (
                *STAGES,
                ("rest", "the rest: middleware, DRF request and negotiation, transaction, pagination links, WSGI"),
            ):
                print(f"| {description} | {ours['stages'][label]:.2f} | {drf['stages'][label]:.2f} |")
            for kind in ("auth", "count", "page", "other"):
                cells = []
                for result in (ours, drf):
                    count = result["queries"].get(kind, 0)
                    cells.append(f"{count:.0f} q, {result['stages'][f'db: {kind}']:.2f}" if count else "—")
                label = {"auth": "on auth tables (token, user, permissions)"}.get(kind, kind)
                print(f"| &nbsp;&nbsp;queries: {label} (count, ms) | {' | '.join(cells)} |")
        print("\nThrottles (token + address), µs per request:", throttle_cost())
    finally:
        AuthToken.objects.filter(pk=instance.pk).delete()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("\nInterrupted (whatever this run started is stopped).")
