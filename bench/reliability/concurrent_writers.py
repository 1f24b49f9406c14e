"""Concurrent writers (issue 15, point 3): many clients writing the same few records at once, nothing lost.

Against a real gunicorn on 127.0.0.1 (started here, stopped at the end) on PostgreSQL, for `--seconds`
(default 60), side by side:
- `--writers` API clients (default 16), each with its own token and connection, looping over a small set
  of meetings (`--meetings`, default 4): GET the meeting (its ETag), PATCH a new, unique title with
  `If-Match: <ETag>`. A write whose version is no longer current must be refused with 412;
- `--editors` editors (default 4) giving verdicts (accept or reject) on the same pending articles, all in
  the same order, so each article is contested: one verdict lands (200), the others get 409;
- `--admins` administrators (default 2), logged in through the admin login page, saving a meeting's
  change form after the API writers have moved its version on: the stale save must be refused (the form
  again, with tracker.admin_tools.STALE_SAVE), a save from a current version goes through.

Then it checks, from the database: every accepted write is in the meeting's audit history
(django-simple-history rows), once, in the order the versions chain (each accepted write was made from
the version the previous one left: none was lost), the final state equals the last accepted write, every
other attempt got 412 (API), 409 (verdicts) or the stale-save form (admin), no answer was a 5xx; each
article has exactly one verdict, the winner's. It prints the counts, the throughput and the p95 latency,
and exits 1 if a check failed.

    .venv/bin/python -m bench.reliability.concurrent_writers [--seconds 60] [--writers 16]

The database is `tracker_bench_reliability` (BENCH_RELIABILITY_DATABASE_URL to change it), created and
migrated if needed; the run's meetings, articles and users are its own (a fresh set each run).
tests/tracker/test_concurrent_writers.py runs the same `hammer` and `verify` for a few seconds against the test
server.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import requests
from lxml import html

STALE_SAVE_MARK = "changed by someone else since you opened it"
PASSWORD = "bench-reliability-passphrase-1"  # noqa: S105 - a throwaway local account


@dataclass
class Attempt:
    kind: str  # "api", "verdict" or "admin"
    record: int
    status: int
    seconds: float
    value: str = ""  # the title written (api, admin) or the verdict given
    base: int | None = None  # the version (µs since the epoch) the write was made from
    user: str = ""
    outcome: str = ""  # "accepted", "conflict", "unexpected"


@dataclass
class Plan:
    """What the clients act on: made by `prepare` (in the server's database)."""

    meetings: list[int]
    articles: list[int]
    writer_tokens: list[str]
    editors: list[tuple[str, str]]  # (username, token)
    admins: list[str]  # usernames (password PASSWORD)
    started: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(datetime.UTC))


def version_of_etag(etag: str) -> int:
    return int(etag.strip('"').rsplit("-", 1)[1])


def version_of_iso(text: str) -> int:
    from tracker.api.conditional import version_number

    return version_number(datetime.datetime.fromisoformat(text))


def prepare(*, meetings: int, articles: int, writers: int, editors: int, admins: int) -> Plan:
    """Meetings, pending articles and users of the run's own (Django set up on the server's database)."""
    from negotiations.models import Meeting
    from news.models import Article, Feed
    from tracker.api.services import token_issue
    from tracker.services import user_set_role

    run = uuid.uuid4().hex[:8]
    now = datetime.datetime.now(datetime.UTC)
    meeting_ids = [
        Meeting.objects.create(title=f"Bench {run} meeting {n}", format="bilateral", starts_at=now).pk
        for n in range(meetings)
    ]
    feed = Feed.objects.create(url=f"http://127.0.0.1/bench-{run}.xml", title=f"Bench {run}")
    article_ids = [
        Article.objects.create(
            feed=feed,
            guid=f"{run}-{n}",
            url=f"http://127.0.0.1/bench-{run}/{n}",
            canonical_url=f"http://127.0.0.1/bench-{run}/{n}",
            title=f"Bench {run} article {n}",
            published_at=now,
            processing_state="processed",
        ).pk
        for n in range(articles)
    ]

    def token(role: str, n: int) -> tuple[str, str]:
        user = user_set_role(username=f"bench-{run}-{role}-{n}", role=role, password=PASSWORD)
        return user.username, token_issue(user=user)[0]

    return Plan(
        meetings=meeting_ids,
        articles=article_ids,
        writer_tokens=[token("analyst", n)[1] for n in range(writers)],
        editors=[token("editor", n) for n in range(editors)],
        admins=[
            user_set_role(username=f"bench-{run}-admin-{n}", role="administrator", password=PASSWORD).username
            for n in range(admins)
        ],
    )


