"""Writes of the news ingestion: adding and polling feeds, storing items, processing and deleting articles.

Tasks, admin actions, API views and commands call these. Everything here is
safe to run twice: items are upserted on unique keys (feed + GUID, canonical
URL), processing replaces what it derived, and a tombstone keeps a rejected
or deleted article from coming back. News knows feeds, articles and their
text only: what a processed batch means for the record (suggestions, the
article's relevance) is the work of the hooks named in
settings.INGEST_BATCH_HOOKS (review's), run inside the batch's transaction.
"""

import datetime
import hashlib
import logging
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from tracker.bulk import bulk_update
from tracker.history import bulk_create_with_history
from tracker.safe_values import clean_text, fit_field, fit_plain, url_or_blank

from . import selectors
from .models import Article, Feed, FeedPoll, Tombstone
from .pipeline import dedupe, mentions
from .pipeline.extract import extract_article, html_to_text, sanitise
from .pipeline.http import FetchError, FetchResult, fetch
from .pipeline.pages import FetchedPage, fetch_page
from .pipeline.parse import Entry, MalformedFeed, ParsedFeed, parse_feed
from .pipeline.politeness import HostBusy, defer_host, host_slot
from .pipeline.urls import canonical_url

logger = logging.getLogger(__name__)

# A lost database connection (a restart, a failover): not an article's fault, so never recorded as its
# failure; it propagates and the task retries (news.tasks.DATABASE_RETRY).
DATABASE_GONE = (OperationalError, InterfaceError)

POLL_LEASE = datetime.timedelta(minutes=10)
UNCONDITIONAL_EVERY = datetime.timedelta(hours=24)
# A feed item with at least this many words of content is the article: no page fetch.
FULL_CONTENT_WORDS = 150


@dataclass
class StoreSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    tombstoned: int = 0
    to_process: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class FeedPreview:
    """One fetch of a feed, parsed: enough to create the feed and store its first items."""

    result: FetchResult
    parsed: ParsedFeed


class FeedError(Exception):
    """A feed could not be added; the message says why, for the person who tried."""


# Feeds ----------------------------------------------------------------------


def feed_preview(*, url: str) -> FeedPreview:
    try:
        result = fetch(url)
        parsed = parse_feed(result.body, content_type=_content_type(result), base_url=result.url)
        return FeedPreview(result=result, parsed=parsed)
    except (FetchError, MalformedFeed) as error:
        raise FeedError(str(error)) from error


def feed_add(
    *,
    url: str,
    poll_interval: datetime.timedelta | None = None,
    active: bool = True,
    preview: FeedPreview | None = None,
) -> tuple[Feed, StoreSummary]:
    """Add a feed with one request to its site: the response describes the feed and brings its first items."""
    started = timezone.now()
    preview = preview or feed_preview(url=url)
    result, parsed = preview.result, preview.parsed
    with transaction.atomic():
        feed, _ = Feed.objects.get_or_create(
            url=url.strip(),
            defaults={
                "title": fit_plain(Feed, "title", parsed.title),
                "site_url": parsed.link,  # an absolute http(s) URL or "" (parse_feed refused any other)
                "language": fit_field(Feed, "language", parsed.language, ellipsis=False),
                "poll_interval": poll_interval or datetime.timedelta(hours=1),
                "active": active,
            },
        )
        summary = store_entries(feed=feed, parsed=parsed)
        _record_poll(feed, started=started, result=result, parsed=parsed, summary=summary, unconditional=True)
    return feed, summary


def feeds_claim_due(*, now: datetime.datetime | None = None, limit: int = 100) -> list[int]:
    """Claim due feeds for polling. Row locks (skipping rows another transaction holds) and a lease in
    claimed_until mean two beats or workers never poll one feed twice; a lease that expires (a worker
    died mid-poll) frees the feed again."""
    now = now or timezone.now()
    with transaction.atomic():
        due = (
            Feed.objects.select_for_update(skip_locked=True)
            .filter(active=True)
            .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by(F("next_poll_at").asc(nulls_first=True), "id")
            .values_list("id", flat=True)[:limit]
        )
        ids = list(due)
        Feed.objects.filter(id__in=ids).update(claimed_until=now + POLL_LEASE)
    return ids


