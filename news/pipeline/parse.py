"""Feed parsing: the bytes we fetched, handed to feedparser as a file-like object, defensively.

feedparser treats a str or bytes argument that looks like a path or a URL as
something to open, so a hostile body could make it read a local file: it is
only ever given an in-memory stream. XML that declares entities (billion
laughs, external entities) is refused before feedparser sees it.
"""

import calendar
import datetime
import hashlib
import io
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree
import feedparser
from defusedxml import DefusedXmlException
from django.conf import settings

from tracker.safe_values import clean_text, url_or_blank


class MalformedFeed(Exception):
    """The body is not a feed we can read; the message is shown to editors on the feed's health page."""


@dataclass(frozen=True)
class Entry:
    guid: str
    link: str
    title: str
    summary_html: str
    content_html: str
    author: str
    published_at: datetime.datetime | None
    link_refused: str = ""  # why the item's link was refused (the item is kept without one)

    @property
    def identity_hash(self) -> str:
        """What the entry says, for telling an updated item from an unchanged one."""
        payload = "\x1f".join([self.title, self.summary_html, self.content_html])
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    link: str
    language: str
    entries: list[Entry]
    skipped: int = 0
    warning: str = ""
    refusals: tuple[str, ...] = ()  # items, or their links, refused: why, one each


def refuse_entities(body: bytes) -> None:
    """Refuse entity declarations and external references; leave other XML errors to feedparser's loose mode."""
    try:
        defusedxml.ElementTree.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise MalformedFeed(f"Refused: the feed declares XML entities or external references ({error}).") from error
    except (ParseError, ValueError, LookupError):
        return


def _when(entry) -> datetime.datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        moment = datetime.datetime.fromtimestamp(calendar.timegm(parsed), tz=datetime.UTC)
    except (OverflowError, ValueError, OSError):
        return None
    # A feed may stamp items in the future (wrong clock or time zone): never after now.
    return min(moment, datetime.datetime.now(tz=datetime.UTC))


def _text(value, limit: int) -> str:
    """A bounded, cleaned text (no NUL, no lone surrogates): fitting it to its column is the storage's job."""
    return clean_text(str(value or "")[: limit * 2]).strip()[:limit]


def parse_feed(body: bytes, *, content_type: str = "", base_url: str = "") -> ParsedFeed:
    refuse_entities(body)
    # Headers only when the server sent a type: feedparser flags any header set without one as malformed.
    headers = None
    if content_type:
        headers = {"content-type": content_type}
        if base_url:
            headers["content-location"] = base_url
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=True)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no channel and no items"
        raise MalformedFeed(f"Not a readable RSS or Atom feed: {reason}")

    max_url = settings.INGEST_MAX_URL_LENGTH
    entries, skipped, refusals = [], 0, []
    for number, item in enumerate(parsed.entries[: settings.INGEST_MAX_ENTRIES], start=1):
        link, refused = url_or_blank(str(item.get("link") or "")[: max_url * 2], max_length=max_url)
        guid = _text(item.get("id"), 1000)
        if refused:
            name = _text(item.get("title"), 80) or guid[:80] or f"item {number}"
            refusals.append(f"{name}: {refused} {'Stored without a link.' if guid else 'Item skipped.'}")
        if not (link or guid):
            skipped += 1
            continue
        content = item.get("content") or []
        entries.append(
            Entry(
                guid=guid,
                link=link,
                title=_text(item.get("title"), 4000),  # fitted to the column when stored
                summary_html=_text(item.get("summary"), 100_000),
                content_html=_text(content[0].get("value") if content else "", 1_000_000),
                author=_text(item.get("author"), 1000),
                published_at=_when(item),
                link_refused=refused,
            )
        )
    skipped += max(0, len(parsed.entries) - settings.INGEST_MAX_ENTRIES)
    channel = parsed.get("feed", {})
    warning = str(parsed.get("bozo_exception", "")) if parsed.bozo else ""
    site_url, refused = url_or_blank(str(channel.get("link") or "")[: max_url * 2], max_length=max_url)
    if refused:
        refusals.append(f"The feed's own link: {refused}")
    return ParsedFeed(
        title=_text(channel.get("title"), 4000),
        link=site_url,
        language=_text(channel.get("language"), 16),
        entries=entries,
        skipped=skipped,
        warning=warning,
        refusals=tuple(refusals),
    )