def _api_writer(base: str, token: str, plan: Plan, deadline: float, out: list[Attempt], name: str) -> None:
    session = requests.Session()
    session.headers.update({"Authorization": f"Token {token}", "Accept": "application/json"})
    rng = random.Random(name)  # noqa: S311 - spreading load, not security
    sequence = 0
    while time.monotonic() < deadline:
        meeting = rng.choice(plan.meetings)
        url = f"{base}/api/v1/meetings/{meeting}/"
        started = time.perf_counter()
        read = session.get(url, timeout=60)
        out.append(Attempt("read", meeting, read.status_code, time.perf_counter() - started, outcome="read"))
        if read.status_code != 200:
            continue
        etag = read.headers["ETag"]
        sequence += 1
        title = f"{name} write {sequence}"
        started = time.perf_counter()
        written = session.patch(url, json={"title": title}, headers={"If-Match": etag}, timeout=60)
        outcome = {200: "accepted", 412: "conflict"}.get(written.status_code, "unexpected")
        out.append(
            Attempt(
                "api",
                meeting,
                written.status_code,
                time.perf_counter() - started,
                title,
                version_of_etag(etag),
                name,
                outcome,
            )
        )


def _editor(base: str, username: str, token: str, plan: Plan, deadline: float, out: list[Attempt]) -> None:
    session = requests.Session()
    session.headers.update({"Authorization": f"Token {token}", "Accept": "application/json"})
    rng = random.Random(username)  # noqa: S311
    position = 0
    while time.monotonic() < deadline:
        article = plan.articles[position % len(plan.articles)]
        position += 1
        verdict = rng.choice(("accept", "reject"))
        payload = {} if verdict == "accept" else {"reason": "Noise."}
        started = time.perf_counter()
        answer = session.post(f"{base}/api/v1/articles/{article}/{verdict}/", json=payload, timeout=60)
        outcome = {200: "accepted", 409: "conflict"}.get(answer.status_code, "unexpected")
        out.append(
            Attempt(
                "verdict", article, answer.status_code, time.perf_counter() - started, verdict, None, username, outcome
            )
        )


def _change_form(session: requests.Session, url: str) -> tuple[list[tuple[str, str]], str]:
    page = session.get(url, timeout=60)
    page.raise_for_status()
    form = next(form for form in html.fromstring(page.content).forms if form.get("id") == "meeting_form")
    values = [(name, value) for name, value in form.form_values()]
    version = dict(values)["record_version"]
    return values, version


