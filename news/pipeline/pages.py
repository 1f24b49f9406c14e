"""Article pages: fetched under their host's politeness slot, and decoded.

(Fetching a batch's pages ahead in a background thread was tried and measured: with pages
on loopback the thread's own Python work, contending for the GIL with the extraction,
made a batch slower, not faster; bench/README.md.)
"""

import logging
from urllib.parse import urlsplit

from trafilatura.utils import decode_file

from .http import FetchError, fetch
from .politeness import defer_host, host_slot

logger = logging.getLogger(__name__)

PAGE_ACCEPT = "text/html,application/xhtml+xml"


def fetch_page(url: str, *, article_id: int | None = None) -> str:
    """The page's HTML, or "" when it could not be fetched (the feed's own content is used instead).

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
            return ""
    if result.charset:
        return result.body.decode(result.charset, errors="replace")
    return decode_file(result.body)  # the page's own <meta charset>, or detection
