"""Writes of the news ingestion: adding and polling feeds, storing items, processing and reviewing articles.

Tasks, admin actions, API views and commands call these. Everything here is
safe to run twice: items are upserted on unique keys (feed + GUID, canonical
URL), processing replaces what it derived, and a tombstone keeps a rejected
or deleted article from coming back.
"""

import datetime
import hashlib
import logging
import random
import statistics
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from trafilatura.utils import decode_file

from negotiations.models import Citation

from .models import Article, Feed, FeedPoll, Suggestion, Tombstone
from .pipeline import dedupe, mentions, suggest
from .pipeline.extract import extract_article, html_to_text, sanitise
from .pipeline.http import FetchError, FetchResult, fetch
from .pipeline.parse import Entry, MalformedFeed, ParsedFeed, parse_feed
from .pipeline.politeness import defer_host, host_slot
from .pipeline.urls import canonical_url

logger = logging.getLogger(__name__)

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
        return FeedPreview(result=result, parsed=parse_feed(result.body, content_type=_content_type(result)))
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
                "title": parsed.title,
                "site_url": parsed.link if parsed.link.startswith(("http://", "https://")) else "",
                "language": parsed.language,
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
        error=f"Parsed with a warning: {parsed.warning}"[:2000] if parsed and parsed.warning else "",
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
        "last_error": error[:2000],
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
        error=error[:2000],
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


def _identities(feed: Feed, entries: list[Entry]) -> list[tuple[Entry, str, str]]:
    """(entry, guid to store, canonical URL) per entry. A GUID shared by items with different links in one
    payload is unusable (left blank, so the link identifies the item); a link shared by items with
    different titles gets the title in its identity (link + title)."""
    guid_links: dict[str, set[str]] = {}
    link_titles: dict[str, set[str]] = {}
    for entry in entries:
        link = canonical_url(entry.link) if entry.link else ""
        guid_links.setdefault(entry.guid, set()).add(link)
        link_titles.setdefault(link, set()).add(entry.title)
    identities = []
    for entry in entries:
        link = canonical_url(entry.link) if entry.link else canonical_url(entry.guid)
        guid = entry.guid if entry.guid and len(guid_links[entry.guid]) == 1 else ""
        if len(link_titles.get(link, ())) > 1:
            link = f"{link}#item-{hashlib.sha256(entry.title.encode()).hexdigest()[:16]}"
        identities.append((entry, guid, link))
    return identities


def store_entries(*, feed: Feed, parsed: ParsedFeed) -> StoreSummary:
    """Upsert the feed's items. Two queries find what exists, whatever the corpus size."""
    summary = StoreSummary()
    identities = _identities(feed, parsed.entries)
    guids = {guid for _, guid, _ in identities if guid}
    links = {link for _, _, link in identities}
    by_guid = {a.guid: a for a in Article.objects.filter(feed=feed, guid__in=guids)} if guids else {}
    by_link = {a.canonical_url: a for a in Article.objects.filter(canonical_url__in=links)}
    buried = set(Tombstone.objects.filter(canonical_url__in=links).values_list("canonical_url", flat=True))
    for entry, guid, link in identities:
        if link in buried:
            summary.tombstoned += 1
            continue
        existing = by_guid.get(guid) if guid else None
        if existing is not None and existing.canonical_url != link and existing.title != entry.title:
            # The feed reused a GUID for a different item: identify this one by its link instead.
            existing, guid = None, ""
        existing = existing or by_link.get(link)
        if existing is not None and existing.feed_id != feed.id:
            summary.duplicate += 1  # the same URL arrived through another feed
            continue
        if existing is not None:
            if existing.entry_hash == entry.identity_hash:
                summary.unchanged += 1
            else:
                _update_article(existing, entry)
                summary.updated += 1
                summary.to_process.append(existing.pk)
            continue
        article = _create_article(feed, entry, guid=guid, link=link)
        if article is None:
            summary.duplicate += 1
        else:
            by_link[link] = article
            summary.new += 1
            summary.to_process.append(article.pk)
    return summary


