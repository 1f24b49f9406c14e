"""Writes to the negotiation record. Admin actions, the API and the pages all call these."""

import datetime
import secrets

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from actors.models import Actor

from .models import CalendarFeed, Citation, Meeting, Proposal, ProposalEvent, StickingPoint, StickingPointStatus


@transaction.atomic
def sticking_point_set_status(
    *, sticking_point: StickingPoint, status: str, on: datetime.date | None = None, note: str = ""
) -> StickingPointStatus:
    """Record a dated status change (the history is kept; the latest change is the status)."""
    if status not in StickingPoint.Status.values:
        raise ValueError(f"Unknown sticking point status: {status!r}")
    change = StickingPointStatus(
        sticking_point=sticking_point, status=status, changed_on=on or timezone.localdate(), note=note
    )
    change.full_clean()
    change.save()
    return change


@transaction.atomic
def proposal_record_event(
    *, proposal: Proposal, kind: str, on: datetime.date | None = None, actor: Actor | None = None, note: str = ""
) -> ProposalEvent:
    """Append a dated event to a proposal's log; its status follows from the latest event."""
    event = ProposalEvent(proposal=proposal, kind=kind, occurred_on=on or timezone.localdate(), actor=actor, note=note)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def meeting_set_status(*, meeting: Meeting, status: str) -> Meeting:
    if status not in Meeting.Status.values:
        raise ValueError(f"Unknown meeting status: {status!r}")
    meeting.status = status
    meeting.save(update_fields=["status", "updated_at"])
    return meeting


@transaction.atomic
def citation_add(
    *,
    record: Model,
    url: str = "",
    article=None,
    publisher: str = "",
    title: str = "",
    published_on: datetime.date | None = None,
    quote: str = "",
) -> Citation:
    """Cite a source for any record: an ingested article or an external URL."""
    citation = Citation(
        record=record,
        url=url,
        article=article,
        publisher=publisher,
        title=title,
        published_on=published_on,
        quote=quote,
    )
    citation.full_clean()
    citation.save()
    return citation


@transaction.atomic
def calendar_feed_issue(*, user) -> CalendarFeed:
    """A new secret calendar address for the user; any earlier one stops working."""
    feed, _ = CalendarFeed.objects.select_for_update().get_or_create(user=user, defaults={"key": ""})
    feed.key = secrets.token_urlsafe(32)
    feed.save(update_fields=["key", "updated_at"])
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user) -> bool:
    """Revoke the user's calendar address; whether there was one."""
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    return deleted > 0
