"""Reads for the record pages (an actor, a meeting, a proposal, a sticking point): each loads the record,
its sources, its change history and its related records in a fixed number of queries, whatever the number
of citations, history rows or meetings (tests/negotiations/test_record_pages.py pins each count).

Long lists (an actor's meetings and positions, the meetings that discussed a proposal) stop at
RELATED_LIMIT rows, newest first; the API lists them all. The history shows the HISTORY_LIMIT latest
changes of the record and of the rows that belong to it (an actor's aliases, a proposal's terms…).
"""

import datetime
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Model, Prefetch, QuerySet
from django.utils.text import capfirst

from actors.models import Actor, Affiliation, Alias, ExternalIdentifier
from tracker.safe_values import url_or_blank

from .models import (
    Citation,
    Delivery,
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
    TrackActor,
)
from .selectors import proposals_with_status, sticking_points_with_state

RELATED_LIMIT = 100
HISTORY_LIMIT = 200

# Related records a history row names by their own name (joined in the history query); any other foreign
# key (an article, a content type) is shown by its id, so the query never loads an article's text.
_NAMED_IN_HISTORY = (Actor, Track, Meeting, Proposal, StickingPoint, Term)


# Sources ----------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A citation as a page shows it: `link` is a safe http(s) URL or "" (then `withheld` may say why)."""

    citation: Citation
    link: str
    withheld: str
    publisher: str
    title: str
    published_on: datetime.date | None

    @property
    def quote(self) -> str:
        return self.citation.quote


def _source(citation: Citation) -> Source:
    article = citation.article
    stored = citation.url or (article.canonical_url or article.url if article is not None else "")
    link, withheld = url_or_blank(stored)
    published_on = citation.published_on
    if published_on is None and article is not None and article.published_at is not None:
        published_on = article.published_at.date()
    return Source(
        citation=citation,
        link=link,
        withheld=withheld if stored else "",
        publisher=citation.publisher or (article.publisher if article is not None else ""),
        title=citation.title or (article.title if article is not None else ""),
        published_on=published_on,
    )


def _citations(model: type[Model], object_ids) -> QuerySet[Citation]:
    # The content type is matched by its natural key in the same query (no ContentType cache to warm).
    return (
        Citation.objects.filter(
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
            object_id__in=object_ids,
        )
        .select_related("article")
        .only(
            *(f.name for f in Citation._meta.concrete_fields),
            "article__url",
            "article__canonical_url",
            "article__title",
            "article__publisher",
            "article__published_at",
        )
        .order_by(F("published_on").asc(nulls_last=True), "id")
    )


def sources_by_record(model: type[Model], object_ids) -> dict[int, list[Source]]:
    """The citations of several records of one model (one query), by record id."""
    by_record: dict[int, list[Source]] = {}
    for citation in _citations(model, object_ids):
        by_record.setdefault(citation.object_id, []).append(_source(citation))
    return by_record


def sources_of(record: Model) -> list[Source]:
    return sources_by_record(type(record), [record.pk]).get(record.pk, [])


# History ----------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime.datetime
    user: str
    action: str  # "Created", "Changed" or "Deleted"
    subject: str  # what changed: "Meeting", "Alias “Abu Mazen”"…
    changes: list[FieldChange]
    reason: str
    earlier_unknown: bool = False  # a change whose previous version falls outside the history shown


Formatter = Callable[[Model, str], str]


@dataclass(frozen=True)
class HistorySource:
    """The history rows of one model to show, how to name each row's record, and any field shown specially."""

    rows: QuerySet
    subject: Callable[[Model], str]
    formatters: dict[str, Formatter] = field(default_factory=dict)
    m2m: tuple[str, ...] = ()  # the many-to-many fields prefetched by _history_rows(m2m=…), diffed too


def _plain(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime.datetime):
        return f"{value:%Y-%m-%d %H:%M} UTC"
    return str(value)


def _shown(row: Model, name: str) -> str:
    model_field = row._meta.get_field(name)
    value = getattr(row, model_field.attname)
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        if model_field.is_cached(row):
            related = getattr(row, model_field.name)
            return str(related) if related is not None else f"#{value} (deleted)"
        return f"#{value}"
    if model_field.flatchoices:
        return str(dict(model_field.flatchoices).get(value, value))
    return _plain(value)


