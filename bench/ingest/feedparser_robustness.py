"""Every feed of feedparser's own test suite through our parser, storage and processing: none may crash.

    .venv/bin/python -m bench.ingest.feedparser_robustness [--corpus PATH] [--sqlite] [--list-refused]

Reads ../shared/corpora/feedparser-tests (tests/wellformed and tests/illformed of
kurtmckee/feedparser; see its INDEX.txt); without that folder it says so and exits 0.

Each .xml file goes, as bytes, through what a poll does with a response body:

1. `news.pipeline.parse.parse_feed(body, content_type=..., base_url=...)`, fed as
   feedparser's own tests feed it: a file without `Header:` comment lines as bare bytes (no
   HTTP headers); a file with them (wellformed/http and a few others) as its test server
   serves it, with the declared Content-Type or else application/xml (the type Python's
   server guesses for .xml), and as base URL the file's address on that server
   (http://127.0.0.1:8097/tests/..., a string only, never fetched) resolved against any
   declared Content-Location;
2. `news.services.feed_add(url=..., preview=...)` with that parse as the preview (the
   response it would have come from is built in memory): a new Feed, its items stored by
   `store_entries`, the poll recorded; then `store_entries` once more, which must find
   every item unchanged (running a poll twice is harmless);
3. `news.services.articles_process` for every stored item (a batch of one), with the page fetch replaced by
   one that always fails (nothing leaves the machine), so the feed's own content is used.

Only `MalformedFeed` is an expected refusal; any other exception, at any step, is a crash.
A second, parse-only pass feeds every file as `feed_poll` would get it from a server that
sends no Content-Type: `parse_feed(body, content_type="", base_url=<the feed's URL>)`.
Everything runs in one transaction that is rolled back at the end, on PostgreSQL
(BENCH_DATABASE_URL, default tracker_bench, created and migrated here: its column limits
are enforced) or, with --sqlite, in a temporary SQLite file. Exits 1 on any crash.
"""

import argparse
import logging
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from bench.ingest import common

DEFAULT_CORPUS = common.ROOT.parent / "shared" / "corpora" / "feedparser-tests"
TEST_SERVER = "http://127.0.0.1:8097/tests/"  # where feedparser's harness serves these files
_HEADER_COMMENT = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?<!--(.*?)-->", re.DOTALL)


def declared_headers(body: bytes) -> dict[str, str]:
    """The `Header: Name: value` lines of the file's leading comment, names lower-cased."""
    match = _HEADER_COMMENT.match(body)
    headers = {}
    if match:
        for line in match.group(1).decode("utf-8", "replace").splitlines():
            name, _, value = line.strip().partition(":")
            if name.strip() == "Header":
                header, _, header_value = value.strip().partition(":")
                headers[header.strip().lower()] = header_value.strip()
    return headers


def reason_of(message: str) -> str:
    """A refusal's message without its particulars (line and column numbers, quoted values)."""
    message = re.sub(r"line \d+, column \d+", "line L, column C", message)
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", message)
    return re.sub(r"\d+", "N", message)[:160]


@dataclass
class Tally:
    files: Counter = field(default_factory=Counter)  # outcome -> files
    by_folder: Counter = field(default_factory=Counter)  # (folder, outcome) -> files
    reasons: Counter = field(default_factory=Counter)
    refused_files: list[str] = field(default_factory=list)
    crashes: list[tuple[str, str, str]] = field(default_factory=list)  # (file, step, traceback)
    entries: int = 0
    skipped: int = 0
    stored: int = 0
    processed: int = 0
    warnings: int = 0
    not_idempotent: list[str] = field(default_factory=list)

    def count(self, folder: str, outcome: str) -> None:
        self.files[outcome] += 1
        self.by_folder[folder, outcome] += 1


def outcome_of(parsed) -> str:
    if parsed.entries:
        return "parsed, with entries"
    return "parsed, every item skipped" if parsed.skipped else "parsed, no items"


def offline_fetch(url: str, **_options):
    from news.pipeline.http import FetchError

    raise FetchError(FetchError.Kind.BLOCKED, "offline: this report fetches nothing", url=url)


def run_file(path: Path, relative: str, number: int, tally: Tally) -> None:
    from django.db import transaction

    from news import services
    from news.models import Article
    from news.pipeline.http import FetchResult
    from news.pipeline.parse import MalformedFeed, parse_feed

    folder = relative.split("/", 1)[0]
    body = path.read_bytes()
    headers = declared_headers(body)
    content_type, base_url = "", ""
    if headers:
        content_type = headers.get("content-type", "application/xml")
        base_url = urljoin(TEST_SERVER + relative, headers.get("content-location", ""))
    step = "parse_feed"
    try:
        try:
            parsed = parse_feed(body, content_type=content_type, base_url=base_url)
        except MalformedFeed as error:
            tally.count(folder, "refused")
            tally.reasons[reason_of(str(error))] += 1
            tally.refused_files.append(f"{relative}: {error}")
            return
        tally.count(folder, outcome_of(parsed))
        tally.entries += len(parsed.entries)
        tally.skipped += parsed.skipped
        tally.warnings += bool(parsed.warning)
        with transaction.atomic():  # a savepoint: a database error here must not end the run
            step = "feed_add (store_entries)"
            result = FetchResult(
                url=base_url or TEST_SERVER + relative,
                status=200,
                headers={"content-type": content_type} if content_type else {},
                body=body,
                etag="",
                last_modified="",
                content_type=content_type.partition(";")[0].strip().lower(),
                charset=None,
                redirects=(),
                elapsed=0.0,
                compressed_bytes=len(body),
            )
            preview = services.FeedPreview(result=result, parsed=parsed)
            feed, summary = services.feed_add(url=f"https://feeds.bench.example/{number}/{relative}", preview=preview)
            tally.stored += summary.new
            step = "store_entries, again"
            again = services.store_entries(feed=feed, parsed=parsed)
            if again.new or again.updated or again.to_process:
                tally.not_idempotent.append(f"{relative}: second run {again}")
            step = "articles_process"
            for article_id in Article.objects.filter(feed=feed).values_list("id", flat=True):
                outcome = services.articles_process(article_ids=[article_id])
                if article_id in outcome.failed:  # marked failed: the error is the crash to report
                    raise outcome.failed[article_id]
                tally.processed += 1
    except Exception:
        tally.count(folder, "crashed")
        tally.crashes.append((relative, step, traceback.format_exc(limit=6)))