def feed_poll(*, feed_id: int) -> FeedPoll | None:
    """Poll one feed: conditional GET, parse if changed, store items, record health and schedule the next poll.

    Raises politeness.HostBusy when the feed's host is busy or asked us to wait: the caller retries later.
    """
    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None:
        return None
    started = timezone.now()
    unconditional = feed.last_unconditional_at is None or started - feed.last_unconditional_at > UNCONDITIONAL_EVERY
    host = urlsplit(feed.url).hostname or ""
    with host_slot(host):
        try:
            result = fetch(
                feed.url,
                etag="" if unconditional else feed.etag,
                last_modified="" if unconditional else feed.last_modified,
            )
        except FetchError as error:
            if error.retry_after:
                defer_host(host, error.retry_after)
            return _record_failure(feed, started=started, error=str(error), status=error.status)
    if result.not_modified:
        return _record_poll(feed, started=started, result=result, outcome=FeedPoll.Outcome.NOT_MODIFIED)
    body_hash = hashlib.sha256(result.body).hexdigest()
    if body_hash == feed.body_hash and not unconditional:
        return _record_poll(feed, started=started, result=result, outcome=FeedPoll.Outcome.UNCHANGED)
    try:
        parsed = parse_feed(result.body, content_type=_content_type(result), base_url=result.url)
    except MalformedFeed as error:
        return _record_failure(feed, started=started, error=str(error), status=result.status)
    with transaction.atomic():
        summary = store_entries(feed=feed, parsed=parsed)
        return _record_poll(
            feed, started=started, result=result, parsed=parsed, summary=summary, unconditional=unconditional
        )


def _content_type(result: FetchResult) -> str:
    return result.headers.get("content-type", "")


def _record_poll(
    feed: Feed,
    *,
    started: datetime.datetime,
    result: FetchResult,
    parsed: ParsedFeed | None = None,
    summary: StoreSummary | None = None,
    outcome: str = FeedPoll.Outcome.OK,
    unconditional: bool = False,
) -> FeedPoll:
    now = timezone.now()
    summary = summary or StoreSummary()
    interval = adapted_interval(feed, parsed) if parsed else (feed.current_interval or feed.poll_interval)
    changes = {
        "last_polled_at": now,
        "last_status": result.status,
        "last_success_at": now,
        "last_error": "",
        "consecutive_errors": 0,
        "current_interval": interval,
        "next_poll_at": now + jittered(interval),
        "claimed_until": None,
    }
    if result.status == 200:
        changes.update(etag=result.etag[:500], last_modified=result.last_modified[:100])
        changes["body_hash"] = hashlib.sha256(result.body).hexdigest()
    if unconditional:
        changes["last_unconditional_at"] = now
    if summary.new:
        changes["last_new_item_at"] = now
    Feed.objects.filter(pk=feed.pk).update(**changes)
    for name, value in changes.items():
        setattr(feed, name, value)
    poll = FeedPoll.objects.create(
        feed=feed,
        started_at=started,
        duration=now - started,
        outcome=outcome,
        http_status=result.status,
        bytes_received=result.compressed_bytes,
        entries=len(parsed.entries) if parsed else 0,
        new_count=summary.new,
        updated_count=summary.updated,
        duplicate_count=summary.duplicate + summary.tombstoned,
        error=clean_text(f"Parsed with a warning: {parsed.warning}"[:2000]) if parsed and parsed.warning else "",
        refusals="\n".join(parsed.refusals)[:20_000] if parsed else "",
    )
    poll.to_process = summary.to_process
    logger.info(
        "feed polled",
        extra={"feed": feed.pk, "outcome": outcome, "new": summary.new, "updated": summary.updated},
    )
    return poll