def _history_rows(model: type[Model], *, m2m: tuple[str, ...] = (), **lookups) -> QuerySet:
    """The latest history rows of `model` matching `lookups`, with their user and named records joined, and
    the many-to-many fields listed in `m2m` (tracked by simple-history's `m2m_fields`) prefetched, each
    related record joined, so that a diff reads them from memory."""
    historical = model.history.model
    named = [f.name for f in historical.tracked_fields if f.is_relation and f.related_model in _NAMED_IN_HISTORY]
    prefetches = [
        Prefetch(
            _m2m_accessor(model, name),
            queryset=getattr(historical, name)
            .model.objects.select_related(_m2m_target(model, name))
            .order_by("m2m_history_id"),
        )
        for name in m2m
    ]
    return (
        historical.objects.filter(**lookups)
        .select_related("history_user", *named)
        .prefetch_related(*prefetches)
        .order_by("-history_date", "-history_id")[:HISTORY_LIMIT]
    )


def _m2m_target(model: type[Model], name: str) -> str:
    return model._meta.get_field(name).m2m_reverse_field_name()


def _m2m_accessor(model: type[Model], name: str) -> str:
    """The reverse accessor from a history row to its rows of the many-to-many field `name`."""
    m2m_history_model = getattr(model.history.model, name).model
    relation = next(r for r in model.history.model._meta.related_objects if r.related_model is m2m_history_model)
    return relation.get_accessor_name()


def _m2m_shown(model: type[Model], row: Model, name: str) -> str:
    target = _m2m_target(model, name)
    names = sorted(
        str(getattr(link, target) or f"#{getattr(link, f'{target}_id')}")
        for link in getattr(row, _m2m_accessor(model, name)).all()
    )
    return ", ".join(names) or "—"


def _entries(source: HistorySource) -> list[HistoryEntry]:
    rows = list(source.rows)
    by_object: dict[int, list] = {}
    for row in rows:
        by_object.setdefault(row.id, []).append(row)
    entries = []
    for versions in by_object.values():
        versions.reverse()  # oldest first
        for index, row in enumerate(versions):
            user = row.history_user.get_username() if row.history_user is not None else "system"
            action = {"+": "Created", "~": "Changed", "-": "Deleted"}[row.history_type]
            previous = versions[index - 1] if index else None
            changes = []
            if previous is not None and row.history_type == "~":
                names = [f.name for f in row.tracked_fields if f.editable]
                for change in row.diff_against(previous, included_fields=names).changes:
                    format_value = source.formatters.get(change.field, _shown)
                    changes.append(
                        FieldChange(
                            label=capfirst(row._meta.get_field(change.field).verbose_name),
                            before=format_value(previous, change.field),
                            after=format_value(row, change.field),
                        )
                    )
                model = row.instance_type
                for name in source.m2m:
                    before, after = _m2m_shown(model, previous, name), _m2m_shown(model, row, name)
                    if before != after:
                        changes.append(FieldChange(capfirst(model._meta.get_field(name).verbose_name), before, after))
            entries.append(
                HistoryEntry(
                    at=row.history_date,
                    user=user,
                    action=action,
                    subject=source.subject(row),
                    changes=changes,
                    reason=row.history_change_reason or "",
                    earlier_unknown=previous is None and row.history_type == "~",
                )
            )
    return entries


def history_of(sources: list[HistorySource]) -> list[HistoryEntry]:
    """The change history of a record and its parts, newest first: who, when, and each field's before and
    after (simple-history's diff between consecutive versions of the same row)."""
    entries = [entry for source in sources for entry in _entries(source)]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:HISTORY_LIMIT]


def _citation_history(record: Model) -> HistorySource:
    return HistorySource(
        _history_rows(
            Citation,
            content_type__app_label=record._meta.app_label,
            content_type__model=record._meta.model_name,
            object_id=record.pk,
        ),
        lambda row: f"Source “{row.publisher or row.title or row.url or f'article #{row.article_id}'}”",
    )


def _meeting_time(row: Meeting, name: str) -> str:
    """A meeting's start or end as the page shows it: local time when it is known, else only the day."""
    moment = getattr(row, name)
    if moment is None:
        return "—"
    local = moment.astimezone(zoneinfo.ZoneInfo(row.time_zone))
    return f"{local:%Y-%m-%d %H:%M} ({row.time_zone})" if row.time_known else f"{local:%Y-%m-%d} (time not known)"


# Actor ------------------------------------------------------------------------


@dataclass(frozen=True)
class ActorPage:
    actor: Actor
    aliases: list[Alias]
    identifiers: list[ExternalIdentifier]
    affiliations: list[Affiliation]
    track_roles: list[TrackActor]
    participations: list[Participant]
    more_meetings: bool
    positions: list[Position]
    more_positions: bool
    proposals: list[Proposal]
    sources: list[Source]
    history: list[HistoryEntry]


