"""Reads for the record pages (an actor, a meeting, a proposal, a sticking point): each loads the record,
its sources, its change history and its related records in a fixed number of queries, whatever the number
of citations, history rows or meetings (tests/negotiations/test_record_pages.py pins each count).

Long lists (an actor's meetings, positions and proposals, the meetings that discussed a proposal) stop at
RELATED_LIMIT rows, newest first, and a sticking point shows each party's POSITIONS_PER_PARTY latest
positions; the API lists them all. The history (record_history.py) shows the latest
changes of the record and of the rows that belong to it (an actor's aliases, a proposal's terms…).
"""

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from django.db.models import Count, F, Model, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

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
from .record_history import HistoryEntry, HistorySource, history_of, history_source, shown
from .selectors import proposals_with_status, sticking_points_with_state

RELATED_LIMIT = 50
POSITIONS_PER_PARTY = 5
# Related records a history row names by their own name (joined in the history query); any other foreign
# key (an article, a content type) is shown by its id, so the query never loads an article's text.
NAMED_IN_HISTORY = (Actor, Track, Meeting, Proposal, StickingPoint, Term)


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


def _history(model: type[Model], subject, **options) -> HistorySource:
    return history_source(model, subject, named=NAMED_IN_HISTORY, **options)


def _citation_history(record: Model) -> HistorySource:
    return _history(
        Citation,
        lambda row: f"Source “{row.publisher or row.title or row.url or f'article #{row.article_id}'}”",
        content_type__app_label=record._meta.app_label,
        content_type__model=record._meta.model_name,
        object_id=record.pk,
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
class IdentifierRow:
    """An external identifier, with a link to the record it names where there is a safe one."""

    identifier: ExternalIdentifier
    link: str


IDENTIFIER_LINKS = {
    ExternalIdentifier.Scheme.WIKIDATA: "https://www.wikidata.org/wiki/{}",
    ExternalIdentifier.Scheme.VIAF: "https://viaf.org/viaf/{}",
    ExternalIdentifier.Scheme.ISNI: "https://isni.org/isni/{}",
    ExternalIdentifier.Scheme.WEBSITE: "{}",
}


def _identifier_row(identifier: ExternalIdentifier) -> IdentifierRow:
    pattern = IDENTIFIER_LINKS.get(identifier.scheme)
    value = identifier.value if identifier.scheme == ExternalIdentifier.Scheme.WEBSITE else quote(identifier.value)
    link, _ = url_or_blank(pattern.format(value)) if pattern else ("", "")
    return IdentifierRow(identifier, link)


@dataclass(frozen=True)
class ActorPage:
    actor: Actor
    aliases: list[Alias]
    identifiers: list[IdentifierRow]
    affiliations: list[Affiliation]
    track_roles: list[TrackActor]
    participations: list[Participant]
    more_meetings: bool
    positions: list[Position]
    more_positions: bool
    proposals: list[Proposal]
    more_proposals: bool
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
    proposals, more_proposals = _capped(actor.proposals.order_by("-id"))
    return ActorPage(
        actor=actor,
        aliases=list(actor.aliases.order_by("script", "language", "name")),
        identifiers=[_identifier_row(i) for i in actor.identifiers.order_by("scheme", "value")],
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
        proposals=proposals,
        more_proposals=more_proposals,
        sources=sources_of(actor),
        history=history_of(
            [
                _history(Actor, lambda row: "Actor", id=actor.pk),
                _history(Alias, lambda row: f"Alias “{row.name}”", actor_id=actor.pk),
                _history(ExternalIdentifier, lambda row: f"Identifier {row.get_scheme_display()}", actor_id=actor.pk),
                _history(Affiliation, lambda row: f"Role “{row.title}”", actor_id=actor.pk),
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
                _history(Meeting, lambda row: "Meeting", m2m=MEETING_M2M, formatters=meeting_times, id=meeting.pk),
                _history(Participant, lambda row: f"Participant {shown(row, 'actor')}", meeting_id=meeting.pk),
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
                _history(Proposal, lambda row: "Proposal", m2m=("channel",), id=proposal.pk),
                _history(ProposalEvent, lambda row: f"Event “{row.get_kind_display()}”", proposal_id=proposal.pk),
                _history(Term, lambda row: f"Term “{row.key}”", proposal_id=proposal.pk),
                _history(
                    Delivery,
                    lambda row: f"Delivery against {shown(row, 'term')}",
                    term_id__in=Term.history.filter(proposal_id=proposal.pk).values("id"),
                ),
                _history(Response, lambda row: f"Response by {shown(row, 'actor')}", proposal_id=proposal.pk),
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
    """One party's latest positions on a sticking point, latest first (the first is its stance now), and
    how many earlier ones the page leaves to the API."""

    actor: Actor
    positions: list[PositionRow]
    earlier: int = 0


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
    by_actor = {"partition_by": [F("actor_id")]}
    positions = list(
        point.positions.annotate(
            rank=Window(RowNumber(), order_by=[F("stated_on").desc(), F("id").desc()], **by_actor),
            of_actor=Window(Count("*"), **by_actor),
        )
        .filter(rank__lte=POSITIONS_PER_PARTY)
        .select_related("actor")
        .order_by("actor__name", "actor_id", "-stated_on", "-id")
    )
    position_sources = sources_by_record(Position, [p.pk for p in positions])
    parties: list[PartyPositions] = []
    for position in positions:
        if not parties or parties[-1].actor.pk != position.actor_id:
            earlier = max(position.of_actor - POSITIONS_PER_PARTY, 0)
            parties.append(PartyPositions(position.actor, [], earlier))
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
                _history(StickingPoint, lambda row: "Sticking point", id=point.pk),
                _history(
                    StickingPointStatus,
                    lambda row: f"Status change of {row.changed_on}",
                    sticking_point_id=point.pk,
                ),
                _history(Position, lambda row: f"Position of {shown(row, 'actor')}", sticking_point_id=point.pk),
                _citation_history(point),
            ]
        ),
    )