def _item_fields(entry: Entry) -> dict:
    return {
        "title": entry.title or entry.link[:1000],
        "author": entry.author,
        "published_at": entry.published_at,
        "summary": sanitise(entry.summary_html),
        "feed_content": sanitise(entry.content_html),
        "entry_hash": entry.identity_hash,
    }


def _create_article(feed: Feed, entry: Entry, *, guid: str, link: str) -> Article | None:
    try:
        with transaction.atomic():
            return Article.objects.create(
                feed=feed,
                guid=guid,
                url=entry.link or link,
                canonical_url=link,
                publisher=feed.publisher or feed.title,
                **_item_fields(entry),
            )
    except IntegrityError:
        return None  # another worker stored the same item a moment ago


def _update_article(article: Article, entry: Entry) -> None:
    fields = _item_fields(entry)
    Article.objects.filter(pk=article.pk).update(
        **fields, revision=F("revision") + 1, processing_state=Article.ProcessingState.NEW, updated_at=timezone.now()
    )


# Processing -----------------------------------------------------------------


def article_process(*, article_id: int, force: bool = False) -> Article | None:
    """Extract, fingerprint, cluster, find mentions and suggest links for one article.

    The page is fetched only when the feed carried a summary rather than the article. Raises
    politeness.HostBusy when the page's host must not be asked now (the task retries later).
    """
    article = Article.objects.select_related("feed").filter(pk=article_id).first()
    if article is None or (article.processing_state != Article.ProcessingState.NEW and not force):
        return article
    feed_html = article.feed_content or article.summary
    fetched = {}
    if len(html_to_text(feed_html).split()) < FULL_CONTENT_WORDS and not article.raw_html:
        article.raw_html = fetched["raw_html"] = _fetch_page(article)
    extracted = extract_article(article.raw_html, url=article.url, feed_html=feed_html)
    article.text = extracted.text
    article.content_html = extracted.content_html
    article.language = extracted.language or (article.feed.language if article.feed else "")
    if extracted.author and not article.author:
        article.author = extracted.author
    fprint = dedupe.fingerprint(article.text)
    found = mentions.find_mentions(article, mentions.current_matcher())
    with transaction.atomic():
        _adopt_page_canonical(article, extracted.canonical_url)
        story = dedupe.find_story(article, fprint) or article
        suggestions, relevance = suggest.score_article(article, {mention.actor_id for mention in found})
        now = timezone.now()
        # One UPDATE, not save(): processing derives data, it is not an edit for the article's history.
        changed = Article.objects.filter(pk=article.pk).update(
            text=article.text,
            content_html=article.content_html,
            language=article.language,
            author=article.author,
            canonical_url=article.canonical_url,
            review_state=article.review_state,
            duplicate_of=article.duplicate_of,
            reviewed_at=article.reviewed_at,
            review_note=article.review_note,
            content_hash=fprint.text_hash,
            simhash=fprint.simhash,
            story=story,
            relevance=relevance,
            **fetched,  # the page, when it was fetched now (a large value: not rewritten for nothing)
            processing_state=Article.ProcessingState.PROCESSED,
            processing_error="",
            processed_at=now,
            updated_at=now,
        )
        if not changed:
            return None  # deleted meanwhile
        dedupe.store_bands(article, fprint)
        mentions.replace_mentions(article, found)
        suggest.replace_suggestions(article, suggestions)
    article.content_hash, article.simhash, article.story, article.relevance = (
        fprint.text_hash,
        fprint.simhash,
        story,
        relevance,
    )
    article.processing_state, article.processing_error = Article.ProcessingState.PROCESSED, ""
    article.processed_at = article.updated_at = now
    return article