def _admin(base: str, username: str, plan: Plan, deadline: float, out: list[Attempt], stale_wait: float) -> None:
    session = requests.Session()
    login_url = f"{base}/admin/login/"
    page = session.get(login_url, timeout=60)
    token = html.fromstring(page.content).forms[0].fields["csrfmiddlewaretoken"]
    logged = session.post(
        login_url,
        data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD, "next": "/admin/"},
        timeout=60,
        allow_redirects=False,
    )
    if logged.status_code != 302:
        out.append(Attempt("admin", 0, logged.status_code, 0, "login", None, username, "unexpected"))
        return
    rng = random.Random(username)  # noqa: S311
    sequence = 0
    while time.monotonic() < deadline:
        meeting = rng.choice(plan.meetings)
        url = f"{base}/admin/negotiations/meeting/{meeting}/change/"
        values, version = _change_form(session, url)
        time.sleep(
            rng.uniform(0, stale_wait)
        )  # the API writers move the version on meanwhile: most of these saves are stale
        sequence += 1
        title = f"{username} save {sequence}"
        data = [(name, title if name == "title" else value) for name, value in values] + [("_save", "Save")]
        started = time.perf_counter()
        saved = session.post(url, data=data, timeout=60, allow_redirects=False)
        refused = saved.status_code == 200 and STALE_SAVE_MARK in saved.text
        outcome = "accepted" if saved.status_code == 302 else "conflict" if refused else "unexpected"
        out.append(
            Attempt(
                "admin",
                meeting,
                saved.status_code,
                time.perf_counter() - started,
                title,
                version_of_iso(version),
                username,
                outcome,
            )
        )


def hammer(base: str, plan: Plan, *, seconds: float, stale_wait: float = 0.2) -> list[Attempt]:
    """Every client in its own thread (its own connection) for `seconds`; every attempt, as answered."""
    deadline = time.monotonic() + seconds
    results: list[list[Attempt]] = []
    threads = []

    def spawn(target, *args) -> None:
        out: list[Attempt] = []
        results.append(out)
        threads.append(threading.Thread(target=target, args=(*args, out), daemon=True))

    for n, token in enumerate(plan.writer_tokens):
        spawn(lambda token, name, out: _api_writer(base, token, plan, deadline, out, name), token, f"writer-{n}")
    for username, token in plan.editors:
        spawn(lambda username, token, out: _editor(base, username, token, plan, deadline, out), username, token)
    for username in plan.admins:
        spawn(lambda username, out: _admin(base, username, plan, deadline, out, stale_wait), username)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    return [attempt for out in results for attempt in out]


def verify(plan: Plan, attempts: list[Attempt]) -> list[str]:
    """What went wrong (empty: nothing), from the attempts and the database."""
    from negotiations.models import Meeting
    from news.models import Article

    problems = [f"{a.kind} on {a.record} by {a.user}: HTTP {a.status}" for a in attempts if a.outcome == "unexpected"]
    problems += [f"{a.kind} on {a.record}: a 5xx ({a.status})" for a in attempts if a.status >= 500]
    writes = [a for a in attempts if a.kind in ("api", "admin")]
    for meeting in Meeting.objects.filter(pk__in=plan.meetings):
        accepted = {a.value: a for a in writes if a.record == meeting.pk and a.outcome == "accepted"}
        rows = list(meeting.history.order_by("history_id").values_list("title", "updated_at"))
        from tracker.api.conditional import version_number

        chain = []
        previous = version_number(rows[0][1])
        for title, updated_at in rows[1:]:
            write = accepted.get(title)
            if write is None:
                problems.append(f"meeting {meeting.pk}: a history row no accepted write explains ({title!r})")
            elif write.base != previous:
                problems.append(f"meeting {meeting.pk}: {title!r} was accepted from a version already replaced")
            chain.append(title)
            previous = version_number(updated_at)
        if sorted(chain) != sorted(accepted):
            problems.append(f"meeting {meeting.pk}: accepted writes missing from the history (lost updates)")
        last = chain[-1] if chain else rows[0][0]
        if meeting.title != last:
            problems.append(f"meeting {meeting.pk}: final title {meeting.title!r}, last accepted write {last!r}")
    verdicts = [a for a in attempts if a.kind == "verdict"]
    decided = Article.objects.filter(pk__in=plan.articles).select_related("reviewer")
    for article in decided:
        tried = [a for a in verdicts if a.record == article.pk]
        winners = [a for a in tried if a.outcome == "accepted"]
        if not tried:
            continue
        if len(winners) != 1:
            problems.append(f"article {article.pk}: {len(winners)} verdicts landed, not 1")
            continue
        expected = {"accept": "accepted", "reject": "rejected"}[winners[0].value]
        if (article.review_state, article.reviewer.username if article.reviewer else "") != (
            expected,
            winners[0].user,
        ):
            problems.append(f"article {article.pk}: {article.review_state} by {article.reviewer}, not the winner's")
    return problems


