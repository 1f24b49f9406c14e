"""Reads of the negotiation record, shaped for the admin, the API and the pages.

Statuses are derived, never stored twice: a proposal's from its latest event,
a sticking point's from its latest status change, each party's stance from its
latest position — each "as of" any date.

"As of" a date rebuilds the record exactly as it stood at the end of that day: a record
exists from its first dated fact (a proposal's first event; a sticking point's first status
change or position), so one that did not exist yet is absent, never shown with a default
status. Without a date, every record is shown as it stands now, undated ones included.
Statuses are never empty: a proposal whose events by then change no status is drafted, a
sticking point with positions but no status change yet is open.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from actors.models import Actor

from .models import (
    EVENT_STATUS,
    Meeting,
    Participant,
    Position,
    Proposal,
    ProposalEvent,
    Response,
    StickingPoint,
    StickingPointStatus,
    Term,
    Track,
)


class SimpleCase(Func):
    """`CASE subject WHEN value THEN result … ELSE default END`: the subject (a subquery) is written and
    evaluated once, where Django's searched CASE would repeat it in every WHEN."""

    output_field = CharField()

    def __init__(self, subject, mapping: dict[str, str], default: str):
        super().__init__(subject)
        self.mapping, self.default = mapping, default

    def as_sql(self, compiler, connection, **extra_context):
        subject_sql, params = compiler.compile(self.source_expressions[0])
        whens = " ".join("WHEN %s THEN %s" for _ in self.mapping)
        params = [*params, *(value for pair in self.mapping.items() for value in pair), self.default]
        return f"CASE {subject_sql} {whens} ELSE %s END", params


def _on_or_before(field: str, as_of: datetime.date | None) -> Q:
    return Q(**{f"{field}__lte": as_of}) if as_of is not None else Q()


def proposals_with_status(
    queryset: QuerySet[Proposal] | None = None, *, as_of: datetime.date | None = None
) -> QuerySet[Proposal]:
    """Proposals annotated with `latest_event`, `latest_event_on`, `status` and `violations` (as of a date:
    then only the proposals with an event on or before it)."""
    queryset = Proposal.objects.all() if queryset is None else queryset
    events = ProposalEvent.objects.filter(_on_or_before("occurred_on", as_of), proposal=OuterRef("pk"))
    if as_of is not None:
        queryset = queryset.filter(Exists(events))
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
    latest_kind = Subquery(latest.values("kind")[:1])
    return queryset.annotate(
        latest_event=latest_kind,
        latest_event_on=Subquery(latest.values("occurred_on")[:1]),
        is_superseded=Exists(superseded),
        violations=Coalesce(Subquery(violations, output_field=IntegerField()), 0),
    ).annotate(
        status=Case(
            When(is_superseded=True, then=Value(Proposal.Status.SUPERSEDED)),
            default=SimpleCase(
                latest_kind,
                {str(kind): str(status) for kind, status in EVENT_STATUS.items()},
                str(Proposal.Status.DRAFTED),
            ),
            output_field=CharField(),
        )
    )


def proposal_status_as_of(proposal: Proposal, as_of: datetime.date) -> str | None:
    """The proposal's status at the end of that day; None if it had no event yet (it did not exist)."""
    rows = proposals_with_status(Proposal.objects.filter(pk=proposal.pk), as_of=as_of)
    return rows.values_list("status", flat=True).first()