def _record_failure(feed: Feed, *, started: datetime.datetime, error: str, status: int | None) -> FeedPoll:
    """Back off exponentially, with a ceiling; the feed stays active and its error stays visible."""
    now = timezone.now()
    errors = feed.consecutive_errors + 1
    base = feed.current_interval or feed.poll_interval
    ceiling = datetime.timedelta(seconds=settings.INGEST_MAX_INTERVAL)
    backoff = min(base * (2 ** min(errors, 16)), ceiling)
    changes = {
        "last_polled_at": now,
        "last_status": status,
        "last_error": clean_text(error[:2000]),
        "consecutive_errors": errors,
        "next_poll_at": now + jittered(backoff),
        "claimed_until": None,
    }
    Feed.objects.filter(pk=feed.pk).update(**changes)
    for name, value in changes.items():
        setattr(feed, name, value)
    logger.warning("feed poll failed", extra={"feed": feed.pk, "error": error, "consecutive_errors": errors})
    poll = FeedPoll.objects.create(
        feed=feed,
        started_at=started,
        duration=now - started,
        outcome=FeedPoll.Outcome.ERROR,
        http_status=status,
        error=clean_text(error[:2000]),
    )
    poll.to_process = []
    return poll


def adapted_interval(feed: Feed, parsed: ParsedFeed) -> datetime.timedelta:
    """Half the feed's typical gap between items (so a new item waits half a gap on average), clamped."""
    moments = sorted(entry.published_at for entry in parsed.entries if entry.published_at)[-20:]
    lower = datetime.timedelta(seconds=settings.INGEST_MIN_INTERVAL)
    upper = datetime.timedelta(seconds=settings.INGEST_MAX_INTERVAL)
    if len(moments) < 3:
        return min(max(feed.poll_interval, lower), upper)
    gaps = [(later - earlier).total_seconds() for earlier, later in zip(moments, moments[1:], strict=False)]
    typical = datetime.timedelta(seconds=statistics.median(gaps) / 2)
    return min(max(typical, lower), upper)


def jittered(interval: datetime.timedelta) -> datetime.timedelta:
    """±10%, so feeds added together do not keep polling together."""
    return interval * random.uniform(0.9, 1.1)  # noqa: S311 - scheduling jitter, not security


# Items ----------------------------------------------------------------------


def _canonical(link: str) -> str:
    """The link's canonical form, or "" when there is none that is a safe URL (tracker.safe_values)."""
    return url_or_blank(canonical_url(link))[0] if link else ""


def _identities(feed: Feed, entries: list[Entry]) -> list[tuple[Entry, str, str]]:
    """(entry, guid to store, canonical URL) per entry. A GUID shared by items with different links in one
    payload is unusable (left blank, so the link identifies the item); a link shared by items with
    different titles gets the title in its identity (link + title). An item without a link (none, or
    one refused as unsafe) is identified by its GUID alone: its canonical URL is ""; an item with
    neither is left out."""
    links = {entry.link: _canonical(entry.link) for entry in entries}
    guid_links: dict[str, set[str]] = {}
    link_titles: dict[str, set[str]] = {}
    for entry in entries:
        link = links[entry.link]
        guid_links.setdefault(entry.guid, set()).add(link)
        link_titles.setdefault(link, set()).add(entry.title)
    identities = []
    for entry in entries:
        link = links[entry.link]
        guid = entry.guid if entry.guid and len(guid_links[entry.guid]) == 1 else ""
        if link and len(link_titles[link]) > 1:
            link = f"{link}#item-{hashlib.sha256(entry.title.encode()).hexdigest()[:16]}"
        if link or guid:
            identities.append((entry, guid, link))
    return identities


