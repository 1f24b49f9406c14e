"""Scored suggestions linking an article to the records it may support, and the article's relevance.

A score is meant to read as the chance that the article really supports the record: review pre-selects
suggestions at or above settings.SUGGESTION_PRESELECT_THRESHOLD, a value chosen on a labelled set of
articles (review/quality.py, `manage.py suggestion_quality`) so that at least 90% of pre-selected
suggestions are right. What a score rests on:

- Actors: a meeting's participants the article names; a proposal's proposer and respondents; a sticking
  point's position holders; and track relevance, the named actors that belong to the record's track,
  each weighted by how few tracks it is on (Hamas says more about the Gaza track than the United States,
  which is on every track).
- Terms: the negotiation subjects (review/lexicon.py, English and Arabic) the article shares with the
  record. A sticking point is suggested only when the article speaks of its key terms (those of its
  title and category); a proposal gains from the figures of its terms ("60", "ten") in the article.
- Dates: a meeting scores by the days between it and the article (or a day the article names); a
  proposal by the days to its nearest dated event, and never when its first event comes after the
  article was published; a sticking point fades outside the span of its dated positions and status
  changes, and is not suggested when its first entry is well after the article.

Each suggestion's reasons say this in plain words an editor can check. At most MAX_SUGGESTIONS are
kept per article, the best first.

The cost per article is bounded: every lookup starts from the actors the article mentions (indexed) and
is capped, whatever the size of the record. The batch's actor ids go into the queries with `any_of`
(tracker/lookups.py): one array parameter, not a prepared value each. Processing calls it for each
batch through `review.services.suggestions_for_batch` (a hook named in settings.INGEST_BATCH_HOOKS:
news does not know review).
"""

import datetime
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from negotiations.models import (
    Meeting,
    Participant,
    Position,
    Proposal,
    ProposalEvent,
    Response,
    StickingPoint,
    StickingPointStatus,
    Term,
    TrackActor,
)
from news.models import Article

from . import lexicon
from .models import Suggestion

WINDOW = datetime.timedelta(days=10)  # meetings further from the article are not candidates
MAX_CANDIDATES = 50
MAX_SUGGESTIONS = 8  # kept per article, best first: the rest would only bury the right ones
MIN_SCORE = 0.15
MEETING_DAYS = 2.0  # a meeting's score falls by e for each MEETING_DAYS between it and the article
PROPOSAL_DAYS = 30.0  # the same for a proposal's nearest dated event
POINT_DAYS = 30.0  # the same for a sticking point, outside its dated span
POINT_EARLY = 14  # a sticking point first recorded up to this many days after the article may still be its subject
POINT_LATE = 30  # … and it stays current this many days after its last entry


@dataclass(frozen=True)
class _Reading:
    """What scoring reads in an article once: its day, the days it names, its terms and numbers."""

    title: str
    text: str
    day: datetime.date
    days: frozenset[datetime.date]
    concepts: dict[str, lexicon.Hit]
    headline: frozenset[str]  # the concepts of the title
    numbers: frozenset[int]

    @classmethod
    def of(cls, article: Article) -> "_Reading":
        text = f"{article.title}\n\n{article.text}"
        day = _moment(article).date()
        named = {named for named in lexicon.days_named(text, day) if abs((named - day).days) <= 45}
        return cls(
            article.title,
            article.text,
            day,
            frozenset(named),
            lexicon.concepts_in(text),
            frozenset(lexicon.concepts_in(article.title)),
            frozenset(lexicon.numbers_in(text)),
        )