def _capped(queryset: QuerySet) -> tuple[list, bool]:
    rows = list(queryset[: RELATED_LIMIT + 1])
    return rows[:RELATED_LIMIT], len(rows) > RELATED_LIMIT


def actor_page(*, slug: str) -> ActorPage | None:
    actor = Actor.objects.select_related("country").filter(slug=slug).first()
    if actor is None:
        return None
    participations, more_meetings = _capped(
        Participant.objects.filter(actor=actor)
        .select_related("meeting", "representing")
        .order_by("-meeting__starts_at", "-meeting_id")
    )
    positions, more_positions = _capped(
        Position.objects.filter(actor=actor).select_related("sticking_point").order_by("-stated_on", "-id")
    )
    return ActorPage(
        actor=actor,
        aliases=list(actor.aliases.order_by("script", "language", "name")),
        identifiers=list(actor.identifiers.order_by("scheme", "value")),
        affiliations=list(
            actor.affiliations.select_related("organisation").order_by(
                F("end_date").desc(nulls_first=True), F("start_date").desc(nulls_last=True), "id"
            )
        ),
        track_roles=list(actor.track_roles.select_related("track").order_by("track__name", "role")),
        participations=participations,
        more_meetings=more_meetings,
        positions=positions,
        more_positions=more_positions,
        proposals=list(actor.proposals.order_by("title", "id")),
        sources=sources_of(actor),
        history=history_of(
            [
                HistorySource(_history_rows(Actor, id=actor.pk), lambda row: "Actor"),
                HistorySource(_history_rows(Alias, actor_id=actor.pk), lambda row: f"Alias “{row.name}”"),
                HistorySource(
                    _history_rows(ExternalIdentifier, actor_id=actor.pk),
                    lambda row: f"Identifier {row.get_scheme_display()}",
                ),
                HistorySource(_history_rows(Affiliation, actor_id=actor.pk), lambda row: f"Role “{row.title}”"),
                _citation_history(actor),
            ]
        ),
    )


# Meeting ----------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingPage:
    meeting: Meeting
    participants: list[Participant]
    sources: list[Source]
    history: list[HistoryEntry]


MEETING_M2M = ("tracks", "proposals", "sticking_points")


