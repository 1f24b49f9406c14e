"""Main text and metadata from an article page (trafilatura, readability-lxml where trafilatura falls short),
sanitised HTML (nh3), and the language."""

import copy
import html as html_module
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import lxml.html
import nh3
import trafilatura
from lxml.html import HtmlElement
from readability import Document
from trafilatura import metadata
from trafilatura.settings import use_config

from tracker.safe_values import SAFE_SCHEMES, url_or_blank

from . import language
from .urls import same_site

logger = logging.getLogger(__name__)

# Hostile or runaway pages: trafilatura gives up on trees larger than this. Its own
# signal-based timeout is off (signals work only in a main thread); Celery's time
# limits bound a task instead.
TRAFILATURA_CONFIG = use_config()
TRAFILATURA_CONFIG.set("DEFAULT", "MAX_TREE_SIZE", "50000")
TRAFILATURA_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
ALLOWED_TAGS = {"p", "br", "a", "em", "strong", "b", "i", "blockquote", "ul", "ol", "li", "h2", "h3", "h4", "q"}


@dataclass(frozen=True)
class Extracted:
    text: str
    author: str
    canonical_url: str
    content_html: str
    language: str
    method: str  # "page" when the page's text was extracted, "feed" when the feed's own content was used
    extractor: str = ""  # which extractor gave the page's text: "trafilatura" or "readability"