def store_entries(*, feed: Feed, parsed: ParsedFeed) -> StoreSummary:
    """Upsert the feed's items. Two queries find what exists, whatever the corpus size; the new items
    are inserted together (with their history rows), or one by one if another worker stored one of
    them meanwhile."""
    summary = StoreSummary()
    identities = _identities(feed, parsed.entries)
    guids = {guid for _, guid, _ in identities if guid}
    links = {link for _, _, link in identities if link}
    by_guid = {a.guid: a for a in Article.objects.filter(feed=feed, guid__in=guids)} if guids else {}
    by_link = {a.canonical_url: a for a in Article.objects.filter(canonical_url__in=links).exclude(canonical_url="")}
    buried = set(Tombstone.objects.filter(canonical_url__in=links).values_list("canonical_url", flat=True))
    # (canonical URL, or "" and the GUID for an item without a link) -> (entry, guid), in feed order
    new: dict[tuple[str, str], tuple[Entry, str]] = {}
    for entry, guid, link in identities:
        if link in buried:
            summary.tombstoned += 1
            continue
        existing = by_guid.get(guid) if guid else None
        if existing is not None and existing.canonical_url != link and existing.title != entry.title:
            # The feed reused a GUID for a different item: identify this one by its link instead.
            existing, guid = None, ""
            if not link:
                continue  # and it has none: nothing identifies it
        existing = existing or by_link.get(link)
        key = (link, "" if link else guid)
        if existing is not None and existing.feed_id != feed.id:
            summary.duplicate += 1  # the same URL arrived through another feed
        elif existing is not None:
            if existing.entry_hash == entry.identity_hash:
                summary.unchanged += 1
            else:
                _update_article(existing, entry)
                summary.updated += 1
                summary.to_process.append(existing.pk)
        elif key in new:  # the same item twice in one payload: the later one counts
            if new[key][0].identity_hash == entry.identity_hash:
                summary.unchanged += 1
            else:
                summary.updated += 1
            new[key] = (entry, new[key][1] or guid)
        else:
            new[key] = (entry, guid)
    for article in _create_articles(feed, new):
        if article is None:
            summary.duplicate += 1
        else:
            summary.new += 1
            summary.to_process.append(article.pk)
    return summary


def _create_articles(feed: Feed, new: dict[tuple[str, str], tuple[Entry, str]]) -> list[Article | None]:
    """Insert the new items in one statement (and their history rows in another); if another worker
    stored one of them a moment ago, insert them one by one (None for each already stored)."""
    rows = [_new_article(feed, entry, guid=guid, link=link) for (link, _), (entry, guid) in new.items()]
    if not rows:
        return []
    try:
        with transaction.atomic():
            return bulk_create_with_history(rows, Article)
    except IntegrityError:
        return [_create_article(feed, entry, guid=guid, link=link) for (link, _), (entry, guid) in new.items()]


def _item_fields(entry: Entry) -> dict:
    """What a feed item says, cleaned and fitted to the article's columns (tracker.safe_values), so that
    what is stored passes the model's own validation on every database; the title and the author are plain
    text (markup stripped, entities decoded, whitespace collapsed), the summary and content sanitised HTML."""
    return {
        "title": fit_plain(Article, "title", entry.title)
        or fit_plain(Article, "title", entry.link or entry.guid)
        or "Untitled item",
        "author": fit_plain(Article, "author", entry.author),
        "published_at": entry.published_at,
        "summary": clean_text(sanitise(entry.summary_html)),
        "feed_content": clean_text(sanitise(entry.content_html)),
        "entry_hash": entry.identity_hash,
    }


def _new_article(feed: Feed, entry: Entry, *, guid: str, link: str) -> Article:
    return Article(
        feed=feed,
        guid=fit_field(Article, "guid", guid, ellipsis=False),
        url=entry.link if link else "",  # parse_feed kept only an absolute http(s) link, or none
        canonical_url=link,
        publisher=fit_plain(Article, "publisher", feed.publisher or feed.title),
        queued_at=timezone.now(),  # its processing is queued when the poll commits
        **_item_fields(entry),
    )


def _create_article(feed: Feed, entry: Entry, *, guid: str, link: str) -> Article | None:
    try:
        with transaction.atomic():
            article = _new_article(feed, entry, guid=guid, link=link)
            article.save()
            return article
    except IntegrityError:
        return None  # another worker stored the same item a moment ago


def _update_article(article: Article, entry: Entry) -> None:
    fields, now = _item_fields(entry), timezone.now()
    Article.objects.filter(pk=article.pk).update(
        **fields,
        revision=F("revision") + 1,
        processing_state=Article.ProcessingState.NEW,
        updated_at=now,
        queued_at=now,
        sweeps=0,  # a new revision: the sweep counts afresh
    )