def article_mark_failed(*, article_id: int, error: str) -> None:
    Article.objects.filter(pk=article_id).update(
        processing_state=Article.ProcessingState.FAILED, processing_error=error[:2000]
    )


def _fetch_page(article: Article) -> str:
    host = urlsplit(article.url).hostname or ""
    with host_slot(host):
        try:
            result = fetch(article.url, accept="text/html,application/xhtml+xml")
        except FetchError as error:
            if error.retry_after:
                defer_host(host, error.retry_after)
            logger.info(
                "page fetch failed, using the feed's content", extra={"article": article.pk, "error": str(error)}
            )
            return ""
    if result.charset:
        return result.body.decode(result.charset, errors="replace")
    return decode_file(result.body)  # the page's own <meta charset>, or detection


def _adopt_page_canonical(article: Article, page_canonical: str) -> None:
    """Honour the page's rel=canonical (same site only); if another article already has it, this is its copy."""
    if not page_canonical:
        return
    canonical = canonical_url(page_canonical)
    if canonical == article.canonical_url:
        return
    holder = Article.objects.filter(canonical_url=canonical).exclude(pk=article.pk).first()
    if holder is None:
        article.canonical_url = canonical
    elif article.review_state == Article.ReviewState.PENDING:
        article.review_state = Article.ReviewState.DUPLICATE
        article.duplicate_of = holder
        article.reviewed_at = timezone.now()
        article.review_note = f"Same canonical URL as article {holder.pk}."


# Review ---------------------------------------------------------------------


class ReviewError(Exception):
    pass


@transaction.atomic
def article_accept(*, article: Article, reviewer, suggestion_ids: list[int] = (), note: str = "") -> list[Citation]:
    """Accept an article: each chosen suggestion becomes a citation of its record."""
    chosen = list(Suggestion.objects.filter(article=article, pk__in=suggestion_ids).select_related("content_type"))
    if len(chosen) != len(set(suggestion_ids)):
        raise ReviewError("Some chosen suggestions do not belong to this article.")
    citations = []
    for suggestion in chosen:
        citation, _ = Citation.objects.get_or_create(
            content_type=suggestion.content_type,
            object_id=suggestion.object_id,
            article=article,
            defaults={
                "publisher": article.publisher,
                "title": article.title[:500],
                "url": article.canonical_url[:2000],
                "published_on": article.published_at.date() if article.published_at else None,
            },
        )
        citations.append(citation)
    _review(article, reviewer, Article.ReviewState.ACCEPTED, note=note)
    return citations


@transaction.atomic
def article_reject(*, article: Article, reviewer, reason: str) -> Tombstone:
    """Reject an article with a reason; its tombstone keeps ingestion from bringing it back."""
    if not reason.strip():
        raise ReviewError("Say why the article is rejected.")
    _review(article, reviewer, Article.ReviewState.REJECTED, note=reason)
    tombstone, _ = Tombstone.objects.update_or_create(
        canonical_url=article.canonical_url, defaults={"title": article.title, "reason": reason}
    )
    return tombstone


@transaction.atomic
def article_mark_duplicate(*, article: Article, reviewer, original: Article, note: str = "") -> Article:
    if original.pk == article.pk:
        raise ReviewError("An article cannot duplicate itself.")
    article.duplicate_of = original.duplicate_of or original
    _review(article, reviewer, Article.ReviewState.DUPLICATE, note=note)
    return article


@transaction.atomic
def article_delete(*, article: Article, reason: str = "Deleted by an editor.") -> None:
    Tombstone.objects.update_or_create(
        canonical_url=article.canonical_url, defaults={"title": article.title, "reason": reason}
    )
    article.delete()


def _review(article: Article, reviewer, state: str, *, note: str) -> None:
    article.review_state = state
    article.reviewer = reviewer
    article.reviewed_at = timezone.now()
    article.review_note = note
    article.save(update_fields=["review_state", "reviewer", "reviewed_at", "review_note", "duplicate_of", "updated_at"])