def sticking_points_with_state(
    queryset: QuerySet[StickingPoint] | None = None, *, as_of: datetime.date | None = None
) -> QuerySet[StickingPoint]:
    """Sticking points with `status`, `status_since` and `party_count` (actors with a position), as of a date:
    then only the points with a status change or a position on or before it.

    The status is the latest status change's; before the first one a point is open (since its first
    position)."""
    queryset = StickingPoint.objects.all() if queryset is None else queryset
    changes = StickingPointStatus.objects.filter(_on_or_before("changed_on", as_of), sticking_point=OuterRef("pk"))
    latest = changes.order_by("-changed_on", "-id")
    positions = Position.objects.filter(_on_or_before("stated_on", as_of), sticking_point=OuterRef("pk"))
    if as_of is not None:
        queryset = queryset.filter(Exists(changes) | Exists(positions))
    party_count = positions.order_by().values("sticking_point").annotate(n=Count("actor", distinct=True)).values("n")
    return queryset.annotate(
        status=Coalesce(
            Subquery(latest.values("status")[:1]), Value(str(StickingPoint.Status.OPEN)), output_field=CharField()
        ),
        status_since=Coalesce(
            Subquery(latest.values("changed_on")[:1]),
            Subquery(positions.order_by("stated_on", "id").values("stated_on")[:1]),
        ),
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


# Dashboards -------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    first: Actor
    second: Actor
    meetings: int
    first_met: datetime.datetime
    last_met: datetime.datetime


def meeting_pairs(
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    actor: Actor | None = None,
    track: Track | None = None,
) -> list[Pair]:
    """How often each pair of actors met (held or scheduled meetings, not cancelled or postponed), most first."""
    meetings = Meeting.objects.exclude(status__in=[Meeting.Status.CANCELLED, Meeting.Status.POSTPONED])
    if since is not None:
        meetings = meetings.filter(starts_at__gte=since)
    if until is not None:
        meetings = meetings.filter(starts_at__lte=until)
    if track is not None:
        meetings = meetings.filter(tracks=track)
    # One filter() call, so the actor condition applies to the same participant join as the pair.
    same_meeting = Q(meeting__in=meetings, meeting__participant_rows__actor_id__gt=F("actor_id"))
    if actor is not None:
        same_meeting &= Q(actor_id=actor.pk) | Q(meeting__participant_rows__actor_id=actor.pk)
    pairs = (
        Participant.objects.filter(same_meeting)
        .values(first_id=F("actor_id"), second_id=F("meeting__participant_rows__actor_id"))
        .annotate(
            meetings=Count("meeting", distinct=True),
            first_met=Min("meeting__starts_at"),
            last_met=Max("meeting__starts_at"),
        )
        .order_by("-meetings", "first_id", "second_id")
    )
    rows = list(pairs)
    actors = Actor.objects.in_bulk({row["first_id"] for row in rows} | {row["second_id"] for row in rows})
    return [
        Pair(actors[row["first_id"]], actors[row["second_id"]], row["meetings"], row["first_met"], row["last_met"])
        for row in rows
    ]


@dataclass(frozen=True)
class TermChange:
    key: str
    kind: str
    change: str  # "added", "removed", "changed" or "same"
    before: Term | None
    after: Term | None


def proposal_comparison(before: Proposal, after: Proposal) -> list[TermChange]:
    """Two versions of a proposal, term by term (matched on the term's stable key), in the later version's order."""
    old = {term.key: term for term in before.terms.order_by("position", "id")}
    new = {term.key: term for term in after.terms.order_by("position", "id")}
    rows = []
    for key in [*new, *(key for key in old if key not in new)]:
        a, b = old.get(key), new.get(key)
        if a is None:
            change = "added"
        elif b is None:
            change = "removed"
        elif (a.kind, a.text, a.quantity, a.unit, a.quantity_is_open) == (
            b.kind,
            b.text,
            b.quantity,
            b.unit,
            b.quantity_is_open,
        ):
            change = "same"
        else:
            change = "changed"
        rows.append(TermChange(key=key, kind=(b or a).kind, change=change, before=a, after=b))
    return rows


@dataclass(frozen=True)
class BoardRow:
    sticking_point: StickingPoint
    positions: list[Position]


def sticking_point_board(
    queryset: QuerySet[StickingPoint] | None = None, *, as_of: datetime.date | None = None
) -> list[BoardRow]:
    """Every sticking point's state and each party's latest position, as of a date, in two queries."""
    points = list(
        sticking_points_with_state(queryset, as_of=as_of).select_related("track").order_by("track_id", "title")
    )
    latest: dict[tuple[int, int], Position] = {}
    candidates = (
        Position.objects.filter(_on_or_before("stated_on", as_of), sticking_point__in=points)
        .select_related("actor")
        .order_by("sticking_point_id", "actor_id", "-stated_on", "-id")
    )
    for position in candidates:
        latest.setdefault((position.sticking_point_id, position.actor_id), position)
    by_point: dict[int, list[Position]] = {}
    for (point_id, _), position in latest.items():
        by_point.setdefault(point_id, []).append(position)
    return [BoardRow(point, sorted(by_point.get(point.pk, []), key=lambda p: p.actor.name)) for point in points]


@dataclass(frozen=True)
class TimelineEntry:
    on: datetime.date
    kind: str  # "meeting", "proposal_event", "response", "status_change" or "position"
    title: str
    record: object
    actors: tuple[Actor, ...]

    @property
    def actor_ids(self) -> tuple[int, ...]:
        return tuple(actor.pk for actor in self.actors)


def timeline(
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    track: Track | None = None,
    actor: Actor | None = None,
    limit: int = 500,
) -> list[TimelineEntry]:
    """Meetings, proposal events, responses, status changes and positions merged in date order, each with
    the actors it involves loaded (six queries: the meetings' participants prefetched, actors joined)."""

    def dated(queryset, field: str):
        if since is not None:
            queryset = queryset.filter(**{f"{field}__gte": since})
        if until is not None:
            queryset = queryset.filter(**{f"{field}__lte": until})
        return queryset

    participants = Participant.objects.select_related("actor").order_by("id")
    meetings = dated(Meeting.objects.all(), "starts_at__date").prefetch_related(
        Prefetch("participant_rows", queryset=participants)
    )
    events = dated(ProposalEvent.objects.select_related("proposal", "actor"), "occurred_on")
    responses = dated(Response.objects.select_related("proposal", "actor"), "responded_on")
    changes = dated(StickingPointStatus.objects.select_related("sticking_point"), "changed_on")
    positions = dated(Position.objects.select_related("sticking_point", "actor"), "stated_on")
    if track is not None:
        meetings = meetings.filter(tracks=track)
        events = events.filter(proposal__track=track)
        responses = responses.filter(proposal__track=track)
        changes = changes.filter(sticking_point__track=track)
        positions = positions.filter(sticking_point__track=track)
    if actor is not None:
        meetings = meetings.filter(participant_rows__actor=actor)
        events = events.filter(Q(actor=actor) | Q(proposal__proposer=actor))
        responses = responses.filter(actor=actor)
        changes = changes.filter(sticking_point__positions__actor=actor)
        positions = positions.filter(actor=actor)
    entries = [
        *(
            TimelineEntry(m.starts_at.date(), "meeting", m.title, m, tuple(r.actor for r in m.participant_rows.all()))
            for m in meetings.distinct().order_by("starts_at")[:limit]
        ),
        *(
            TimelineEntry(
                e.occurred_on,
                "proposal_event",
                f"{e.proposal}: {e.get_kind_display()}",
                e,
                (e.actor,) if e.actor_id else (),
            )
            for e in events.order_by("occurred_on", "id")[:limit]
        ),
        *(
            TimelineEntry(
                r.responded_on, "response", f"{r.actor} on {r.proposal}: {r.get_kind_display()}", r, (r.actor,)
            )
            for r in responses.order_by("responded_on", "id")[:limit]
        ),
        *(
            TimelineEntry(c.changed_on, "status_change", f"{c.sticking_point}: {c.get_status_display()}", c, ())
            for c in changes.distinct().order_by("changed_on", "id")[:limit]
        ),
        *(
            TimelineEntry(
                p.stated_on, "position", f"{p.actor} on {p.sticking_point}: {p.get_stance_display()}", p, (p.actor,)
            )
            for p in positions.order_by("stated_on", "id")[:limit]
        ),
    ]
    order = {"meeting": 0, "proposal_event": 1, "response": 2, "status_change": 3, "position": 4}
    entries.sort(key=lambda entry: (entry.on, order[entry.kind]))
    return entries[:limit]


def calendar_meetings(*, today: datetime.date, past_days: int) -> QuerySet[Meeting]:
    """The meetings a subscribed calendar shows: every meeting from `past_days` before today (UTC) on,
    whatever its status (a calendar learns of a cancellation from the feed), with participants, earliest
    first."""
    participants = Participant.objects.select_related("actor").order_by("id")
    return (
        Meeting.objects.filter(starts_at__date__gte=today - datetime.timedelta(days=past_days))
        .prefetch_related(Prefetch("participant_rows", queryset=participants))
        .order_by("starts_at", "id")
    )
