"""Article pages: fetched under their host's politeness slot, decoded, and fetched ahead of the processing.

A batch fetches its pages in order in one background thread, a few pages ahead of the
article being processed, so the network wait of the next page overlaps the extraction of
this one. The thread runs one fetch at a time, each under `host_slot`, so the politeness
rules (one request at a time per host, the minimum gap, Retry-After) hold as before: a busy
host raises HostBusy from `Pages.get`, as a fetch in the calling thread would.
"""

import logging
import os
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from urllib.parse import urlsplit

from trafilatura.utils import decode_file

from .http import FetchError, fetch
from .politeness import defer_host, host_slot

logger = logging.getLogger(__name__)

PAGE_ACCEPT = "text/html,application/xhtml+xml"
AHEAD = 2  # pages in flight or ready beyond the one being processed


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


_executor: ThreadPoolExecutor | None = None
_executor_pid = 0
_executor_lock = threading.Lock()


def _fetcher() -> ThreadPoolExecutor:
    """This process's fetch thread (one, kept for the life of the process; a forked child makes its own)."""
    global _executor, _executor_pid
    with _executor_lock:
        if _executor is None or _executor_pid != os.getpid():
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="page-fetch")
            _executor_pid = os.getpid()
        return _executor


class Pages:
    """The pages of a batch, fetched in the order given, at most AHEAD ahead of the one asked for.

    Use as a context manager: leaving it cancels the fetches not started yet (a fetch under way
    ends within the fetcher's own time limits, and its page is dropped).
    """

    def __init__(self, wanted: list[tuple[int, str]], *, ahead: int = AHEAD) -> None:
        self._waiting = deque(wanted)
        self._started: dict[int, Future] = {}
        self._ahead = max(1, ahead)
        self._fill()

    def _fill(self) -> None:
        while self._waiting and len(self._started) < self._ahead:
            key, url = self._waiting.popleft()
            self._started[key] = _fetcher().submit(fetch_page, url, article_id=key)

    def get(self, key: int) -> str:
        """The page of `key` (waiting for it), or "" when it could not be fetched; HostBusy as fetch_page."""
        while key not in self._started and self._waiting:  # asked out of order: start everything up to it
            waiting_key, url = self._waiting.popleft()
            self._started[waiting_key] = _fetcher().submit(fetch_page, url, article_id=waiting_key)
        future = self._started.pop(key)
        self._fill()  # the next page is fetched while this one is processed
        return future.result()

    def close(self) -> None:
        self._waiting.clear()
        for future in self._started.values():
            future.cancel()
        self._started.clear()

    def __enter__(self) -> "Pages":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
