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
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
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
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncMonth

from actors.models import Actor
from news.models import Article, Feed

from .models import (
    EVENT_STATUS,
    Citation,
    CitedModel,
    Delivery,
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


def _meetings_held_or_planned(
    *, since: datetime.datetime | None, until: datetime.datetime | None, track: Track | None
) -> QuerySet[Meeting]:
    """Meetings held or scheduled (not cancelled or postponed) in a span of time, of a track if given."""
    meetings = Meeting.objects.exclude(status__in=[Meeting.Status.CANCELLED, Meeting.Status.POSTPONED])
    if since is not None:
        meetings = meetings.filter(starts_at__gte=since)
    if until is not None:
        meetings = meetings.filter(starts_at__lte=until)
    if track is not None:
        meetings = meetings.filter(Exists(Meeting.tracks.through.objects.filter(meeting=OuterRef("pk"), track=track)))
    return meetings


def _pairs_met(
    *,
    since: datetime.datetime | None,
    until: datetime.datetime | None,
    actor: Actor | None,
    track: Track | None,
) -> QuerySet[Participant]:
    """Participant rows joined to each later-listed co-participant of the same meeting (held or scheduled,
    not cancelled or postponed): one row per pair per meeting, to be grouped by the caller."""
    meetings = _meetings_held_or_planned(since=since, until=until, track=track)
    # One filter() call, so the actor condition applies to the same participant join as the pair.
    same_meeting = Q(meeting__in=meetings, meeting__participant_rows__actor_id__gt=F("actor_id"))
    if actor is not None:
        same_meeting &= Q(actor_id=actor.pk) | Q(meeting__participant_rows__actor_id=actor.pk)
    return Participant.objects.filter(same_meeting)


def meeting_pairs(
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    actor: Actor | None = None,
    track: Track | None = None,
) -> list[Pair]:
    """How often each pair of actors met (held or scheduled meetings, not cancelled or postponed), most first."""
    pairs = (
        _pairs_met(since=since, until=until, actor=actor, track=track)
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
class PairMonths:
    first: Actor
    second: Actor
    by_month: dict[datetime.date, int]  # the first day of a month -> meetings that month

    @property
    def total(self) -> int:
        return sum(self.by_month.values())


def meeting_pairs_by_month(
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    track: Track | None = None,
    limit: int | None = None,
) -> tuple[list[PairMonths], int]:
    """How often each pair of actors met in each calendar month (UTC), the pairs that met most first (the
    first `limit` of them, if given), and how many pairs met in all (two queries: the counts, then the
    actors)."""
    rows = (
        _pairs_met(since=since, until=until, actor=None, track=track)
        # A date, not an aware datetime: no time zone conversion for each of the thousands of rows.
        .annotate(month=TruncMonth("meeting__starts_at", output_field=DateField()))
        .values_list("month", "actor_id", "meeting__participant_rows__actor_id")
        # An actor sits in a meeting once (negotiations_participant_once_per_meeting): each row of a pair is
        # a meeting of its own, and a plain count lets PostgreSQL hash the groups instead of sorting them.
        .annotate(meetings=Count("meeting"))
        .order_by()
    )
    months: dict[tuple[int, int], dict[datetime.date, int]] = {}
    for month, first, second, meetings in rows:
        month = month.date() if isinstance(month, datetime.datetime) else month
        months.setdefault((first, second), {})[month] = meetings
    actors = Actor.objects.only("name", "slug").in_bulk({actor for pair in months for actor in pair})
    ranked = sorted(months, key=lambda pair: (-sum(months[pair].values()), actors[pair[0]].name, actors[pair[1]].name))
    shown = ranked[:limit] if limit is not None else ranked
    pairs = [
        PairMonths(actors[first], actors[second], dict(sorted(months[first, second].items())))
        for first, second in shown
    ]
    return pairs, len(months)


@dataclass(frozen=True)
class TermChange:
    key: str
    kind: str
    change: str  # "added", "removed", "changed" or "same"
    before: Term | None
    after: Term | None


def proposal_comparison(before: Proposal, after: Proposal) -> list[TermChange]:
    """Two versions of a proposal, term by term (matched on the term's stable key), in the later version's order."""
    return compare_terms(before.terms.order_by("position", "id"), after.terms.order_by("position", "id"))


def compare_terms(before: Iterable[Term], after: Iterable[Term]) -> list[TermChange]:
    """Two versions' terms (each in its own order) matched on the term's key: the later version's terms in
    its order, then the terms it dropped."""
    old = {term.key: term for term in before}
    new = {term.key: term for term in after}
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
    carded: bool = True  # False: beyond `cards_per_status`, its positions were not read


def sticking_point_board(
    queryset: QuerySet[StickingPoint] | None = None,
    *,
    as_of: datetime.date | None = None,
    actors: Collection[int] | None = None,
    cards_per_status: int | None = None,
) -> list[BoardRow]:
    """Every sticking point's state and each party's latest position (of the `actors` only, if given), as
    of a date, in two queries. Only the latest positions are read: a later one by the same actor on the same
    point rules a position out (an anti-join on neg_position_latest_idx). With `cards_per_status`, only
    that many points of each status get their positions: those whose status changed last."""
    points = list(
        sticking_points_with_state(queryset, as_of=as_of).select_related("track").order_by("track_id", "title")
    )
    carded = {point.pk for point in points}
    if cards_per_status is not None:
        by_status: dict[str, list[StickingPoint]] = {}
        for point in sorted(points, key=lambda p: (p.status_since or datetime.date.min, p.pk), reverse=True):
            by_status.setdefault(point.status, []).append(point)
        carded = {point.pk for group in by_status.values() for point in group[:cards_per_status]}
    latest: dict[tuple[int, int], Position] = {}
    later = Position.objects.filter(
        _on_or_before("stated_on", as_of),
        Q(stated_on__gt=OuterRef("stated_on")) | Q(stated_on=OuterRef("stated_on"), id__gt=OuterRef("id")),
        sticking_point=OuterRef("sticking_point_id"),
        actor=OuterRef("actor_id"),
    )
    candidates = Position.objects.filter(_on_or_before("stated_on", as_of), sticking_point__in=carded)
    if actors is not None:
        candidates = candidates.filter(actor_id__in=actors)
    candidates = (
        candidates.filter(~Exists(later))
        .select_related("actor")
        .order_by("sticking_point_id", "actor_id", "-stated_on", "-id")
    )
    for position in candidates:
        latest.setdefault((position.sticking_point_id, position.actor_id), position)
    by_point: dict[int, list[Position]] = {}
    for (point_id, _), position in latest.items():
        by_point.setdefault(point_id, []).append(position)
    return [
        BoardRow(point, sorted(by_point.get(point.pk, []), key=lambda p: p.actor.name), point.pk in carded)
        for point in points
    ]


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


TIMELINE_KINDS = ("meeting", "proposal_event", "response", "status_change", "position")


def timeline(
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    track: Track | None = None,
    actor: Actor | None = None,
    kinds: Collection[str] = TIMELINE_KINDS,
    limit: int = 500,
    offset: int = 0,
    newest_first: bool = False,
) -> list[TimelineEntry]:
    """Meetings, proposal events, responses, status changes and positions (or only the `kinds` asked for)
    merged in date order, each with the actors it involves loaded (a query per kind, and one for the
    meetings' participants; actors joined). At most `limit` entries after the first `offset`: the earliest,
    or with `newest_first` the latest, newest first.

    Each kind is read in date order (ties by id) and cut at `offset + limit` rows, so that on PostgreSQL a
    track's latest meetings, proposal events, responses and positions are a walk down a date index
    (neg_meeting_start_idx, neg_event_day_idx, neg_response_day_idx, neg_position_day_idx), whatever the
    size of the record; the track and the actor are EXISTS conditions, never a join that needs a DISTINCT."""

    def dated(queryset, field: str):
        if since is not None:
            queryset = queryset.filter(**{f"{field}__gte": since})
        if until is not None:
            queryset = queryset.filter(**{f"{field}__lte": until})
        return queryset

    def ordered(queryset, *fields: str):
        return queryset.order_by(*(f"-{field}" for field in fields) if newest_first else fields)[: offset + limit]

    participants = Participant.objects.select_related("actor").order_by("id")
    meetings = Meeting.objects.prefetch_related(Prefetch("participant_rows", queryset=participants))
    # Whole UTC days as a range of start times, which the start index serves (a __date lookup is not).
    if since is not None:
        meetings = meetings.filter(starts_at__gte=_start_of(since))
    if until is not None:
        meetings = meetings.filter(starts_at__lt=_start_of(until + datetime.timedelta(days=1)))
    events = dated(ProposalEvent.objects.select_related("proposal", "actor"), "occurred_on")
    responses = dated(Response.objects.select_related("proposal", "actor"), "responded_on")
    changes = dated(StickingPointStatus.objects.select_related("sticking_point"), "changed_on")
    positions = dated(Position.objects.select_related("sticking_point", "actor"), "stated_on")
    if track is not None:
        meetings = meetings.filter(Exists(Meeting.tracks.through.objects.filter(meeting=OuterRef("pk"), track=track)))
        events = events.filter(proposal__track=track)
        responses = responses.filter(proposal__track=track)
        changes = changes.filter(sticking_point__track=track)
        positions = positions.filter(sticking_point__track=track)
    if actor is not None:
        meetings = meetings.filter(Exists(Participant.objects.filter(meeting=OuterRef("pk"), actor=actor)))
        events = events.filter(Q(actor=actor) | Q(proposal__proposer=actor))
        responses = responses.filter(actor=actor)
        changes = changes.filter(
            Exists(Position.objects.filter(sticking_point=OuterRef("sticking_point_id"), actor=actor))
        )
        positions = positions.filter(actor=actor)
    entries = []
    if "meeting" in kinds:
        entries += [
            TimelineEntry(m.starts_at.date(), "meeting", m.title, m, tuple(r.actor for r in m.participant_rows.all()))
            for m in ordered(meetings, "starts_at", "id")
        ]
    if "proposal_event" in kinds:
        entries += [
            TimelineEntry(
                e.occurred_on,
                "proposal_event",
                f"{e.proposal}: {e.get_kind_display()}",
                e,
                (e.actor,) if e.actor_id else (),
            )
            for e in ordered(events, "occurred_on", "id")
        ]
    if "response" in kinds:
        entries += [
            TimelineEntry(
                r.responded_on, "response", f"{r.actor} on {r.proposal}: {r.get_kind_display()}", r, (r.actor,)
            )
            for r in ordered(responses, "responded_on", "id")
        ]
    if "status_change" in kinds:
        entries += [
            TimelineEntry(c.changed_on, "status_change", f"{c.sticking_point}: {c.get_status_display()}", c, ())
            for c in ordered(changes, "changed_on", "id")
        ]
    if "position" in kinds:
        entries += [
            TimelineEntry(
                p.stated_on, "position", f"{p.actor} on {p.sticking_point}: {p.get_stance_display()}", p, (p.actor,)
            )
            for p in ordered(positions, "stated_on", "id")
        ]
    order = {kind: rank for rank, kind in enumerate(TIMELINE_KINDS)}
    entries.sort(key=lambda entry: (entry.on, order[entry.kind]), reverse=newest_first)
    return entries[offset : offset + limit]


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


# The dashboard pages -----------------------------------------------------------
#
# Each page reads a fixed number of queries whatever the size of the record: every list is loaded in one
# query (its related rows joined or prefetched once), counts and latest dates come as subqueries.

# Units whose deliveries add up (people freed, bodies returned); any other unit (trucks per day, km, %,
# days) is a level, so the latest delivery is what stands.
SUMMED_UNITS = frozenset({Term.Unit.PEOPLE, Term.Unit.BODIES})
# A track page stays readable (a few hundred KiB at most) however large the record: long lists stop at these
# lengths, newest first, and link to the API's CSV export (or, for the timeline, to older pages).
PAIRS_CHARTED = 5
PAIRS_LISTED = 50
PAIR_MEETINGS = 1000  # at most about this many of a track's latest meetings feed the chart
PAIR_MONTHS_WINDOW = 24
TIMELINE_LENGTH = 25
TIMELINE_PAGES = 40  # older than TIMELINE_PAGES * TIMELINE_LENGTH entries: the API's exports
CHANGES_LENGTH = 20
PROPOSALS_LISTED = 10
FIGURE_MEASURES = 10  # the measures claimed last
BOARD_CARDS = 6  # per status column, those whose status changed last; the rest are listed by title
FEEDS_LISTED = 20


def _sources_of(model: type[CitedModel], ids: list[int]) -> dict[int, list[Citation]]:
    """The citations of these records, by record id, with what a source link needs (never an article's
    text). One query: the content type is joined, not looked up (its cache would make the count vary)."""
    citations = (
        Citation.objects.filter(
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
            object_id__in=ids,
        )
        .select_related("article")
        .only(
            "content_type_id",
            "object_id",
            "url",
            "publisher",
            "title",
            "published_on",
            "quote",
            "article__id",
            "article__url",
            "article__title",
            "article__publisher",
        )
        .order_by("id")
    )
    found: dict[int, list[Citation]] = {}
    for citation in citations:
        found.setdefault(citation.object_id, []).append(citation)
    return found


@dataclass(frozen=True)
class PhaseRow:
    phase: Phase
    current: bool
    days_to_deadline: int | None
    days_to_end: int | None

    @property
    def ended_unrecorded(self) -> bool:
        """A phase now over whose end day the record does not have."""
        return self.phase.ends_on is None and self.phase.status in (Phase.Status.COMPLETED, Phase.Status.LAPSED)


def phases_on(phases: Iterable[Phase], day: datetime.date, *, as_of: datetime.date | None) -> list[PhaseRow]:
    """A track's phases (in sequence order) with the current one marked and the days from `day` to each
    deadline and end. Today the current phase is the last one in progress; as of a past date, the last one
    that had started by then and not yet ended (a phase's recorded status is today's)."""
    phases = list(phases)
    current = None
    if as_of is None:
        current = next((p for p in reversed(phases) if p.status == Phase.Status.ACTIVE), None)
    if current is None:
        current = next(
            (
                p
                for p in reversed(phases)
                if p.starts_on is not None and p.starts_on <= day and (p.ends_on is None or p.ends_on >= day)
            ),
            None,
        )
    return [
        PhaseRow(
            phase,
            phase is current,
            (phase.deadline - day).days if phase.deadline else None,
            (phase.ends_on - day).days if phase.ends_on else None,
        )
        for phase in phases
    ]


@dataclass(frozen=True)
class TrackOverview:
    track: Track
    parties: list[Actor]
    current_phase: Phase | None
    last_activity: datetime.date | None


def tracks_overview(*, today: datetime.date) -> list[TrackOverview]:
    """Every track with its parties, its current phase, its latest dated fact up to today and counts of its
    meetings, proposals and sticking points (three queries).

    Each latest date is the first row of a walk down a date index (meetings by start, proposal events,
    responses and positions by day) that stops at the track's first row: a few rows per track, where a
    maximum over the track's rows would read them all."""

    def count(rows) -> Coalesce:
        # COUNT(*) reads the track's index alone (an index-only scan), where COUNT(id) visits each row.
        return Coalesce(Subquery(rows.order_by().annotate(n=Count("*")).values("n")), 0)

    def latest(rows, field: str) -> Subquery:
        return Subquery(rows.filter(**{f"{field}__lte": today}).order_by(f"-{field}").values(field)[:1])

    tomorrow = _start_of(today + datetime.timedelta(days=1))
    meetings = Meeting.tracks.through.objects.filter(track=OuterRef("pk")).values("track")
    proposals = Proposal.objects.filter(track=OuterRef("pk")).values("track")
    points = StickingPoint.objects.filter(track=OuterRef("pk")).values("track")
    last_meeting = Meeting.objects.filter(tracks=OuterRef("pk"), starts_at__lt=tomorrow).order_by("-starts_at")
    tracks = (
        Track.objects.annotate(
            meeting_count=count(meetings),
            proposal_count=count(proposals),
            sticking_point_count=count(points),
            last_meeting=Subquery(last_meeting.values("starts_at")[:1]),
            last_event=latest(ProposalEvent.objects.filter(proposal__track=OuterRef("pk")), "occurred_on"),
            last_response=latest(Response.objects.filter(proposal__track=OuterRef("pk")), "responded_on"),
            last_change=latest(StickingPointStatus.objects.filter(sticking_point__track=OuterRef("pk")), "changed_on"),
            last_position=latest(Position.objects.filter(sticking_point__track=OuterRef("pk")), "stated_on"),
        )
        .prefetch_related(
            Prefetch(
                "track_actors",
                queryset=TrackActor.objects.filter(role=TrackActor.Role.PARTY)
                .select_related("actor")
                .order_by("actor__name"),
                to_attr="party_rows",
            ),
            Prefetch("phases", queryset=Phase.objects.order_by("sequence")),
        )
        .order_by("name", "id")
    )
    overview = []
    for track in tracks:
        last_meeting = track.last_meeting.astimezone(datetime.UTC).date() if track.last_meeting else None
        dates = [last_meeting, track.last_event, track.last_response, track.last_change, track.last_position]
        dates = [d if isinstance(d, datetime.date) else datetime.date.fromisoformat(d) for d in dates if d]
        current = next((row.phase for row in phases_on(track.phases.all(), today, as_of=None) if row.current), None)
        overview.append(
            TrackOverview(track, [row.actor for row in track.party_rows], current, max(dates) if dates else None)
        )
    return overview


@dataclass(frozen=True)
class Stance:
    position: Position
    sources: list[Citation]


@dataclass(frozen=True)
class BoardColumn:
    status: str
    label: str
    cards: list[tuple[StickingPoint, list[Stance]]]
    others: list[StickingPoint]  # the rest of the column's points, beyond BOARD_CARDS, listed by title

    @property
    def count(self) -> int:
        return len(self.cards) + len(self.others)


@dataclass(frozen=True)
class ProposalVersions:
    proposal: Proposal  # with its status as of the day
    previous: Proposal | None  # the earlier version, when it existed by then
    changes: list[TermChange]

    @property
    def status_label(self) -> str:
        return Proposal.Status(self.proposal.status).label


@dataclass(frozen=True)
class PlannedDelivered:
    term: Term
    proposal: Proposal
    delivered: Decimal | None
    summed: bool  # True: the deliveries add up; False: the latest one stands
    deliveries: list[Delivery]

    @property
    def percent(self) -> int | None:
        if self.delivered is None or not self.term.quantity:
            return None
        return round(self.delivered * 100 / self.term.quantity)


@dataclass(frozen=True)
class Claim:
    figure: Figure
    sources: list[Citation]


@dataclass(frozen=True)
class FigureClaims:
    metric: str
    label: str
    claims: list[Claim]

    @property
    def disputed(self) -> bool:
        """Claimants differ on the number (a repeated claim by one claimant is not a dispute)."""
        figures = [claim.figure for claim in self.claims]
        claimants = {(figure.claimed_by_id, figure.claimant_name) for figure in figures}
        return len({figure.amount for figure in figures}) > 1 and len(claimants) > 1


@dataclass(frozen=True)
class MeetingFrequency:
    months: list[datetime.date]
    pairs: list[PairMonths]  # the PAIRS_LISTED pairs that met most in the window, most meetings first
    charted: list[PairMonths]  # the first PAIRS_CHARTED of them
    pair_count: int  # every pair that met in the window
    since: datetime.date  # the first day of the window
    shortened: bool  # the window is shorter than PAIR_MONTHS_WINDOW: the track met more than PAIR_MEETINGS times

    def chart_data(self) -> dict:
        return {
            "labels": [month.strftime("%b %Y") for month in self.months],
            "datasets": [
                {
                    "label": f"{pair.first.name} – {pair.second.name}",
                    "data": [pair.by_month.get(m, 0) for m in self.months],
                }
                for pair in self.charted
            ],
        }

    def rows(self) -> list[tuple[datetime.date, list[int]]]:
        return [(month, [pair.by_month.get(month, 0) for pair in self.charted]) for month in self.months]


@dataclass(frozen=True)
class IngestionHealth:
    feed_count: int
    active_count: int
    failing_count: int
    last_poll_at: datetime.datetime | None
    pending: int
    waiting_processing: int
    feeds: list[Feed]  # the failing first, then the most recently polled


@dataclass(frozen=True)
class TrackDashboard:
    track: Track
    day: datetime.date  # the day the page stands on: the "as of" date, or today
    as_of: datetime.date | None
    since: datetime.date
    actors_by_role: dict[str, list[Actor]]
    phases: list[PhaseRow]
    changes: list[TimelineEntry]
    more_changes: bool  # the period holds more than the CHANGES_LENGTH entries shown
    timeline: list[TimelineEntry]
    timeline_page: int
    older_entries: bool  # a next (older) page of the timeline exists and may be asked for
    older_in_exports: bool  # older entries exist beyond the last page the form allows
    board: list[BoardColumn]
    board_parties_only: bool  # the stances are those of the track's parties only
    proposals: list[ProposalVersions]
    more_proposals: bool  # the track has more than the PROPOSALS_LISTED proposals shown
    planned_delivered: list[PlannedDelivered]
    figures: list[FigureClaims]
    more_figures: bool  # more measures were claimed than the FIGURE_MEASURES shown

    @property
    def current_phase(self) -> PhaseRow | None:
        return next((row for row in self.phases if row.current), None)

    @property
    def actors(self) -> list[Actor]:
        """The actors the timeline can be filtered on: the track's, and everyone with a stance on the board."""
        found = {actor.pk: actor for actors in self.actors_by_role.values() for actor in actors}
        for column in self.board:
            for _, stances in column.cards:
                for stance in stances:
                    found[stance.position.actor_id] = stance.position.actor
        return sorted(found.values(), key=lambda actor: actor.name)


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _end_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)


def _board(track: Track, as_of: datetime.date | None, actor_ids: list[int] | None) -> list[BoardColumn]:
    rows = sticking_point_board(
        StickingPoint.objects.filter(track=track), as_of=as_of, actors=actor_ids, cards_per_status=BOARD_CARDS
    )
    sources = _sources_of(Position, [position.pk for row in rows for position in row.positions])
    return [
        BoardColumn(
            str(status),
            label,
            [
                (row.sticking_point, [Stance(p, sources.get(p.pk, [])) for p in row.positions])
                for row in rows
                if row.sticking_point.status == status and row.carded
            ],
            [row.sticking_point for row in rows if row.sticking_point.status == status and not row.carded],
        )
        for status, label in StickingPoint.Status.choices
    ]


def _proposals(track: Track, day: datetime.date, as_of: datetime.date | None):
    """The PROPOSALS_LISTED proposals most recently acted on (latest status event first), whether there are
    more, their versions compared with the earlier version (when it existed by then) and planned versus
    delivered for their terms with a quantity."""
    if as_of is None:
        previous_existed = Value(True)
    else:
        previous_existed = Exists(
            ProposalEvent.objects.filter(proposal=OuterRef("previous_version_id"), occurred_on__lte=as_of)
        )
    latest_first = (F("latest_event_on").desc(nulls_last=True), "-id")
    # The latest proposals' ids first (a subquery), so that their statuses are worked out for them alone.
    recent = (
        proposals_with_status(Proposal.objects.filter(track=track), as_of=as_of)
        .order_by(*latest_first)
        .values("pk")[: PROPOSALS_LISTED + 1]
    )
    proposals = list(
        proposals_with_status(Proposal.objects.filter(pk__in=recent), as_of=as_of)
        .annotate(previous_existed=previous_existed)
        .select_related("proposer", "previous_version")
        .order_by(*latest_first)
    )
    more = len(proposals) > PROPOSALS_LISTED
    proposals = proposals[:PROPOSALS_LISTED]
    compared = {p.pk for p in proposals if p.previous_version_id and p.previous_existed}
    ids = {p.pk for p in proposals} | {p.previous_version_id for p in proposals if p.pk in compared}
    terms: dict[int, list[Term]] = {}
    deliveries = Delivery.objects.filter(delivered_on__lte=day).order_by("delivered_on", "id")
    for term in (
        Term.objects.filter(proposal_id__in=ids)
        .prefetch_related(Prefetch("deliveries", queryset=deliveries))
        .order_by("proposal_id", "position", "id")
    ):
        terms.setdefault(term.proposal_id, []).append(term)
    versions = [
        ProposalVersions(
            proposal,
            proposal.previous_version if proposal.pk in compared else None,
            compare_terms(terms.get(proposal.previous_version_id, []), terms.get(proposal.pk, []))
            if proposal.pk in compared
            else [],
        )
        for proposal in proposals
    ]
    planned = []
    for proposal in proposals:
        for term in terms.get(proposal.pk, []):
            if term.quantity is None:
                continue
            done = list(term.deliveries.all())
            amounts = [d.quantity for d in done if d.quantity is not None]
            summed = term.unit in SUMMED_UNITS
            delivered = (sum(amounts) if summed else amounts[-1]) if amounts else None
            planned.append(PlannedDelivered(term, proposal, delivered, summed, done))
    return versions, more, planned


def meeting_frequency(track: Track, day: datetime.date) -> MeetingFrequency:
    """Pairs by month over the PAIR_MONTHS_WINDOW months up to the day; a track with more than PAIR_MEETINGS
    meetings in them gets the whole months after the one of its PAIR_MEETINGS-th latest meeting (at least
    the day's month), so that the pairs counted stay bounded however busy the track (the cut-off is a walk
    down the start index)."""
    start = (day.replace(day=1) - datetime.timedelta(days=31 * (PAIR_MONTHS_WINDOW - 1))).replace(day=1)
    window = _meetings_held_or_planned(since=_start_of(start), until=_end_of(day), track=track)
    cutoff = list(window.order_by("-starts_at", "-id").values_list("starts_at", flat=True)[PAIR_MEETINGS - 1 :][:1])
    if cutoff:
        after = (cutoff[0].astimezone(datetime.UTC).date().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        start = min(after, day.replace(day=1))
    pairs, pair_count = meeting_pairs_by_month(
        since=_start_of(start), until=_end_of(day), track=track, limit=PAIRS_LISTED
    )
    met = sorted({month for pair in pairs for month in pair.by_month})
    months = []
    if met:
        month = met[0]
        while month <= met[-1]:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
    return MeetingFrequency(months, pairs, pairs[:PAIRS_CHARTED], pair_count, start, bool(cutoff))


def _figures(track: Track, day: datetime.date) -> tuple[list[FigureClaims], bool]:
    """Each claimant's latest claim on each of the FIGURE_MEASURES measures claimed last, up to the day, and
    whether more measures were claimed (earlier claims and other measures are in the API's export)."""
    latest_first = Window(
        RowNumber(),
        partition_by=[F("metric"), F("claimed_by_id"), F("claimant_name")],
        order_by=[F("as_of").desc(), F("id").desc()],
    )
    figures = list(
        Figure.objects.filter(track=track, as_of__lte=day)
        .annotate(rank=latest_first)
        .filter(rank=1)
        .select_related("claimed_by")
        .order_by("metric", "as_of", "id")
    )
    by_metric: dict[str, list[Figure]] = {}
    for figure in figures:
        by_metric.setdefault(figure.metric, []).append(figure)
    latest = sorted(by_metric, key=lambda metric: max(f.as_of for f in by_metric[metric]), reverse=True)
    shown = sorted(latest[:FIGURE_MEASURES])
    sources = _sources_of(Figure, [figure.pk for metric in shown for figure in by_metric[metric]])
    groups = [
        FigureClaims(metric, by_metric[metric][0].label, [Claim(f, sources.get(f.pk, [])) for f in by_metric[metric]])
        for metric in shown
    ]
    return groups, len(by_metric) > len(shown)


def _cut(entries: list[TimelineEntry], length: int) -> tuple[list[TimelineEntry], bool]:
    return entries[:length], len(entries) > length


def track_dashboard(
    track: Track,
    *,
    today: datetime.date,
    as_of: datetime.date | None = None,
    since: datetime.date | None = None,
    kind: str = "",
    actor: Actor | None = None,
    page: int = 1,
) -> TrackDashboard:
    """One track as it stood at the end of `as_of` (or today): its actors and phases, what changed since
    `since` (default: the seven days before; the latest CHANGES_LENGTH entries), a page of the timeline
    (TIMELINE_LENGTH entries, newest first; of one kind, or involving one actor, if asked), the
    sticking-point board with each party's stance and its sources, the latest
    proposals' versions term by term and planned versus delivered, and each claimant's latest figures. (How
    often pairs of actors met month by month is `meeting_frequency`, a part of the page loaded on its own.)
    `track` comes with its actors and phases prefetched (`track_for_dashboard`)."""
    day = as_of or today
    since = since or day - datetime.timedelta(days=7)
    by_role: dict[str, list[Actor]] = {}
    for row in track.track_actors.all():
        by_role.setdefault(row.role, []).append(row.actor)
    # The board shows the parties' stances; a track that names no party shows everyone's.
    party_ids = [row.actor_id for row in track.track_actors.all() if row.role == TrackActor.Role.PARTY] or None
    versions, more_proposals, planned = _proposals(track, day, as_of)
    figures, more_figures = _figures(track, day)
    latest = timeline(
        until=day,
        track=track,
        actor=actor,
        kinds=[kind] if kind else TIMELINE_KINDS,
        limit=TIMELINE_LENGTH + 1,
        offset=(page - 1) * TIMELINE_LENGTH,
        newest_first=True,
    )
    if page == 1 and not kind and actor is None and CHANGES_LENGTH <= TIMELINE_LENGTH:
        # The unfiltered timeline's first page holds the latest entries up to the day: what changed since
        # is its head (any change it lacks is older than its oldest entry), read without queries of its own.
        recent = [entry for entry in latest if entry.on >= since]
    else:
        recent = timeline(since=since, until=day, track=track, limit=CHANGES_LENGTH + 1, newest_first=True)
    changes, more_changes = _cut(recent, CHANGES_LENGTH)
    entries, more_entries = _cut(latest, TIMELINE_LENGTH)
    return TrackDashboard(
        track=track,
        day=day,
        as_of=as_of,
        since=since,
        actors_by_role=by_role,
        phases=phases_on(track.phases.all(), day, as_of=as_of),
        changes=changes,
        more_changes=more_changes,
        timeline=entries,
        timeline_page=page,
        older_entries=more_entries and page < TIMELINE_PAGES,
        older_in_exports=more_entries and page >= TIMELINE_PAGES,
        board=_board(track, as_of, party_ids),
        board_parties_only=party_ids is not None,
        proposals=versions,
        more_proposals=more_proposals,
        planned_delivered=planned,
        figures=figures,
        more_figures=more_figures,
    )


def track_for_dashboard() -> QuerySet[Track]:
    """Tracks with their actors (by role, then name) and phases (in sequence)."""
    return Track.objects.prefetch_related(
        Prefetch("track_actors", queryset=TrackActor.objects.select_related("actor").order_by("role", "actor__name")),
        Prefetch("phases", queryset=Phase.objects.order_by("sequence")),
    )


def ingestion_health() -> IngestionHealth:
    """The news intake at a glance: feeds (how many, active, failing, the latest poll), the review queue's
    length and the articles waiting to be processed (four queries; the two counts read partial indexes)."""
    totals = Feed.objects.aggregate(
        feeds_total=Count("id"),
        feeds_active=Count("id", filter=Q(active=True)),
        feeds_failing=Count("id", filter=Q(active=True, consecutive_errors__gt=0)),
        latest_poll=Max("last_polled_at"),
    )
    feeds = list(
        Feed.objects.only(
            "url",
            "title",
            "active",
            "last_polled_at",
            "last_status",
            "last_error",
            "consecutive_errors",
            "last_success_at",
        ).order_by("-consecutive_errors", F("last_polled_at").desc(nulls_last=True), "id")[:FEEDS_LISTED]
    )
    return IngestionHealth(
        feed_count=totals["feeds_total"],
        active_count=totals["feeds_active"],
        failing_count=totals["feeds_failing"],
        last_poll_at=totals["latest_poll"],
        pending=Article.objects.filter(review_state=Article.ReviewState.PENDING).count(),
        waiting_processing=Article.objects.filter(processing_state=Article.ProcessingState.NEW).count(),
        feeds=feeds,
    )