def meeting_page(*, pk: int) -> MeetingPage | None:
    meeting = (
        Meeting.objects.select_related("country")
        .prefetch_related(
            Prefetch("tracks", queryset=Track.objects.order_by("name")),
            Prefetch("proposals", queryset=Proposal.objects.order_by("title", "id")),
            Prefetch("sticking_points", queryset=StickingPoint.objects.order_by("title", "id")),
        )
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        return None
    meeting_times = {"starts_at": _meeting_time, "ends_at": _meeting_time}
    return MeetingPage(
        meeting=meeting,
        participants=list(
            meeting.participant_rows.select_related("actor", "representing").order_by("role", "actor__name")
        ),
        sources=sources_of(meeting),
        history=history_of(
            [
                HistorySource(
                    _history_rows(Meeting, id=meeting.pk, m2m=MEETING_M2M),
                    lambda row: "Meeting",
                    meeting_times,
                    MEETING_M2M,
                ),
                HistorySource(
                    _history_rows(Participant, meeting_id=meeting.pk),
                    lambda row: f"Participant {_shown(row, 'actor')}",
                ),
                _citation_history(meeting),
            ]
        ),
    )


# Proposal ---------------------------------------------------------------------


@dataclass(frozen=True)
class TermRow:
    term: Term
    deliveries: list[Delivery]

    @property
    def delivered(self) -> Decimal | None:
        """The quantities delivered, added up (None when no delivery reports a quantity)."""
        quantities = [d.quantity for d in self.deliveries if d.quantity is not None]
        return sum(quantities, Decimal(0)) if quantities else None


@dataclass(frozen=True)
class ResponseRow:
    response: Response
    sources: list[Source]


@dataclass(frozen=True)
class ProposalPage:
    proposal: Proposal  # annotated with status, latest_event_on and violations
    channel: list[Actor]
    events: list[ProposalEvent]
    terms: list[TermRow]
    responses: list[ResponseRow]
    later_versions: list[Proposal]
    meetings: list[Meeting]
    more_meetings: bool
    sources: list[Source]
    history: list[HistoryEntry]

    @property
    def status_label(self) -> str:
        return Proposal.Status(self.proposal.status).label


def proposal_page(*, slug: str) -> ProposalPage | None:
    proposal = (
        proposals_with_status(Proposal.objects.filter(slug=slug))
        .select_related("track", "proposer", "previous_version")
        .first()
    )
    if proposal is None:
        return None
    terms = list(
        proposal.terms.prefetch_related(
            Prefetch("deliveries", queryset=Delivery.objects.order_by("delivered_on", "id"))
        ).order_by("position", "id")
    )
    responses = list(proposal.responses.select_related("actor", "counter_proposal").order_by("-responded_on", "-id"))
    response_sources = sources_by_record(Response, [r.pk for r in responses])
    meetings, more_meetings = _capped(proposal.meetings.order_by("-starts_at", "-id"))
    return ProposalPage(
        proposal=proposal,
        channel=list(proposal.channel.order_by("name")),
        events=list(proposal.events.select_related("actor").order_by("-occurred_on", "-id")),
        terms=[TermRow(term, list(term.deliveries.all())) for term in terms],
        responses=[ResponseRow(r, response_sources.get(r.pk, [])) for r in responses],
        later_versions=list(proposal.later_versions.order_by("title", "id")),
        meetings=meetings,
        more_meetings=more_meetings,
        sources=sources_of(proposal),
        history=history_of(
            [
                HistorySource(
                    _history_rows(Proposal, id=proposal.pk, m2m=("channel",)),
                    lambda row: "Proposal",
                    m2m=("channel",),
                ),
                HistorySource(
                    _history_rows(ProposalEvent, proposal_id=proposal.pk),
                    lambda row: f"Event “{row.get_kind_display()}”",
                ),
                HistorySource(_history_rows(Term, proposal_id=proposal.pk), lambda row: f"Term “{row.key}”"),
                HistorySource(
                    _history_rows(Delivery, term_id__in=Term.history.filter(proposal_id=proposal.pk).values("id")),
                    lambda row: f"Delivery against {_shown(row, 'term')}",
                ),
                HistorySource(
                    _history_rows(Response, proposal_id=proposal.pk),
                    lambda row: f"Response by {_shown(row, 'actor')}",
                ),
                _citation_history(proposal),
            ]
        ),
    )


# Sticking point ---------------------------------------------------------------


@dataclass(frozen=True)
class PositionRow:
    position: Position
    sources: list[Source]


@dataclass(frozen=True)
class PartyPositions:
    """One party's positions on a sticking point, latest first (the first is its stance now)."""

    actor: Actor
    positions: list[PositionRow]


@dataclass(frozen=True)
class StickingPointPage:
    sticking_point: StickingPoint  # annotated with status, status_since and party_count
    status_changes: list[StickingPointStatus]
    parties: list[PartyPositions]
    meetings: list[Meeting]
    more_meetings: bool
    sources: list[Source]
    history: list[HistoryEntry]

    @property
    def status_label(self) -> str:
        return StickingPoint.Status(self.sticking_point.status).label


def sticking_point_page(*, slug: str) -> StickingPointPage | None:
    point = sticking_points_with_state(StickingPoint.objects.filter(slug=slug)).select_related("track").first()
    if point is None:
        return None
    positions = list(point.positions.select_related("actor").order_by("actor__name", "actor_id", "-stated_on", "-id"))
    position_sources = sources_by_record(Position, [p.pk for p in positions])
    parties: list[PartyPositions] = []
    for position in positions:
        if not parties or parties[-1].actor.pk != position.actor_id:
            parties.append(PartyPositions(position.actor, []))
        parties[-1].positions.append(PositionRow(position, position_sources.get(position.pk, [])))
    meetings, more_meetings = _capped(point.meetings.order_by("-starts_at", "-id"))
    return StickingPointPage(
        sticking_point=point,
        status_changes=list(point.status_changes.order_by("-changed_on", "-id")),
        parties=parties,
        meetings=meetings,
        more_meetings=more_meetings,
        sources=sources_of(point),
        history=history_of(
            [
                HistorySource(_history_rows(StickingPoint, id=point.pk), lambda row: "Sticking point"),
                HistorySource(
                    _history_rows(StickingPointStatus, sticking_point_id=point.pk),
                    lambda row: f"Status change of {row.changed_on}",
                ),
                HistorySource(
                    _history_rows(Position, sticking_point_id=point.pk),
                    lambda row: f"Position of {_shown(row, 'actor')}",
                ),
                _citation_history(point),
            ]
        ),
    )