def parse_without_content_type(path: Path, relative: str, tally: Tally) -> None:
    from news.pipeline.parse import MalformedFeed, parse_feed

    try:
        parsed = parse_feed(path.read_bytes(), content_type="", base_url=TEST_SERVER + relative)
    except MalformedFeed as error:
        tally.count("", "refused")
        tally.reasons[reason_of(str(error))] += 1
        return
    except Exception:
        tally.count("", "crashed")
        tally.crashes.append((relative, "parse_feed, no Content-Type", traceback.format_exc(limit=6)))
        return
    tally.count("", outcome_of(parsed))
    tally.warnings += bool(parsed.warning)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    parser.add_argument("--list-refused", action="store_true", help="print every refused file and why")
    arguments = parser.parse_args()
    common.exit_cleanly_on_signals()
    if not arguments.corpus.is_dir():
        print(f"No corpus at {arguments.corpus}: nothing to check.")
        return

    files = sorted(path for path in arguments.corpus.rglob("*.xml") if path.is_file())
    logging.disable(logging.WARNING)  # one "feed polled" line per feed otherwise
    with tempfile.TemporaryDirectory() as directory:
        database_url = f"sqlite:///{directory}/robustness.sqlite3" if arguments.sqlite else common.DATABASE_URL
        common.setup_django(database_url=database_url)
        from django.db import transaction

        from news import services

        tally, bare = Tally(), Tally()
        started = time.perf_counter()
        original_fetch, services.fetch = services.fetch, offline_fetch
        try:
            with transaction.atomic():
                for number, path in enumerate(files):
                    run_file(path, path.relative_to(arguments.corpus).as_posix(), number, tally)
                transaction.set_rollback(True)
        finally:
            services.fetch = original_fetch
        for path in files:
            parse_without_content_type(path, path.relative_to(arguments.corpus).as_posix(), bare)
        report(arguments, files, tally, time.perf_counter() - started, database_url)
        report_without_content_type(bare)
    if tally.crashes or bare.crashes:
        sys.exit(1)


def report(arguments: argparse.Namespace, files: list[Path], tally: Tally, seconds: float, database: str) -> None:
    engine = "SQLite (temporary file)" if database.startswith("sqlite") else "PostgreSQL"
    print(f"{len(files)} feeds from {arguments.corpus} in {seconds:.0f} s, on {engine}:\n")
    outcomes = ["parsed, with entries", "parsed, every item skipped", "parsed, no items", "refused", "crashed"]
    print("| outcome | wellformed/ | illformed/ | all |")
    print("| --- | ---: | ---: | ---: |")
    for outcome in outcomes:
        well, ill = tally.by_folder["wellformed", outcome], tally.by_folder["illformed", outcome]
        label = "refused as MalformedFeed" if outcome == "refused" else outcome
        print(f"| {label} | {well} | {ill} | {tally.files[outcome]} |")
    well = sum(n for (folder, _), n in tally.by_folder.items() if folder == "wellformed")
    ill = sum(n for (folder, _), n in tally.by_folder.items() if folder == "illformed")
    print(f"| **total** | {well} | {ill} | {len(files)} |")
    print(
        f"\n{tally.entries} entries parsed ({tally.skipped} items skipped: no http(s) link and no identifier, "
        "or a link too long), "
        f"{tally.stored} stored, {tally.processed} processed (feed content, no fetch); "
        f"{tally.warnings} feeds parsed with a warning (feedparser's bozo flag with entries)."
    )
    print(f"Second store_entries of the same parse: {len(tally.not_idempotent)} feeds not all unchanged.")
    for line in tally.not_idempotent[:5]:
        print(f"  {line}")
    if tally.reasons:
        print("\nTop reasons for refusal:\n")
        print("| files | reason |")
        print("| ---: | --- |")
        for reason, count in tally.reasons.most_common(6):
            print(f"| {count} | {reason.replace('|', '/')} |")
    if arguments.list_refused:
        print("\nRefused files:")
        for line in tally.refused_files:
            print(f"  {line}")
    print(f"\nCrashes: {len(tally.crashes)}")
    for relative, step, trace in tally.crashes:
        print(f"\n--- {relative} ({step})\n{trace}")


def report_without_content_type(tally: Tally) -> None:
    print("\nThe same files as a poll would parse them from a server that sends no Content-Type:")
    print(
        f"{tally.files['parsed, with entries']} parsed with entries, "
        f"{tally.files['parsed, every item skipped'] + tally.files['parsed, no items']} with none, "
        f"{tally.files['refused']} refused, {tally.files['crashed']} crashed; {tally.warnings} parsed with a warning."
    )
    for reason, count in tally.reasons.most_common(2):
        print(f"  {count} refused: {reason}")
    for relative, step, trace in tally.crashes:
        print(f"\n--- {relative} ({step})\n{trace}")


if __name__ == "__main__":
    main()
