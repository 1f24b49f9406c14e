"""A record's `updated_at` moves whenever a row shown inside its API representation changes.

A proposal's representation carries its terms, events, responses and citations; a meeting's, its
participants, tracks and the status of the proposals and sticking points on its table; and so on.
ETags, Last-Modified and `?updated_since=` are all read off `updated_at`, so when such a row is
added, changed or deleted — through the API, the admin, a service or the review — the records
that show it are touched (one UPDATE per model, no history row). Without it a poller would get a
304 for a proposal that has a new response, and a mirror would never learn of it.

Inside `touches_deferred()` (tracker/api/services.py: the API's write services run in one) the
touches are collected and made once, at its end, inside the transaction: a proposal written with ten
terms moves its version once, in one UPDATE, not ten times.

Not covered: a renamed actor or track shown by name inside other records (mirror `actors/` and
`tracks/` for names), and bulk writes (`bulk_create`, queryset `update`), which send no signals;
the ingestion's own bulk writes touch their article themselves, and so does `replace_rows` (the
API's nested rows) their record.
"""

from collections.abc import Callable, Iterable

from django.db.models import Model, Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from actors.models import Actor, Affiliation, Alias, ExternalIdentifier
from negotiations.models import (
    Citation,
    Delivery,
    Meeting,
    Participant,
    Phase,
    Position,
    Proposal,
    ProposalEvent,
    Response,
    StickingPoint,
    StickingPointStatus,
    Term,
    Track,
    TrackActor,
)

from .services import Target, touch


def _citation_record(row: Citation) -> Iterable[Target]:
    model = row.content_type.model_class()
    if model is not None and any(field.name == "updated_at" for field in model._meta.fields):
        yield model, Q(pk=row.object_id)


# For each kind of row, the records whose representation shows it: (model, condition) pairs.
SHOWN_IN: dict[type[Model], Callable[[Model], Iterable[Target]]] = {
    Alias: lambda row: [(Actor, Q(pk=row.actor_id))],
    ExternalIdentifier: lambda row: [(Actor, Q(pk=row.actor_id))],
    Affiliation: lambda row: [(Actor, Q(pk=row.actor_id))],
    TrackActor: lambda row: [(Track, Q(pk=row.track_id))],
    Phase: lambda row: [(Track, Q(pk=row.track_id))],
    Participant: lambda row: [(Meeting, Q(pk=row.meeting_id))],
    Term: lambda row: [(Proposal, Q(pk=row.proposal_id))],
    Delivery: lambda row: [(Proposal, Q(terms=row.term_id))],
    Response: lambda row: [(Proposal, Q(pk=row.proposal_id))],
    # Events and status changes also move the derived status that meetings show.
    ProposalEvent: lambda row: [(Proposal, Q(pk=row.proposal_id)), (Meeting, Q(proposals=row.proposal_id))],
    StickingPointStatus: lambda row: [
        (StickingPoint, Q(pk=row.sticking_point_id)),
        (Meeting, Q(sticking_points=row.sticking_point_id)),
    ],
    Position: lambda row: [(StickingPoint, Q(pk=row.sticking_point_id))],
    Citation: _citation_record,
}

# Many-to-many relations shown on the side that declares them.
M2M = [Meeting.tracks, Meeting.proposals, Meeting.sticking_points, Proposal.channel]


def _row_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata
        return
    touch(SHOWN_IN[sender](instance))


def _relation_changed(sender, instance, action: str, reverse: bool, model, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        touch([(type(instance), Q(pk=instance.pk))])
    elif pk_set:
        touch([(model, Q(pk__in=tuple(sorted(pk_set))))])


def connect() -> None:
    for model in SHOWN_IN:
        post_save.connect(_row_changed, sender=model, dispatch_uid=f"freshness-save-{model._meta.label}")
        post_delete.connect(_row_changed, sender=model, dispatch_uid=f"freshness-delete-{model._meta.label}")
    for relation in M2M:
        through = relation.through
        m2m_changed.connect(_relation_changed, sender=through, dispatch_uid=f"freshness-m2m-{through._meta.label}")