# Processing -----------------------------------------------------------------


@dataclass
class BatchOutcome:
    """What `articles_process` did with each article of a batch."""

    processed: dict[int, Article] = field(default_factory=dict)
    skipped: dict[int, str] = field(default_factory=dict)  # not new (and not forced): its processing state
    failed: dict[int, Exception] = field(default_factory=dict)  # marked failed, with the error
    busy: dict[int, HostBusy] = field(default_factory=dict)  # its page's host must not be asked now: untouched
    not_started: list[int] = field(default_factory=list)  # the time ran out first: untouched
    gone: list[int] = field(default_factory=list)


@dataclass
class _Prepared:
    """An article extracted, fingerprinted and searched for mentions, not yet written."""

    article: Article
    fetched: bool
    page_canonical: str
    fprint: dedupe.Fingerprint
    found: list[mentions.Found]


def articles_process(*, article_ids: list[int], force: bool = False, stop_at: float | None = None) -> BatchOutcome:
    """Extract, fingerprint, cluster and find mentions for a batch of articles, then run the batch hooks.

    A page is fetched only when the feed carried a summary rather than the article, under
    the politeness slot of its host; an article whose host is busy is left untouched and
    reported in `busy`. Each article is extracted and searched for mentions; an article
    that fails is marked failed with its error and the batch goes on. The results are
    written together, in a fixed number of queries for the whole batch (the story lookups,
    the batch hooks' own (review's suggestion candidates, its suggestions replaced), one UPDATE
    of the articles, and the band keys and mentions replaced) and one transaction; should that
    fail, each article is written on its own, so one bad article fails alone. Past `stop_at`
    (time.monotonic()), articles not begun are left in `not_started`. Processing an article twice gives the same rows.
    """
    outcome = BatchOutcome()
    loaded = Article.objects.select_related("feed").in_bulk(article_ids)
    articles = []
    for article_id in dict.fromkeys(article_ids):
        article = loaded.get(article_id)
        if article is None:
            outcome.gone.append(article_id)
        elif article.processing_state != Article.ProcessingState.NEW and not force:
            outcome.skipped[article_id] = article.processing_state
        else:
            articles.append(article)
    if not articles:
        return outcome
    matcher = None
    prepared: list[_Prepared] = []
    for position, article in enumerate(articles):
        if position and stop_at is not None and time.monotonic() > stop_at:
            outcome.not_started = [later.pk for later in articles[position:]]
            break
        try:
            matcher = matcher or mentions.current_matcher()  # read once a batch (its stamp: one query)
            page = fetch_page(article.url, article_id=article.pk) if _needs_page(article) else None
            prepared.append(_prepare(article, page, matcher))
        except HostBusy as busy:
            outcome.busy[article.pk] = busy
        except SoftTimeLimitExceeded:
            outcome.failed[article.pk] = _TooSlow("Processing took longer than the time limit.")
            outcome.not_started = [later.pk for later in articles[position + 1 :]]
            break
        except DATABASE_GONE:
            raise  # not the article's fault: the task retries the batch
        except Exception as error:  # keep the article and say why; an editor can reprocess it
            logger.exception("article processing failed", extra={"article": article.pk})
            outcome.failed[article.pk] = error
    _write_batch(prepared, outcome)
    for article_id, error in outcome.failed.items():
        article_mark_failed(article_id=article_id, error=_error_text(error))
    return outcome