def summary(attempts: list[Attempt], seconds: float) -> dict:
    counts = Counter((a.kind, a.outcome) for a in attempts)
    latencies = sorted(a.seconds for a in attempts if a.kind != "read" or a.status == 200)
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 20 else max(latencies, default=0)
    requests_made = len(attempts)
    return {
        "api_writes_accepted": counts["api", "accepted"],
        "api_writes_refused_412": counts["api", "conflict"],
        "verdicts_landed": counts["verdict", "accepted"],
        "verdicts_refused_409": counts["verdict", "conflict"],
        "admin_saves_accepted": counts["admin", "accepted"],
        "admin_stale_saves_refused": counts["admin", "conflict"],
        "unexpected": sum(n for (_, outcome), n in counts.items() if outcome == "unexpected"),
        "server_errors": sum(1 for a in attempts if a.status >= 500),
        "requests": requests_made,
        "requests_per_second": round(requests_made / seconds, 1),
        "writes_per_second": round(sum(1 for a in attempts if a.kind != "read") / seconds, 1),
        "p95_ms": round(p95 * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--writers", type=int, default=16, help="API clients writing with If-Match (default 16)")
    parser.add_argument("--editors", type=int, default=4, help="editors giving verdicts (default 4)")
    parser.add_argument("--admins", type=int, default=2, help="administrators saving change forms (default 2)")
    parser.add_argument("--meetings", type=int, default=4, help="meetings the writers share (default 4)")
    parser.add_argument("--articles", type=int, default=400, help="articles the editors contest (default 400)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn gthread workers (default 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker (default 8)")
    arguments = parser.parse_args()

    os.environ["BENCH_API_DATABASE_URL"] = os.environ.get(
        "BENCH_RELIABILITY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker_bench_reliability"
    )
    from pathlib import Path
    from tempfile import TemporaryDirectory

    from bench.api import env, load

    # bench/api/settings.py: the project's settings on the benchmark database, throttles off (16 tokens
    # writing as fast as they can would be throttled, which is not what is measured).
    values = env.setup_django(migrate=True)
    values["LOG_LEVEL"] = "ERROR"  # not a line for each 412 and 409: they are the point
    plan = prepare(
        meetings=arguments.meetings,
        articles=arguments.articles,
        writers=arguments.writers,
        editors=arguments.editors,
        admins=arguments.admins,
    )
    from django.db import connections

    connections.close_all()
    with (
        TemporaryDirectory() as folder,
        load.gunicorn(
            values, workers=arguments.workers, threads=arguments.threads, log=Path(folder) / "gunicorn.log"
        ) as (port, _),
    ):
        started = time.monotonic()
        attempts = hammer(f"http://127.0.0.1:{port}", plan, seconds=arguments.seconds)
        elapsed = time.monotonic() - started
    problems = verify(plan, attempts)
    figures = summary(attempts, elapsed)
    clients = arguments.writers + arguments.editors + arguments.admins
    print(
        f"{clients} clients ({arguments.writers} API writers, {arguments.editors} editors, "
        f"{arguments.admins} admin sessions) for {elapsed:.0f} s on {arguments.meetings} meetings:"
    )
    for key, value in figures.items():
        print(f"  {key}: {value}")
    print(f"  lost updates: {sum('lost' in p or 'already replaced' in p for p in problems)}")
    if problems:
        print("PROBLEMS:", *problems[:50], sep="\n  ")
        sys.exit(1)
    print("OK: nothing lost, nothing overwritten, no 5xx")


if __name__ == "__main__":
    main()
