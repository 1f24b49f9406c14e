"""Reads of review: what the forms that turn an article into a record offer, and who may use them."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from actors.models import Actor
from negotiations.models import Proposal, StickingPoint, Track, TrackActor
from news.models import Article, Mention

from .models import Suggestion

# The records an article can become from its page, by URL kind: (label, the permissions it takes). Each
# record is saved with its citation, so every kind needs the citation's permission too.
RECORD_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "meeting": ("Meeting", ("negotiations.add_meeting", "negotiations.add_participant")),
    "position": ("Position", ("negotiations.add_position",)),
    "figure": ("Figure", ("negotiations.add_figure",)),
    "proposal-event": ("Proposal event", ("negotiations.add_proposalevent",)),
    "response": ("Response", ("negotiations.add_response",)),
}
CITATION_PERMISSION = "negotiations.add_citation"

# Proposals offered in a form's list: the record holds tens of thousands, so the list shows the ones this
# article bears on (suggested for it, put forward by an actor it names, or in a track of such an actor) and
# the form takes any other by its slug.
PROPOSAL_CHOICES = 50


def record_kinds_for(user) -> list[str]:
    """The kinds of record `user` may create from an article (in RECORD_KINDS order); empty for anyone
    who may not. The article view shows a link to review:record-form for each of these only."""
    if not user.is_authenticated or not user.has_perm(CITATION_PERMISSION):
        return []
    return [kind for kind, (_, permissions) in RECORD_KINDS.items() if user.has_perms(permissions)]


def record_form_links(user, article_id: int) -> list[tuple[str, str, str]]:
    """(kind, label, URL) of each form `user` may open for the article, for the article view's links; the
    view's script adds `?quote=` with the passage the editor selected."""
    return [
        (kind, RECORD_KINDS[kind][0], reverse("review:record-form", kwargs={"pk": article_id, "kind": kind}))
        for kind in record_kinds_for(user)
    ]


def article_for_record(pk: int) -> Article:
    """The article a record is made from: what its citation copies and its quote is checked against."""
    return get_object_or_404(
        Article.objects.only("id", "title", "publisher", "url", "canonical_url", "published_at", "text", "language"),
        pk=pk,
    )


def article_day(article: Article) -> datetime.date:
    """The article's date of publication (today for an article that gives none)."""
    return timezone.localdate(article.published_at) if article.published_at else timezone.localdate()


@dataclass
class RecordChoices:
    """What a form for one kind of record offers, drawn from the article: the actors it names (most named
    first) before all the others, and the tracks those actors take part in before the rest."""

    actors: list[Actor]
    mentioned: list[Actor]
    track_roles: dict[int, set[str]]
    related_tracks: set[int]
    tracks: list[Track] = field(default_factory=list)
    sticking_points: list[StickingPoint] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)


def record_choices(article: Article, kind: str) -> RecordChoices:
    """The choices of the form for `kind`: three queries (mentions, actors, track roles) and one for the
    kind's own list (tracks, sticking points or proposals), whatever the size of the record."""
    counts = Counter(Mention.objects.filter(article=article).values_list("actor_id", flat=True))
    actors = list(Actor.objects.only("id", "name", "slug", "kind").order_by("name", "id"))
    mentioned = sorted((actor for actor in actors if actor.pk in counts), key=lambda actor: -counts[actor.pk])
    track_roles: dict[int, set[str]] = {}
    related_tracks: set[int] = set()
    for track_id, actor_id, role in TrackActor.objects.filter(actor_id__in=_mentioned_ids(article)).values_list(
        "track_id", "actor_id", "role"
    ):
        track_roles.setdefault(actor_id, set()).add(role)
        related_tracks.add(track_id)
    choices = RecordChoices(actors=actors, mentioned=mentioned, track_roles=track_roles, related_tracks=related_tracks)
    if kind in {"meeting", "figure"}:
        choices.tracks = sorted(
            Track.objects.only("id", "name"), key=lambda track: (track.pk not in related_tracks, track.name)
        )
    elif kind == "position":
        choices.sticking_points = sorted(
            StickingPoint.objects.select_related("track")
            .only("id", "title", "slug", "track__id", "track__name")
            .annotate(suggested=Subquery(_suggestion_scores(article, "stickingpoint"))),
            key=lambda point: (point.track_id not in related_tracks, point.track.name, point.title),
        )
    elif kind in {"proposal-event", "response"}:
        choices.proposals = list(
            Proposal.objects.only("id", "title", "slug", "version_label")
            .annotate(suggested=Subquery(_suggestion_scores(article, "proposal")))
            .filter(
                Q(suggested__isnull=False)
                | Q(proposer_id__in=_mentioned_ids(article))
                | Q(track_id__in=TrackActor.objects.filter(actor_id__in=_mentioned_ids(article)).values("track_id"))
            )
            .order_by(F("suggested").desc(nulls_last=True), "-updated_at", "-id")[:PROPOSAL_CHOICES]
        )
    return choices


def _mentioned_ids(article: Article):
    return Mention.objects.filter(article=article).values("actor_id")


def _suggestion_scores(article: Article, model: str):
    """The score of the record's suggestion for this article (none when it was not suggested)."""
    return Suggestion.objects.filter(
        article=article,
        content_type__app_label="negotiations",
        content_type__model=model,
        object_id=OuterRef("pk"),
    ).values("score")[:1]