def _safe_link(tag: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: a link is kept only as an absolute http(s) URL (tracker.safe_values); a
    relative or scheme-relative one, which a consumer would resolve against its own site, is dropped."""
    if attribute != "href":
        return value
    return url_or_blank(value)[0] or None


def sanitise(markup: str) -> str:
    """The only HTML we store: a small set of text tags, links (absolute http(s) only) without scripts or
    event handlers."""
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes=set(SAFE_SCHEMES),
        attribute_filter=_safe_link,
    )


def html_to_text(markup: str) -> str:
    """Plain text of a fragment (a feed's summary or content)."""
    stripped = nh3.clean(markup.replace("</p>", "</p>\n"), tags=set())
    return "\n".join(line.strip() for line in html_module.unescape(stripped).splitlines() if line.strip())


# The main text, in up to three steps (bench/ingest/extraction_quality.py shows each alone and together, on
# trafilatura's 195 annotated pages). trafilatura with favor_precision keeps the least boilerplate, but now and
# then drops real paragraphs (a lead set apart, paragraphs with many links) or most of an article (a body in a
# container it takes for comments). When its text holds less than SHORT_SHARE of the text in the page's <p>
# elements, a second, broad pass (no favor_precision, fast) gives back its paragraphs of KEPT_PARAGRAPH
# characters or more (boilerplate lines are short); if the text is still short, readability-lxml reads the page,
# and its text wins when it is at least FULLER times as long. Of the 195 pages, ~20 take the second step and
# fewer the third, so the cost stays near one trafilatura pass.
SHORT_SHARE = 0.5
FULLER = 2.0
KEPT_PARAGRAPH = 100
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "br", "section")


def paragraph_chars(tree: HtmlElement) -> int:
    """Characters of text in the page's <p> elements (whitespace collapsed): what an article page holds."""
    return sum(len(" ".join(paragraph.text_content().split())) for paragraph in tree.iter("p"))


def readability_text(page: bytes | str | HtmlElement, *, url: str) -> str:
    """The main text as readability-lxml finds it, one line a block. A parsed page is changed (cleaned)."""
    summary = Document(page, url=url).summary(html_partial=True)
    if not summary.strip():
        return ""
    tree = lxml.html.fromstring(summary)
    for element in tree.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    return "\n".join(" ".join(line.split()) for line in tree.text_content().splitlines() if line.strip())


def restore_paragraphs(precise: str, broad: str) -> str:
    """trafilatura's precise text with the long paragraphs (KEPT_PARAGRAPH characters or more) that only its
    broad pass found put back, in the broad pass's order: boilerplate lines are short, and favor_precision
    now and then drops an article's lead or a paragraph full of links."""
    kept = {" ".join(line.split()) for line in precise.splitlines() if line.strip()}
    if not kept:
        return broad
    merged = [line for line in broad.splitlines() if " ".join(line.split()) in kept or len(line) >= KEPT_PARAGRAPH]
    present = {" ".join(line.split()) for line in merged}
    merged += [line for line in precise.splitlines() if line.strip() and " ".join(line.split()) not in present]
    return "\n".join(line for line in merged if line.strip())


def _trafilatura_text(tree: HtmlElement, *, url: str, **options) -> str:
    document = trafilatura.bare_extraction(
        tree, url=url, with_metadata=False, include_comments=False, config=TRAFILATURA_CONFIG, **options
    )
    return (getattr(document, "text", None) or "").strip() if document else ""


def looks_short(text: str, page_chars: int) -> bool:
    return len(" ".join(text.split())) < SHORT_SHARE * page_chars


def choose_text(
    precise: str, *, page_chars: int, broad: Callable[[], str], second_opinion: Callable[[], str]
) -> tuple[str, str]:
    """The main text and the extractor that gave it. trafilatura's precise text, when it holds SHORT_SHARE or more
    of the page's paragraph text (`page_chars`); otherwise with the long paragraphs of its broad pass restored,
    and, if that is still short, the second opinion's text when it is at least FULLER times as long. The broad
    pass and the second opinion are asked only when needed."""
    if not looks_short(precise, page_chars):
        return precise, "trafilatura"
    text = restore_paragraphs(precise, broad())
    if looks_short(text, page_chars):
        fuller = second_opinion()
        if fuller and len(fuller) >= FULLER * len(text):
            return fuller, "readability"
    return text, "trafilatura" if text else ""


def main_text(tree: HtmlElement, *, url: str) -> tuple[str, str]:
    """The page's main text and the extractor that gave it (`choose_text`)."""

    def second_opinion() -> str:
        try:
            return readability_text(copy.deepcopy(tree), url=url)  # a copy: the metadata is read from the tree
        except Exception:  # readability gives up on some pages; trafilatura's text stands
            logger.info("readability failed", extra={"url": url}, exc_info=True)
            return ""

    return choose_text(
        _trafilatura_text(tree, url=url, favor_precision=True),
        page_chars=paragraph_chars(tree),
        broad=lambda: _trafilatura_text(tree, url=url, fast=True),
        second_opinion=second_opinion,
    )


def page_metadata(page: bytes | str | HtmlElement, *, url: str, want_author: bool = True) -> tuple[str, str]:
    """The page's author and its canonical URL, read as trafilatura reads them (meta tags, JSON-LD, bylines,
    rel=canonical), without the rest of its metadata (dates, site name, categories, tags, licence),
    which the pipeline does not use and which would double the cost of extracting a page. Without
    `want_author` (the feed named the author) the search for a byline, the dearest part, is skipped."""
    tree = trafilatura.load_html(page)
    if tree is None:
        return "", ""
    found = metadata.examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # a one-word "author" in a meta tag is usually the site
    try:
        found = metadata.extract_meta_json(tree, found)
    except Exception:  # trafilatura's JSON-LD reader can trip on hostile JSON; the rest still counts
        logger.warning("JSON-LD metadata unreadable", extra={"url": url}, exc_info=True)
    author = found.author or (metadata.extract_author(tree) if want_author else None) or ""
    canonical = found.url or metadata.extract_url(tree, url) or ""
    return author, canonical


def extract_article(
    page: bytes | str,
    *,
    url: str,
    feed_html: str = "",
    want_author: bool = True,
    declared_languages: Sequence[str] = (),
) -> Extracted:
    """Extract the page's main text; fall back to the feed's own content when extraction finds nothing.

    `want_author=False` when the author is known already (from the feed): no byline search.
    `declared_languages`: what else declares the language (the Content-Language header, the feed), after
    the page's own `<html lang>`; the text decides when it disagrees (pipeline.language)."""
    text, author, canonical, extractor, page_declares = "", "", "", "", ""
    if page:
        try:
            # Parsed once: trafilatura extracts from its own copy of the tree, the metadata is read from ours.
            tree = trafilatura.load_html(page)
            if tree is not None:
                page_declares = language.page_language(tree)
                text, extractor = main_text(tree, url=url)
            if text:  # a page without an article (a consent wall, a soft 404) says nothing about it either
                author, canonical = page_metadata(tree, url=url, want_author=want_author)
        except Exception:  # a hostile page must never stop the pipeline
            logger.warning("extraction failed", extra={"url": url}, exc_info=True)
    if canonical and not same_site(canonical, url):
        canonical = ""  # a page may not claim another site's URL as its own
    if text:
        paragraphs = "".join(f"<p>{html_module.escape(line)}</p>" for line in text.splitlines() if line.strip())
        method, content_html = "page", sanitise(paragraphs)
    else:
        text, method, content_html = html_to_text(feed_html), "feed", sanitise(feed_html)
    return Extracted(
        text=text,
        author=author.strip(),  # fitted to its column (with an ellipsis) when stored
        canonical_url=canonical,
        content_html=content_html,
        language=language.decide(text, [page_declares, *declared_languages]).language,
        method=method,
        extractor=extractor if method == "page" else "",
    )