def batches(article_ids: list[int]) -> list[list[int]]:
    """Articles in processing batches: as few as INGEST_PROCESS_BATCH allows, and even (50 articles make 16,
    17 and 17, not 20, 20 and 10), so pool processes taking a poll's batches side by side finish together."""
    size = max(1, settings.INGEST_PROCESS_BATCH)
    count = -(-len(article_ids) // size)
    return [
        list(article_ids[len(article_ids) * number // count : len(article_ids) * (number + 1) // count])
        for number in range(count)
    ]


def articles_process_waiting(*, article_ids: list[int], force: bool = False, on_done=None) -> Counter:
    """Process articles in batches in this process, waiting (sleeping) for busy hosts: for commands, not
    tasks. `on_done(count)` is called as articles are done; returns the count of each outcome."""
    outcomes: Counter = Counter()
    for batch in batches(article_ids):
        waiting = batch
        while waiting:
            outcome = articles_process(article_ids=waiting, force=force)
            outcomes.update(processed=len(outcome.processed), failed=len(outcome.failed), gone=len(outcome.gone))
            outcomes.update(outcome.skipped.values())
            if on_done:
                on_done(len(waiting) - len(outcome.busy))
            waiting = [article_id for article_id in waiting if article_id in outcome.busy]
            if waiting:
                time.sleep(min(max(busy.retry_in for busy in outcome.busy.values()), 30))
    return outcomes


class _TooSlow(Exception):
    pass


def _error_text(error: Exception) -> str:
    return str(error) if isinstance(error, _TooSlow) else f"{type(error).__name__}: {error}"


def _needs_page(article: Article) -> bool:
    feed_html = article.feed_content or article.summary
    return bool(article.url) and not article.raw_html and len(html_to_text(feed_html).split()) < FULL_CONTENT_WORDS


def _prepare(article: Article, page: FetchedPage | None, matcher: mentions.AliasMatcher) -> _Prepared:
    if page is not None:
        article.raw_html = clean_text(page.html)
    # The header's declaration is known only when the page is fetched now: the stored page keeps its own
    # <html lang>, and the feed's language is always at hand.
    extracted = extract_article(
        article.raw_html,
        url=article.url,
        feed_html=article.feed_content or article.summary,
        want_author=not article.author,
        declared_languages=[page.content_language if page else "", article.feed.language if article.feed else ""],
    )
    # Cleaned and fitted like a feed item's fields (tracker.safe_values): no NUL, nothing longer than its column.
    article.text = clean_text(extracted.text)
    article.content_html = clean_text(extracted.content_html)
    article.language = fit_field(Article, "language", extracted.language, ellipsis=False)
    if extracted.author and not article.author:
        article.author = fit_plain(Article, "author", extracted.author)
    fprint = dedupe.fingerprint(article.text)
    found = mentions.find_mentions(article, matcher)
    return _Prepared(article, page is not None, extracted.canonical_url, fprint, found)


def _write_batch(prepared: list[_Prepared], outcome: BatchOutcome) -> None:
    if not prepared:
        return
    try:
        with transaction.atomic():
            _write(prepared, outcome)
        return
    except (SoftTimeLimitExceeded, *DATABASE_GONE):
        raise  # nothing was written; the task decides (a lost connection: it retries)
    except Exception:  # one article's rows broke the batch write: write each on its own
        logger.warning("batch write failed, writing the articles one by one", exc_info=True)
    for item in prepared:  # (each write reads the review fields again, so the batch's attempt leaves no trace)
        for kept in (outcome.processed, outcome.skipped):
            kept.pop(item.article.pk, None)
        if item.article.pk in outcome.gone:
            outcome.gone.remove(item.article.pk)
        try:
            with transaction.atomic():
                _write([item], outcome)
        except (SoftTimeLimitExceeded, *DATABASE_GONE):
            raise
        except Exception as error:
            logger.exception("article processing failed", extra={"article": item.article.pk})
            outcome.failed[item.article.pk] = error


# What the write may change besides the derived columns, and what must be read again under the row lock.
_REVIEW_FIELDS = ["canonical_url", "review_state", "duplicate_of_id", "reviewed_at", "review_note"]


# The article's columns that processing writes (raw_html too when the page was fetched now).
_PROCESSED_FIELDS = [
    "text",
    "content_html",
    "language",
    "author",
    "canonical_url",
    "review_state",
    "duplicate_of",
    "reviewed_at",
    "review_note",
    "content_hash",
    "simhash",
    "story",
    "relevance",
    "processing_state",
    "processing_error",
    "processed_at",
    "updated_at",
]


def _write(prepared: list[_Prepared], outcome: BatchOutcome) -> None:
    """Write a batch's results in a fixed number of queries (call it in a transaction)."""
    ids = [item.article.pk for item in prepared]
    # Lock the rows (in id order, so two batches cannot deadlock) and read again what people or polls may
    # have changed since the batch began: a review is kept as it is now, never reverted; an article a poll
    # updated meanwhile is left for the processing that poll queued; a row deleted meanwhile is gone.
    current = {
        row["pk"]: row
        for row in Article.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values("pk", "revision", *_REVIEW_FIELDS)
    }
    outcome.gone += [pk for pk in ids if pk not in current]
    kept = []
    for item in prepared:
        row = current.get(item.article.pk)
        if row is not None and row["revision"] != item.article.revision:
            outcome.skipped[item.article.pk] = "superseded"
        elif row is not None:
            for name in _REVIEW_FIELDS:
                setattr(item.article, name, row[name])
            kept.append(item)
    prepared = kept
    if not prepared:
        return
    _adopt_page_canonicals(prepared)
    pairs = [(item.article, item.fprint) for item in prepared]
    stories = dedupe.find_stories(pairs)
    run_batch_hooks([(item.article, {mention.actor_id for mention in item.found}) for item in prepared])
    now = timezone.now()
    for item, story in zip(prepared, stories, strict=True):
        article = item.article
        article.content_hash, article.simhash = item.fprint.text_hash, item.fprint.simhash
        article.story = story or article
        article.processing_state, article.processing_error = Article.ProcessingState.PROCESSED, ""
        article.processed_at = article.updated_at = now
    # Queryset updates, not save(): processing derives data, it is not an edit for the article's history.
    # The page is written only when it was fetched now (a large value: not rewritten for nothing).
    fetched = [item.article for item in prepared if item.fetched]
    stored = [item.article for item in prepared if not item.fetched]
    if fetched:
        bulk_update(fetched, [*_PROCESSED_FIELDS, "raw_html"])
    if stored:
        bulk_update(stored, _PROCESSED_FIELDS)
    alive_ids = [item.article.pk for item in prepared]
    dedupe.replace_bands(pairs)
    mentions.replace_mentions(alive_ids, [mention for item in prepared for mention in item.found])
    outcome.processed.update((item.article.pk, item.article) for item in prepared)


def run_batch_hooks(items: list[tuple[Article, set[int]]]) -> None:
    """Call each hook named in settings.INGEST_BATCH_HOOKS (dotted paths) with the batch's articles and the
    actors each mentions. Hooks run inside the batch's transaction, its rows locked, before the articles'
    UPDATE: a hook writes its own rows for these articles (replacing what it wrote before) and may set
    `relevance` on them, which the UPDATE stores. This is how the record's side (review) derives from a
    batch without news importing it; a hook must cost a fixed number of queries per batch."""
    for path in settings.INGEST_BATCH_HOOKS:
        import_string(path)(items)


def article_redetect_mentions(*, article: Article, matcher: mentions.AliasMatcher | None = None) -> int:
    """Replace an article's mentions with those the current aliases find (a re-run after aliases changed)
    and run the batch hooks over it, as processing would; how many mentions it has now. Offsets are into
    `mentions.mention_source(article)`. The article row is locked while its rows are replaced, so two
    workers on the same article cannot interleave; running it twice gives the same rows."""
    found = mentions.find_mentions(article, matcher or mentions.current_matcher())
    with transaction.atomic():
        if not Article.objects.select_for_update().filter(pk=article.pk).values_list("pk", flat=True):
            return 0  # deleted meanwhile
        mentions.replace_mentions([article.pk], found)
        run_batch_hooks([(article, {mention.actor_id for mention in found})])
        Article.objects.filter(pk=article.pk).update(relevance=article.relevance)
    return len(found)


def article_mark_failed(*, article_id: int, error: str) -> None:
    Article.objects.filter(pk=article_id).update(
        processing_state=Article.ProcessingState.FAILED, processing_error=error[:2000]
    )


def articles_mark_queued(*, article_ids: list[int], due_in: float = 0) -> None:
    """Record that these articles' processing is queued again, due in `due_in` seconds (a batch retried
    after a host's wait), so the sweep leaves them alone until INGEST_SWEEP_AFTER after that."""
    Article.objects.filter(pk__in=article_ids, processing_state=Article.ProcessingState.NEW).update(
        queued_at=timezone.now() + datetime.timedelta(seconds=due_in)
    )


def articles_mark_unsent(*, article_ids: list[int]) -> None:
    """These articles' processing could not be queued (the broker was unreachable): make them due for the
    processing sweep's next run rather than INGEST_SWEEP_AFTER from now."""
    articles_mark_queued(article_ids=article_ids, due_in=-settings.INGEST_SWEEP_AFTER)


def articles_sweep(*, cutoff: datetime.datetime, limit: int) -> tuple[list[int], int]:
    """The sweep's write: the oldest `limit` articles `selectors.waiting_since(cutoff)`, locked (those another
    sweep or a batch holds are skipped). Those already queued again INGEST_SWEEP_MAX times are marked failed
    (a page that always outlasts the time limit, a host that never frees up); the others are counted as
    swept and due now. Returns the ids to queue again, oldest first, and how many were marked failed."""
    now, most = timezone.now(), settings.INGEST_SWEEP_MAX
    with transaction.atomic():
        rows = list(
            selectors.waiting_since(cutoff).select_for_update(skip_locked=True).values_list("id", "sweeps")[:limit]
        )
        requeued = [pk for pk, sweeps in rows if sweeps < most]
        failed = Article.objects.filter(pk__in=[pk for pk, sweeps in rows if sweeps >= most]).update(
            processing_state=Article.ProcessingState.FAILED,
            processing_error=f"Queued {most + 1} times and never processed; reprocess it to try again.",
        )
        Article.objects.filter(pk__in=requeued).update(queued_at=now, sweeps=F("sweeps") + 1)
    return requeued, failed


def articles_mark_failed_if_new(*, article_ids: list[int], error: str) -> int:
    """Mark failed those of the articles still waiting to be processed (a batch given up); how many."""
    return Article.objects.filter(pk__in=article_ids, processing_state=Article.ProcessingState.NEW).update(
        processing_state=Article.ProcessingState.FAILED, processing_error=error[:2000]
    )


_CANONICAL_MAX = Article._meta.get_field("canonical_url").max_length


def _adopt_page_canonicals(prepared: list[_Prepared]) -> None:
    """Honour each page's rel=canonical (same site only); if another article already has it, this is its copy.

    One query for the batch, and none when every page names its own URL.
    """
    wanted = {}
    for item in prepared:
        if item.page_canonical and item.article.canonical_url:  # (a page is fetched only for a link)
            canonical = url_or_blank(canonical_url(item.page_canonical), max_length=_CANONICAL_MAX)[0]
            if canonical and canonical != item.article.canonical_url:
                wanted[item.article.pk] = canonical
    if not wanted:
        return
    holders = dict(
        Article.objects.filter(canonical_url__in=set(wanted.values()))
        .exclude(canonical_url="")
        .values_list("canonical_url", "pk")
    )
    for item in prepared:
        article = item.article
        canonical = wanted.get(article.pk)
        if canonical is None:
            continue
        holder = holders.get(canonical)
        if holder is None:
            article.canonical_url = canonical
            holders[canonical] = article.pk  # a later article of the batch with it is this one's copy
        elif article.review_state == Article.ReviewState.PENDING:
            article.review_state = Article.ReviewState.DUPLICATE
            article.duplicate_of_id = holder
            article.reviewed_at = timezone.now()
            article.review_note = f"Same canonical URL as article {holder}."


# Deletion -------------------------------------------------------------------


@transaction.atomic
def article_delete(*, article: Article, reason: str = "Deleted by an editor.") -> None:
    Tombstone.objects.update_or_create(
        canonical_url=article.canonical_url, defaults={"title": article.title, "reason": reason}
    )
    article.delete()
