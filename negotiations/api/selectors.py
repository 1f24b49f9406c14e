"""Reads of the negotiation record shaped for the API.

Each selector loads everything its resource's serializer shows: foreign keys joined, nested rows
prefetched once per page (never per row), derived statuses annotated by negotiations.selectors.
"""

from django.db.models import F, Prefetch, QuerySet

from actors.models import Actor
from negotiations.models import (
    Citation,
    Figure,
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
from negotiations.selectors import proposals_with_status, sticking_points_with_state


def _citations() -> Prefetch:
    return Prefetch("citations", queryset=Citation.objects.order_by("id"))


def proposals_with_state() -> QuerySet[Proposal]:
    """Proposals with their derived `status`, `status_since` (the latest event's date) and `violations`."""
    return proposals_with_status().annotate(status_since=F("latest_event_on"))


def tracks_for_api() -> QuerySet[Track]:
    return Track.objects.prefetch_related(
        Prefetch("track_actors", queryset=TrackActor.objects.select_related("actor").order_by("role", "actor__name")),
        Prefetch("phases", queryset=Phase.objects.order_by("sequence")),
        _citations(),
    )


def meetings_for_api() -> QuerySet[Meeting]:
    """Meetings as a dashboard card shows them: tracks, participants, the proposals and sticking points
    on the table (with their current status) and sources."""
    return Meeting.objects.select_related("country").prefetch_related(
        Prefetch("tracks", queryset=Track.objects.order_by("name")),
        Prefetch(
            "participant_rows",
            queryset=Participant.objects.select_related("actor", "representing").order_by("id"),
        ),
        Prefetch("proposals", queryset=proposals_with_state().order_by("title", "id")),
        Prefetch("sticking_points", queryset=sticking_points_with_state().order_by("title", "id")),
        _citations(),
    )


def proposals_for_api() -> QuerySet[Proposal]:
    """Proposals as a proposal table shows them: status, event log, terms (with deliveries), responses."""
    return (
        proposals_with_state()
        .select_related("track", "proposer", "previous_version")
        .prefetch_related(
            Prefetch("channel", queryset=Actor.objects.order_by("name")),
            Prefetch("events", queryset=ProposalEvent.objects.select_related("actor").order_by("occurred_on", "id")),
            Prefetch("terms", queryset=Term.objects.order_by("position", "id").prefetch_related("deliveries")),
            Prefetch(
                "responses",
                queryset=Response.objects.select_related("actor", "counter_proposal").order_by("responded_on", "id"),
            ),
            _citations(),
        )
    )


def proposal_events_for_api() -> QuerySet[ProposalEvent]:
    return ProposalEvent.objects.select_related("proposal", "actor")


def responses_for_api() -> QuerySet[Response]:
    return Response.objects.select_related("proposal", "actor", "counter_proposal").prefetch_related(_citations())


def sticking_points_for_api() -> QuerySet[StickingPoint]:
    """Sticking points as a board shows them: status, its history, and every dated position."""
    return (
        sticking_points_with_state()
        .select_related("track")
        .prefetch_related(
            Prefetch("status_changes", queryset=StickingPointStatus.objects.order_by("changed_on", "id")),
            Prefetch("positions", queryset=Position.objects.select_related("actor").order_by("stated_on", "id")),
            _citations(),
        )
    )


def status_changes_for_api() -> QuerySet[StickingPointStatus]:
    return StickingPointStatus.objects.select_related("sticking_point")


def positions_for_api() -> QuerySet[Position]:
    return Position.objects.select_related("sticking_point", "actor").prefetch_related(_citations())


def figures_for_api() -> QuerySet[Figure]:
    return Figure.objects.select_related("claimed_by", "track").prefetch_related(_citations())


def citations_for_api() -> QuerySet[Citation]:
    return Citation.objects.select_related("content_type")