def score_articles(items: list[tuple[Article, set[int]]]) -> list[tuple[list[Suggestion], float]]:
    """Each article's suggestions (unsaved, best first) and relevance, given the actors it mentions; the
    candidate records of the whole batch come from one set of queries.

    The pools hold the candidates of the whole batch (the union of its actors, the span of its
    dates), capped at MAX_CANDIDATES per article; each article takes its first MAX_CANDIDATES
    from them, in the order a query of its own would give. When a pool was cut at its cap and an
    article found fewer than MAX_CANDIDATES in it, that article runs its own query, so the
    result is the same as one article at a time.
    """
    involved = [(article, actor_ids) for article, actor_ids in items if actor_ids]
    pools = _Pools(involved) if involved else None
    results = []
    for article, actor_ids in items:
        scored: list[tuple[object, float, list[str]]] = []
        if actor_ids:
            reading = _Reading.of(article)
            proposals, points = pools.proposals_for(actor_ids), pools.points_for(actor_ids)
            tracks = {record.track_id for record in [*proposals, *points]}
            best_fit = max((pools.track_fit(track, actor_ids)[0] for track in tracks), default=0.0)
            scored += _meetings(reading, actor_ids, pools.meetings_for(article, actor_ids), pools)
            scored += _proposals(reading, actor_ids, proposals, pools, best_fit)
            scored += _sticking_points(reading, actor_ids, points, pools, best_fit)
        results.append(_suggestions(article, actor_ids, scored))
    return results


def _suggestions(article: Article, actor_ids: set[int], scored) -> tuple[list[Suggestion], float]:
    scored = sorted(
        (item for item in scored if item[1] >= MIN_SCORE),
        key=lambda item: (-item[1], type(item[0]).__name__, item[0].pk),
    )[:MAX_SUGGESTIONS]
    best = max((score for _, score, _ in scored), default=0.0)
    relevance = 0.0 if not actor_ids else round(min(1.0, 0.15 * len(actor_ids)) * 0.5 + best * 0.5, 4)
    suggestions = [
        Suggestion(
            article_id=article.pk,
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            score=round(score, 4),
            reasons=reasons,
        )
        for record, score, reasons in scored
    ]
    return suggestions, relevance


def replace_suggestions(article_ids: list[int], suggestions: list[Suggestion]) -> None:
    """Swap the stored suggestions of these articles for `suggestions` (two queries for any number)."""
    Suggestion.objects.filter(article_id__in=article_ids).delete()
    Suggestion.objects.bulk_create(suggestions)


def _moment(article: Article) -> datetime.datetime:
    return article.published_at or article.created_at


# --- Queries --------------------------------------------------------------------------------------


def _meeting_query(actor_ids: set[int], start: datetime.datetime, end: datetime.datetime, limit: int):
    return (
        Meeting.objects.filter(starts_at__gte=start, starts_at__lte=end, participant_rows__actor_id__any_of=actor_ids)
        .only("id", "starts_at", "time_zone", "title", "location")  # what scoring reads
        .distinct()
        .prefetch_related(
            Prefetch(
                "participant_rows",
                queryset=Participant.objects.select_related("actor").only("meeting_id", "actor_id", "actor__name"),
            )
        )
        .order_by("starts_at", "id")[:limit]
    )


def _first(model, column: str, field: str, order: str):
    """A correlated subquery: the earliest (order "") or latest ("-") `field` of a record's rows."""
    return Subquery(model.objects.filter(**{column: OuterRef("pk")}).order_by(f"{order}{field}").values(field)[:1])


def _proposal_query(actor_ids: set[int], limit: int):
    return (
        Proposal.objects.filter(
            Q(proposer_id__any_of=actor_ids)
            | Q(responses__actor_id__any_of=actor_ids)
            | Q(track__track_actors__actor_id__any_of=actor_ids)
        )
        .only("id", "title", "summary", "proposer_id", "track_id")
        .annotate(
            first_on=_first(ProposalEvent, "proposal", "occurred_on", ""),
            last_on=_first(ProposalEvent, "proposal", "occurred_on", "-"),
        )
        .distinct()
        .prefetch_related(Prefetch("terms", queryset=Term.objects.only("id", "proposal_id", "text", "quantity")))
        .order_by("-id")[:limit]
    )


