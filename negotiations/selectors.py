"""Reads of the negotiation record, shaped for the admin, the API and the pages.

Statuses are derived, never stored twice: a proposal's from its latest event,
a sticking point's from its latest status change, each party's stance from its
latest position — each "as of" any date.
"""

import datetime

from django.db.models import Case, CharField, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from .models import EVENT_STATUS, Position, Proposal, ProposalEvent, StickingPoint, StickingPointStatus


def _on_or_before(field: str, as_of: datetime.date | None) -> Q:
    return Q(**{f"{field}__lte": as_of}) if as_of is not None else Q()


def proposals_with_status(
    queryset: QuerySet[Proposal] | None = None, *, as_of: datetime.date | None = None
) -> QuerySet[Proposal]:
    """Proposals annotated with `latest_event`, `latest_event_on`, `status` and `violations` (as of a date)."""
    queryset = Proposal.objects.all() if queryset is None else queryset
    events = ProposalEvent.objects.filter(_on_or_before("occurred_on", as_of), proposal=OuterRef("pk"))
    latest = events.filter(kind__in=list(EVENT_STATUS)).order_by("-occurred_on", "-id")
    violations = (
        events.filter(kind=ProposalEvent.Kind.VIOLATED)
        .order_by()
        .values("proposal")
        .annotate(n=Count("id"))
        .values("n")
    )
    superseded = Proposal.objects.filter(previous_version=OuterRef("pk"), relation=Proposal.Relation.SUPERSEDES).filter(
        Exists(ProposalEvent.objects.filter(_on_or_before("occurred_on", as_of), proposal=OuterRef("pk")))
    )
    return queryset.annotate(
        latest_event=Subquery(latest.values("kind")[:1]),
        latest_event_on=Subquery(latest.values("occurred_on")[:1]),
        is_superseded=Exists(superseded),
        violations=Coalesce(Subquery(violations, output_field=IntegerField()), 0),
    ).annotate(
        status=Case(
            When(is_superseded=True, then=Value(Proposal.Status.SUPERSEDED)),
            *[When(latest_event=kind, then=Value(status)) for kind, status in EVENT_STATUS.items()],
            default=Value(Proposal.Status.DRAFTED),
            output_field=CharField(),
        )
    )


def proposal_status_as_of(proposal: Proposal, as_of: datetime.date) -> str:
    return proposals_with_status(Proposal.objects.filter(pk=proposal.pk), as_of=as_of).values_list("status", flat=True)[
        0
    ]


def sticking_points_with_state(
    queryset: QuerySet[StickingPoint] | None = None, *, as_of: datetime.date | None = None
) -> QuerySet[StickingPoint]:
    """Sticking points with `status`, `status_since` and `party_count` (actors with a position), as of a date."""
    queryset = StickingPoint.objects.all() if queryset is None else queryset
    latest = StickingPointStatus.objects.filter(
        _on_or_before("changed_on", as_of), sticking_point=OuterRef("pk")
    ).order_by("-changed_on", "-id")
    positions = Position.objects.filter(_on_or_before("stated_on", as_of), sticking_point=OuterRef("pk"))
    party_count = positions.order_by().values("sticking_point").annotate(n=Count("actor", distinct=True)).values("n")
    return queryset.annotate(
        status=Subquery(latest.values("status")[:1]),
        status_since=Subquery(latest.values("changed_on")[:1]),
        party_count=Coalesce(Subquery(party_count, output_field=IntegerField()), 0),
    )


def positions_as_of(sticking_point: StickingPoint, as_of: datetime.date | None = None) -> list[Position]:
    """Each actor's latest position on the sticking point as it stood on `as_of` (today if None)."""
    candidates = (
        Position.objects.filter(_on_or_before("stated_on", as_of), sticking_point=sticking_point)
        .select_related("actor")
        .order_by("actor_id", "-stated_on", "-id")
    )
    latest: dict[int, Position] = {}
    for position in candidates:
        latest.setdefault(position.actor_id, position)
    return sorted(latest.values(), key=lambda p: p.actor.name)
