"""Article pages: fetched under their host's politeness slot, and decoded.

(Fetching a batch's pages ahead in a background thread was tried and measured: with pages
on loopback the thread's own Python work, contending for the GIL with the extraction,
made a batch slower, not faster; bench/README.md.)
"""

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from trafilatura.utils import decode_file

from .http import FetchError, fetch
from .language import header_language
from .politeness import defer_host, host_slot

logger = logging.getLogger(__name__)

PAGE_ACCEPT = "text/html,application/xhtml+xml"


@dataclass(frozen=True)
class FetchedPage:
    html: str  # "" when the page could not be fetched (the feed's own content is used instead)
    content_language: str = ""  # the language the Content-Language header names, if it names one


def fetch_page(url: str, *, article_id: int | None = None) -> FetchedPage:
    """The page's HTML, decoded, and the language its response header declares.

    Raises politeness.HostBusy when the host must not be asked now.
    """
    host = urlsplit(url).hostname or ""
    with host_slot(host):
        try:
            result = fetch(url, accept=PAGE_ACCEPT)
        except FetchError as error:
            if error.retry_after:
                defer_host(host, error.retry_after)
            logger.info(
                "page fetch failed, using the feed's content", extra={"article": article_id, "error": str(error)}
            )
            return FetchedPage("")
    # Without a charset in the header: the page's own <meta charset>, or detection.
    html = result.body.decode(result.charset, errors="replace") if result.charset else decode_file(result.body)
    return FetchedPage(html, header_language(result.headers.get("content-language")))
