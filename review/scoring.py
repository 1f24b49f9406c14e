"""Scored suggestions linking an article to the records it may support, and the article's relevance.

Each suggestion says why (reasons) so an editor can judge it in seconds. The
cost per article is bounded: every lookup starts from the actors the article
mentions (indexed) and is capped, whatever the size of the record. The batch's actor ids go into
the queries with `any_of` (tracker/lookups.py): one array parameter, not a prepared value each.
Processing calls it for each batch through `review.services.suggestions_for_batch` (a hook named in
settings.INGEST_BATCH_HOOKS: news does not know review).
"""

import datetime
import math
import re

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q

from negotiations.models import Meeting, Position, Proposal, Response, StickingPoint, Term, TrackActor
from news.models import Article

from .models import Suggestion

WINDOW = datetime.timedelta(days=10)
MAX_CANDIDATES = 50
MIN_SCORE = 0.15
_WORD = re.compile(r"\w{5,}", re.UNICODE)
_COMMON = frozenset({"between", "during", "after", "before", "their", "which", "would", "proposal", "ceasefire"})


def _keywords(*texts: str) -> set[str]:
    return {word for text in texts for word in _WORD.findall(text.casefold())} - _COMMON


def _keyword_share(keywords: set[str], words: set[str]) -> float:
    return len(keywords & words) / len(keywords) if keywords else 0.0


def score_articles(items: list[tuple[Article, set[int]]]) -> list[tuple[list[Suggestion], float]]:
    """Each article's suggestions (unsaved) and relevance, given the actors it mentions; the candidate
    records of the whole batch come from one set of queries.

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
            words = _keywords(article.title, article.text)
            scored += _meetings(article, actor_ids, pools.meetings_for(article, actor_ids))
            scored += _proposals(actor_ids, words, pools.proposals_for(actor_ids), pools.keywords)
            scored += _sticking_points(words, pools.points_for(actor_ids), pools.keywords)
        results.append(_suggestions(article, actor_ids, scored))
    return results


def _suggestions(article: Article, actor_ids: set[int], scored) -> tuple[list[Suggestion], float]:
    scored = [item for item in scored if item[1] >= MIN_SCORE]
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


def _meeting_query(actor_ids: set[int], start: datetime.datetime, end: datetime.datetime, limit: int):
    return (
        Meeting.objects.filter(starts_at__gte=start, starts_at__lte=end, participant_rows__actor_id__any_of=actor_ids)
        .only("id", "starts_at")  # what scoring reads: DISTINCT over fewer, shorter columns
        .distinct()
        .prefetch_related("participant_rows")
        .order_by("starts_at")[:limit]
    )


def _proposal_query(actor_ids: set[int], limit: int):
    return (
        Proposal.objects.filter(
            Q(proposer_id__any_of=actor_ids)
            | Q(responses__actor_id__any_of=actor_ids)
            | Q(track__track_actors__actor_id__any_of=actor_ids)
        )
        .only("id", "title", "summary", "proposer_id", "track_id")
        .distinct()
        .prefetch_related(Prefetch("terms", queryset=Term.objects.only("id", "proposal_id", "text")))
        .order_by("-id")[:limit]
    )


def _point_query(actor_ids: set[int], limit: int):
    return (
        StickingPoint.objects.filter(
            Q(positions__actor_id__any_of=actor_ids) | Q(track__track_actors__actor_id__any_of=actor_ids)
        )
        .only("id", "title", "description", "track_id")
        .distinct()
        .order_by("-id")[:limit]
    )


class _Pools:
    """The batch's candidate meetings, proposals and sticking points, and which of its actors each involves."""

    def __init__(self, items: list[tuple[Article, set[int]]]) -> None:
        actors = set().union(*(actor_ids for _, actor_ids in items))
        moments = [_moment(article) for article, _ in items]
        self.cap = MAX_CANDIDATES * len(items)
        self._keywords: dict[tuple[type, int], set[str]] = {}
        self.meetings = list(_meeting_query(actors, min(moments) - WINDOW, max(moments) + WINDOW, self.cap))
        self.proposals = list(_proposal_query(actors, self.cap))
        self.points = list(_point_query(actors, self.cap))
        # The batch's actors each proposal and sticking point involves, besides a proposer.
        tracks = _pairs(
            TrackActor.objects.filter(
                track_id__any_of={record.track_id for record in [*self.proposals, *self.points]},
                actor_id__any_of=actors,
            ).values_list("track_id", "actor_id")
        )
        responders = _pairs(
            Response.objects.filter(
                proposal_id__any_of=[proposal.pk for proposal in self.proposals], actor_id__any_of=actors
            ).values_list("proposal_id", "actor_id")
        )
        holders = _pairs(
            Position.objects.filter(
                sticking_point_id__any_of=[point.pk for point in self.points], actor_id__any_of=actors
            ).values_list("sticking_point_id", "actor_id")
        )
        self.proposal_actors = {
            proposal.pk: {proposal.proposer_id}
            | responders.get(proposal.pk, set())
            | tracks.get(proposal.track_id, set())
            for proposal in self.proposals
        }
        self.point_actors = {
            point.pk: holders.get(point.pk, set()) | tracks.get(point.track_id, set()) for point in self.points
        }

    def keywords(self, record: Proposal | StickingPoint) -> set[str]:
        """A record's key terms, worked out once a batch however many of its articles it is a candidate for."""
        key = (type(record), record.pk)
        if key not in self._keywords:
            if isinstance(record, Proposal):
                texts = [record.title, record.summary, *(term.text for term in record.terms.all())]
            else:
                texts = [record.title, record.description]
            self._keywords[key] = _keywords(*texts)
        return self._keywords[key]

    def _take(self, pool: list, keep, refetch) -> list:
        chosen = [record for record in pool if keep(record)][:MAX_CANDIDATES]
        if len(pool) >= self.cap and len(chosen) < MAX_CANDIDATES:
            return list(refetch())  # the pool was cut: this article's own query gives its full share
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


def _pairs(rows) -> dict[int, set[int]]:
    grouped: dict[int, set[int]] = {}
    for key, value in rows:
        grouped.setdefault(key, set()).add(value)
    return grouped


def _meetings(article: Article, actor_ids: set[int], meetings: list[Meeting]):
    when = _moment(article)
    for meeting in meetings:
        participants = {row.actor_id for row in meeting.participant_rows.all()}
        shared = participants & actor_ids
        days = abs((meeting.starts_at - when).total_seconds()) / 86400
        score = (len(shared) / len(participants)) * math.exp(-days / 4)
        yield meeting, score, [f"{len(shared)} of {len(participants)} participants named", f"{days:.1f} days apart"]


def _proposals(actor_ids: set[int], words: set[str], proposals: list[Proposal], keywords):
    for proposal in proposals:
        share = _keyword_share(keywords(proposal), words)
        named = proposal.proposer_id in actor_ids
        score = 0.6 * share + (0.4 if named else 0.2)
        yield (
            proposal,
            score * (1 if share else 0.5),
            [f"{share:.0%} of its key terms", "proposer named" if named else "a party named"],
        )


def _sticking_points(words: set[str], points: list[StickingPoint], keywords):
    for point in points:
        share = _keyword_share(keywords(point), words)
        if share:
            yield point, 0.3 + 0.7 * share, [f"{share:.0%} of its key terms", "a party with a position named"]