def _point_query(actor_ids: set[int], limit: int):
    return (
        StickingPoint.objects.filter(
            Q(positions__actor_id__any_of=actor_ids) | Q(track__track_actors__actor_id__any_of=actor_ids)
        )
        .only("id", "title", "description", "category", "track_id")
        .annotate(
            status_first=_first(StickingPointStatus, "sticking_point", "changed_on", ""),
            status_last=_first(StickingPointStatus, "sticking_point", "changed_on", "-"),
            position_first=_first(Position, "sticking_point", "stated_on", ""),
            position_last=_first(Position, "sticking_point", "stated_on", "-"),
        )
        .distinct()
        .order_by("-id")[:limit]
    )


class _Pools:
    """The batch's candidate meetings, proposals and sticking points, and which of its actors each involves."""

    def __init__(self, items: list[tuple[Article, set[int]]]) -> None:
        actors = set().union(*(actor_ids for _, actor_ids in items))
        moments = [_moment(article) for article, _ in items]
        self.cap = MAX_CANDIDATES * len(items)
        self._concepts: dict[tuple[type, int], dict[str, set[str]]] = {}
        self.meetings = list(_meeting_query(actors, min(moments) - WINDOW, max(moments) + WINDOW, self.cap))
        self.proposals = list(_proposal_query(actors, self.cap))
        self.points = list(_point_query(actors, self.cap))
        self.actors = actors
        self.names: dict[int, str] = {}
        self.track_actors: dict[int, set[int]] = {}
        self.track_count: dict[int, int] = {}
        self.responders: dict[int, set[int]] = {}
        self.holders: dict[int, set[int]] = {}
        self.proposal_actors: dict[int, set[int]] = {}
        self.point_actors: dict[int, set[int]] = {}
        self._relate(self.proposals, self.points)
        for meeting in self.meetings:
            for row in meeting.participant_rows.all():
                self.names[row.actor_id] = row.actor.name

    def _relate(self, proposals: list[Proposal], points: list[StickingPoint]) -> None:
        """Which of the batch's actors each proposal and sticking point involves (three queries): those on
        its track, with how many tracks each is on (all tracks, not only these: a weight that does not
        depend on the batch), its respondents and its position holders."""
        spread = (
            TrackActor.objects.filter(actor_id=OuterRef("actor_id"))
            .order_by()
            .values("actor_id")
            .annotate(tracks=Count("track_id", distinct=True))
            .values("tracks")
        )
        tracks = {record.track_id for record in [*proposals, *points]} - self.track_actors.keys()
        for track_id in tracks:
            self.track_actors[track_id] = set()
        for track_id, actor_id, name, count in (
            TrackActor.objects.filter(track_id__any_of=tracks, actor_id__any_of=self.actors)
            .annotate(tracks=Coalesce(Subquery(spread), 1))
            .values_list("track_id", "actor_id", "actor__name", "tracks")
        ):
            self.track_actors[track_id].add(actor_id)
            self.track_count[actor_id] = count
            self.names[actor_id] = name
        self._pairs(
            self.responders,
            [proposal.pk for proposal in proposals],
            Response.objects.filter(
                proposal_id__any_of=[proposal.pk for proposal in proposals], actor_id__any_of=self.actors
            ).values_list("proposal_id", "actor_id", "actor__name"),
        )
        self._pairs(
            self.holders,
            [point.pk for point in points],
            Position.objects.filter(
                sticking_point_id__any_of=[point.pk for point in points], actor_id__any_of=self.actors
            ).values_list("sticking_point_id", "actor_id", "actor__name"),
        )
        for proposal in proposals:
            self.proposal_actors[proposal.pk] = (
                {proposal.proposer_id} | self.responders[proposal.pk] | self.track_actors[proposal.track_id]
            )
        for point in points:
            self.point_actors[point.pk] = self.holders[point.pk] | self.track_actors[point.track_id]

    def _pairs(self, grouped: dict[int, set[int]], keys: list[int], rows) -> None:
        for key in keys:
            grouped.setdefault(key, set())
        for key, actor_id, name in rows:
            grouped[key].add(actor_id)
            self.names[actor_id] = name

    def concepts(self, record) -> dict[str, set[str]]:
        """A record's terms, worked out once a batch however many of its articles it is a candidate for:
        "key" (a sticking point's title and category; a meeting's title and place) and "all"."""
        key = (type(record), record.pk)
        if key not in self._concepts:
            if isinstance(record, Proposal):
                texts = [record.title, record.summary, *(term.text for term in record.terms.all())]
                title = set(lexicon.concepts_in(record.title))
            elif isinstance(record, StickingPoint):
                texts = [record.title, record.description]
                title = set(lexicon.concepts_in(record.title))
                if record.category in lexicon.CATEGORY_CONCEPTS:
                    title.add(lexicon.CATEGORY_CONCEPTS[record.category])
            else:
                texts = [record.title, record.location]
                title = set(lexicon.concepts_in(" ".join(texts)))
            every = set(lexicon.concepts_in("\n".join(texts))) | title
            self._concepts[key] = {"key": title - lexicon.GENERIC, "all": every - lexicon.GENERIC}
        return self._concepts[key]

    def weight(self, actor_id: int) -> float:
        """How much naming an actor ties an article to one track: 1 for an actor on one track (or none:
        a person), 1/n for an actor on n tracks."""
        return 1 / max(1, self.track_count.get(actor_id, 1))

    def track_fit(self, track_id: int, actor_ids: set[int]) -> tuple[float, list[int]]:
        """How strongly the named actors tie the article to a track (the best weight among them), and
        those actors."""
        named = sorted(self.track_actors.get(track_id, set()) & actor_ids)
        return max((self.weight(actor_id) for actor_id in named), default=0.0), named

    def relevance(self, track_id: int, actor_ids: set[int], best_fit: float) -> tuple[float, list[int]]:
        """Track relevance: the track's fit, scaled down when the named actors tie the article more
        closely to another candidate track (Hamas and Israel named: the Gaza track, not Lebanon's)."""
        fit, named = self.track_fit(track_id, actor_ids)
        return (fit * fit / best_fit if best_fit else 0.0), named

    def _take(self, pool: list, keep, refetch) -> list:
        chosen = [record for record in pool if keep(record)][:MAX_CANDIDATES]
        if len(pool) >= self.cap and len(chosen) < MAX_CANDIDATES:
            # The pool was cut: this article's own query gives its full share, and the records new to the
            # batch get their actors too (more queries, only on this path).
            chosen = list(refetch())
            self._relate(
                [r for r in chosen if isinstance(r, Proposal) and r.pk not in self.proposal_actors],
                [r for r in chosen if isinstance(r, StickingPoint) and r.pk not in self.point_actors],
            )
        return chosen

    def meetings_for(self, article: Article, actor_ids: set[int]) -> list[Meeting]:
        start, end = _moment(article) - WINDOW, _moment(article) + WINDOW
        return self._take(
            self.meetings,
            lambda meeting: (
                start <= meeting.starts_at <= end
                and any(row.actor_id in actor_ids for row in meeting.participant_rows.all())
            ),
            lambda: _meeting_query(actor_ids, start, end, MAX_CANDIDATES),
        )

    def proposals_for(self, actor_ids: set[int]) -> list[Proposal]:
        return self._take(
            self.proposals,
            lambda proposal: not self.proposal_actors[proposal.pk].isdisjoint(actor_ids),
            lambda: _proposal_query(actor_ids, MAX_CANDIDATES),
        )

    def points_for(self, actor_ids: set[int]) -> list[StickingPoint]:
        return self._take(
            self.points,
            lambda point: not self.point_actors[point.pk].isdisjoint(actor_ids),
            lambda: _point_query(actor_ids, MAX_CANDIDATES),
        )


