"""Scored suggestions linking an article to the records it may support, and the article's relevance.

Each suggestion says why (reasons) so an editor can judge it in seconds. The
cost per article is bounded: every lookup starts from the actors the article
mentions (indexed) and is capped, whatever the size of the record.
"""

import datetime
import math
import re

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from negotiations.models import Meeting, Proposal, StickingPoint

from ..models import Article, Suggestion

WINDOW = datetime.timedelta(days=10)
MAX_CANDIDATES = 50
MIN_SCORE = 0.15
_WORD = re.compile(r"\w{5,}", re.UNICODE)
_COMMON = frozenset({"between", "during", "after", "before", "their", "which", "would", "proposal", "ceasefire"})


def _keywords(*texts: str) -> set[str]:
    return {word for text in texts for word in _WORD.findall(text.casefold())} - _COMMON


def _keyword_share(keywords: set[str], words: set[str]) -> float:
    return len(keywords & words) / len(keywords) if keywords else 0.0


def suggest_for_article(article: Article) -> list[Suggestion]:
    """Replace the article's suggestions and set its relevance (0 when it names no actor: noise sinks)."""
    actor_ids = set(article.mentions.values_list("actor_id", flat=True))
    suggestions, relevance = score_article(article, actor_ids)
    with transaction.atomic():
        replace_suggestions(article, suggestions)
        Article.objects.filter(pk=article.pk).update(relevance=relevance)
    article.relevance = relevance
    return suggestions


def score_article(article: Article, actor_ids: set[int]) -> tuple[list[Suggestion], float]:
    """The article's suggestions (unsaved) and its relevance, given the actors it mentions."""
    words = _keywords(article.title, article.text)
    scored: list[tuple[object, float, list[str]]] = []
    if actor_ids:
        scored += _meetings(article, actor_ids)
        scored += _proposals(actor_ids, words)
        scored += _sticking_points(actor_ids, words)
    scored = [item for item in scored if item[1] >= MIN_SCORE]
    best = max((score for _, score, _ in scored), default=0.0)
    relevance = 0.0 if not actor_ids else round(min(1.0, 0.15 * len(actor_ids)) * 0.5 + best * 0.5, 4)
    suggestions = [
        Suggestion(
            article=article,
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            score=round(score, 4),
            reasons=reasons,
        )
        for record, score, reasons in scored
    ]
    return suggestions, relevance


def replace_suggestions(article: Article, suggestions: list[Suggestion]) -> None:
    Suggestion.objects.filter(article=article).delete()
    Suggestion.objects.bulk_create(suggestions)


def _meetings(article: Article, actor_ids: set[int]):
    when = article.published_at or article.created_at
    window = Q(starts_at__gte=when - WINDOW, starts_at__lte=when + WINDOW)
    meetings = (
        Meeting.objects.filter(window, participant_rows__actor_id__in=actor_ids)
        .distinct()
        .prefetch_related("participant_rows")
        .order_by("starts_at")[:MAX_CANDIDATES]
    )
    for meeting in meetings:
        participants = {row.actor_id for row in meeting.participant_rows.all()}
        shared = participants & actor_ids
        days = abs((meeting.starts_at - when).total_seconds()) / 86400
        score = (len(shared) / len(participants)) * math.exp(-days / 4)
        yield meeting, score, [f"{len(shared)} of {len(participants)} participants named", f"{days:.1f} days apart"]


def _proposals(actor_ids: set[int], words: set[str]):
    proposals = (
        Proposal.objects.filter(
            Q(proposer_id__in=actor_ids)
            | Q(responses__actor_id__in=actor_ids)
            | Q(track__track_actors__actor_id__in=actor_ids)
        )
        .distinct()
        .prefetch_related("terms")
        .order_by("-id")[:MAX_CANDIDATES]
    )
    for proposal in proposals:
        keywords = _keywords(proposal.title, proposal.summary, *(term.text for term in proposal.terms.all()))
        share = _keyword_share(keywords, words)
        named = proposal.proposer_id in actor_ids
        score = 0.6 * share + (0.4 if named else 0.2)
        yield (
            proposal,
            score * (1 if share else 0.5),
            [f"{share:.0%} of its key terms", "proposer named" if named else "a party named"],
        )


def _sticking_points(actor_ids: set[int], words: set[str]):
    points = (
        StickingPoint.objects.filter(
            Q(positions__actor_id__in=actor_ids) | Q(track__track_actors__actor_id__in=actor_ids)
        )
        .distinct()
        .order_by("-id")[:MAX_CANDIDATES]
    )
    for point in points:
        share = _keyword_share(_keywords(point.title, point.description), words)
        if share:
            yield point, 0.3 + 0.7 * share, [f"{share:.0%} of its key terms", "a party with a position named"]
