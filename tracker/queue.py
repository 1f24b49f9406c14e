"""Sending Celery tasks once the transaction commits, without ever failing the write that asked for them.

A task is sent after the commit, so a worker never looks for a row it cannot see yet. If the broker
cannot take the message then (Redis down, a network fault), the write has already happened: raising
would turn a committed change into an error page, or a 500 for an API client whose record was saved.
So a send that fails is logged, the caller's `on_failure` leaves the work where its own recovery finds
it (the processing sweep, the next beat tick), and the request that asked for it says so: the
`Deferred-Work` response header (tracker.middleware.DeferredWorkMiddleware) names the tasks not sent,
and an admin page shows a warning.
"""

import contextvars
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

logger = logging.getLogger(__name__)

# The names of the tasks a request could not send, collected for its response (None outside a request).
_deferred: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("deferred_work", default=None)


def send_on_commit(task, *args, countdown: float | None = None, on_failure: Callable[[], None] | None = None) -> None:
    """Send `task(*args)` once the current transaction commits (at once outside one), due in `countdown`
    seconds; if the broker refuses it, log it, call `on_failure` and record it for the response."""
    transaction.on_commit(TaskSend(task, args, countdown, on_failure))


@dataclass(frozen=True)
class TaskSend:
    """One send, run by the commit (tests read what a transaction queued from these fields)."""

    task: object
    args: tuple
    countdown: float | None = None
    on_failure: Callable[[], None] | None = None

    def __call__(self) -> None:
        try:
            self.task.apply_async(self.args, countdown=self.countdown)
        except Exception:  # any failure to send: the committed write stands, the work is recovered later
            logger.exception("task not sent; its work is left for recovery", extra={"task": self.task.name})
            deferred = _deferred.get()
            if deferred is not None:
                deferred.append(self.task.name)
            if self.on_failure is not None:
                self.on_failure()


def collect_deferred() -> contextvars.Token:
    """Start collecting the tasks that fail to send (for the current request)."""
    return _deferred.set([])


def deferred(token: contextvars.Token) -> list[str]:
    """The tasks that failed to send since `collect_deferred()`, and stop collecting."""
    names = _deferred.get() or []
    _deferred.reset(token)
    return names