# --- Scores and their reasons ------------------------------------------------------------------------


def _names(pools: _Pools, actor_ids) -> str:
    return ", ".join(sorted(pools.names.get(actor_id, f"actor {actor_id}") for actor_id in actor_ids))


def _day_text(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _apart(days: int, what: str) -> str:
    if days == 0:
        return f"{what} the article's day"
    return f"{what} {abs(days)} day{'s' if abs(days) != 1 else ''} {'before' if days > 0 else 'after'} the article"


def _terms(reading: _Reading, shared: set[str]) -> str:
    return "Terms in common: " + "; ".join(f"{name} (“{reading.concepts[name].words}”)" for name in sorted(shared))


def _either(*chances: float) -> float:
    """The chance that at least one of several independent pieces of evidence holds."""
    return 1 - math.prod(1 - chance for chance in chances)


def _meetings(reading: _Reading, actor_ids: set[int], meetings: list[Meeting], pools: _Pools):
    # A term several candidate meetings share (the White House, for two meetings there) tells them apart
    # less than one that only this meeting has (dinner, Doha).
    spread: dict[str, int] = {}
    for meeting in meetings:
        for name in pools.concepts(meeting)["all"]:
            spread[name] = spread.get(name, 0) + 1
    # A meeting none of whose own terms the article uses, when another meeting of as many of the named
    # people has its own terms in the article, is probably not the one reported (the dinner, not the
    # next day's meeting).
    named = {meeting.pk: {row.actor_id for row in meeting.participant_rows.all()} & actor_ids for meeting in meetings}
    own = {
        meeting.pk: {name for name in pools.concepts(meeting)["all"] if spread[name] == 1} & reading.concepts.keys()
        for meeting in meetings
    }
    references = reading.days or {reading.day}
    for meeting in meetings:
        participants = {row.actor_id for row in meeting.participant_rows.all()}
        shared = named[meeting.pk]
        local = meeting.starts_at.astimezone(ZoneInfo(meeting.time_zone or "UTC")).date()
        days = min(abs((local - day).days) for day in references)
        concepts = pools.concepts(meeting)["all"]
        matched = concepts & reading.concepts.keys()
        weight = {name: 1.0 if spread[name] == 1 else 0.3 for name in concepts}
        text = sum(weight[name] for name in matched) / max(1.0, sum(weight.values()))
        score = (0.5 * len(shared) / len(participants) + 0.5 * text) * math.exp(-days / MEETING_DAYS)
        outdone = not own[meeting.pk] and any(
            own[other.pk] and len(named[other.pk]) >= len(shared) for other in meetings if other.pk != meeting.pk
        )
        if outdone:
            score *= 0.6
        reasons = [f"Named: {_names(pools, shared)} ({len(shared)} of {len(participants)} participants)"]
        if local in reading.days:
            reasons.append(f"Held {_day_text(local)}, a day the article names")
        else:
            gap = (reading.day - local).days
            reasons.append(
                _apart(gap, f"Held {_day_text(local)},")
                if not reading.days
                else f"Held {_day_text(local)}, {days} day{'s' if days != 1 else ''} from the days the article names"
            )
        if matched:
            reasons.append(_terms(reading, matched))
        if outdone:
            reasons.append("Another meeting of the same people matches the article's words better")
        yield meeting, min(1.0, score), reasons


def _proposals(reading: _Reading, actor_ids: set[int], proposals: list[Proposal], pools: _Pools, best_fit: float):
    for proposal in proposals:
        first, last = proposal.first_on, proposal.last_on
        if first is not None and first > reading.day:
            continue  # not yet tabled when the article appeared: the article cannot support it
        days = 0 if first is None else min(abs((reading.day - first).days), abs((reading.day - last).days))
        concepts = pools.concepts(proposal)["all"]
        matched = concepts & reading.concepts.keys()
        term_share = len(matched) / len(concepts) if concepts else 0.0
        figures = {int(term.quantity) for term in proposal.terms.all() if term.quantity is not None}
        figures_named = figures & reading.numbers
        headline_figures = figures_named & lexicon.numbers_in(proposal.title)
        fresh = first is not None and any(abs((first - day).days) <= 1 for day in reading.days | {reading.day})
        fit, on_track = pools.relevance(proposal.track_id, actor_ids, best_fit)
        proposer_named = proposal.proposer_id in actor_ids
        proposer_weight = pools.weight(proposal.proposer_id) if proposer_named else 0.0
        respondents = (pools.responders.get(proposal.pk, set()) & actor_ids) - {proposal.proposer_id}
        months = lexicon.months_in(proposal.title)
        month_named = bool(months) and months <= lexicon.months_in(f"{reading.title}\n{reading.text}")
        evidence = _either(
            0.6 * min(1.0, term_share * 1.5),
            1 - 0.4 ** len(headline_figures) * 0.55 ** len(figures_named - headline_figures),
            0.35 * proposer_weight,
            0.5 if month_named else 0.0,
            0.4 if fresh else 0.0,
        )
        score = math.exp(-days / PROPOSAL_DAYS) * (0.3 + 0.7 * max(fit, proposer_weight)) * evidence
        reasons = []
        if proposer_named:
            reasons.append(f"Its proposer is named: {_names(pools, {proposal.proposer_id})}")
        if respondents:
            reasons.append(f"Named, having responded to it: {_names(pools, respondents)}")
        if on_track:
            reasons.append(f"Named on its track: {_names(pools, on_track)}")
        if first is not None:
            span = _day_text(first) if first == last else f"{_day_text(first)} to {_day_text(last)}"
            reasons.append(f"Dated {span}; nearest {days} day{'s' if days != 1 else ''} from the article")
        if matched:
            reasons.append(_terms(reading, matched))
        if fresh:
            reasons.append(f"First dated {_day_text(first)}, about the article's day")
        if month_named:
            reasons.append("The article names the month in its title")
        if figures_named:
            reasons.append("Figures in common: " + ", ".join(str(number) for number in sorted(figures_named)))
        yield proposal, score, reasons


def _sticking_points(
    reading: _Reading, actor_ids: set[int], points: list[StickingPoint], pools: _Pools, best_fit: float
):
    for point in points:
        concepts = pools.concepts(point)
        key_matched = concepts["key"] & reading.concepts.keys()
        if not key_matched:
            continue  # the article does not speak of what the sticking point is about
        dates = [day for day in (point.status_first, point.position_first) if day is not None]
        first = min(dates, default=None)
        last = max((day for day in (point.status_last, point.position_last) if day is not None), default=first)
        if first is not None and (first - reading.day).days > POINT_EARLY:
            continue  # first recorded long after the article
        outside = 0
        if first is not None:
            outside = max(0, (first - reading.day).days - POINT_EARLY, (reading.day - last).days - POINT_LATE)
        matched = concepts["all"] & reading.concepts.keys()
        extra = concepts["all"] - concepts["key"]
        key_share = len(key_matched) / len(concepts["key"])
        # How much the article dwells on it: a subject named once in passing is not what it reports;
        # named in the headline, it is.
        hits = sum(reading.concepts[name].count for name in key_matched)
        salience = min(1.0, (hits - 1) / 2 + (0.5 if key_matched & reading.headline else 0.0))
        extra_share = len(matched - concepts["key"]) / len(extra) if extra else 0.0
        fit, on_track = pools.relevance(point.track_id, actor_ids, best_fit)
        holders = pools.holders.get(point.pk, set()) & actor_ids
        actor_part = max([fit, *(0.6 * pools.weight(holder) for holder in holders)])
        evidence = min(1.0, 0.4 * key_share + 0.6 * salience + 0.2 * extra_share)
        score = math.exp(-outside / POINT_DAYS) * (0.3 + 0.7 * actor_part) * evidence
        reasons = [_terms(reading, matched)]
        if holders:
            reasons.append(f"Named with a position on it: {_names(pools, holders)}")
        if on_track:
            reasons.append(f"Named on its track: {_names(pools, on_track)}")
        if first is not None:
            reasons.append(
                f"On record {_day_text(first)} to {_day_text(last)}"
                + ("" if not outside else f"; {outside} days outside that span")
            )
        yield point, score, reasons
