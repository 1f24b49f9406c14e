"""Reads of review: the pending queue in its order, one article with what an editor needs to judge it, the
neighbours it is read between and the editor's last verdict (the workspace, review/views/workspace.py); what
the forms that turn an article into a record offer, and who may use them (review/views/record_forms.py)."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from actors.models import Actor
from negotiations.models import Proposal, StickingPoint, Track, TrackActor
from news import selectors as news_selectors
from news.models import Article, Feed, Mention
from news.pipeline.mentions import TITLE_SEPARATOR
from tracker.pagination import COUNT_CAP, CappedPaginator, count_label

from .models import Suggestion

# Never shown in the workspace: the article is rendered from its extracted text.
HEAVY_FIELDS = ("raw_html", "content_html", "feed_content", "summary")
SAME_STORY_LIMIT = 30
QUEUE_PAGE_SIZE = 50

# The queue's order (the admin's too): the most relevant first, then the newest; the partial index
# news_article_queue_idx (PostgreSQL) serves it. `id` breaks ties so that next/previous are well defined.
QUEUE_ORDER = (F("relevance").desc(), F("published_at").desc(nulls_last=True), F("id").desc())


def preselect_threshold() -> float:
    """Suggestions scoring at least this come ticked; the others are offered on request."""
    return getattr(settings, "SUGGESTION_PRESELECT_THRESHOLD", 0.5)


def pending() -> QuerySet[Article]:
    return Article.objects.filter(review_state=Article.ReviewState.PENDING)


def queue_page_rows(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """A page of the (filtered) queue: what a row shows, with the number of outlets carrying its story."""
    return news_selectors.with_story_sources(
        queryset.select_related("feed")
        .only(
            "id",
            "title",
            "publisher",
            "language",
            "published_at",
            "relevance",
            "story_id",
            "feed__id",
            "feed__title",
            "feed__url",
        )
        .order_by(*QUEUE_ORDER)
    )


def queue_pages(
    queryset: QuerySet[Article], *, asked: object, total: int | None = None, searched: bool = False
) -> CappedPaginator:
    """The (filtered) queue in pages, in its order (tracker/pagination.py): each page's ids read from
    news_article_queue_idx before its rows; counted up to 1,000 articles (or to the page asked for) unless
    `total` is given or the queue is `searched` (see queue_size)."""
    return CappedPaginator(
        queryset.order_by(*QUEUE_ORDER),
        QUEUE_PAGE_SIZE,
        asked=asked,
        count=total,
        cap=None if searched else COUNT_CAP,
        rows=queue_page_rows,
    )


def queue_size(queryset: QuerySet[Article], *, searched: bool = False) -> str:
    """How many articles the (filtered) queue holds, for people: exact up to 1,000, "1,000+" beyond. A search
    is counted exactly: its full-text index answers the whole count, whereas to stop at 1,000 PostgreSQL reads
    the table and computes each article's text vector in turn (tracker/search.py), a hundred times slower."""
    return count_label(queryset, cap=None if searched else COUNT_CAP)


def queue_counts() -> dict:
    """Pending articles in all, by feed and by language (the filters' options show them): one pass over the
    index news_article_queue_counts_idx, grouped by feed and language, and the feeds' names."""
    by_feed: Counter = Counter()
    by_language: Counter = Counter()
    for feed_id, language, n in pending().order_by().values_list("feed_id", "language").annotate(n=Count("*")):
        by_feed[feed_id] += n
        by_language[language] += n
    feeds = [(feed, by_feed[feed.pk]) for feed in Feed.objects.filter(pk__in=list(by_feed)).only("id", "title", "url")]
    feeds.sort(key=lambda item: str(item[0]).casefold())
    return {"total": by_feed.total(), "feeds": feeds, "languages": sorted(by_language.items())}


def filter_actors() -> QuerySet[Actor]:
    return Actor.objects.only("id", "name", "slug").order_by("name")


def article_for_review(pk: int) -> Article:
    """The article with its feed, reviewer, story's outlet count and mentions (with their actors)."""
    return (
        news_selectors.with_story_sources(Article.objects.defer(*HEAVY_FIELDS))
        .select_related("feed", "reviewer")
        .prefetch_related(
            Prefetch("mentions", queryset=Mention.objects.select_related("actor").order_by("start", "id")),
        )
        .get(pk=pk)
    )


def suggestions_for(article: Article) -> list[Suggestion]:
    """The article's suggestions, best first, with their records (one query per kind of record)."""
    return list(
        Suggestion.objects.filter(article=article)
        .select_related("content_type")
        .prefetch_related("record")
        .order_by("-score", "id")
    )


def same_story(article: Article) -> list[Article]:
    """The other articles of its story: the same near-duplicate cluster, those marked duplicates of it, the one it
    duplicates."""
    related = Q(duplicate_of=article.pk)
    if article.story_id:
        related |= Q(story_id=article.story_id) | Q(pk=article.story_id)
    if article.duplicate_of_id:
        related |= Q(pk=article.duplicate_of_id)
    return list(
        Article.objects.filter(related)
        .exclude(pk=article.pk)
        .only("id", "title", "publisher", "published_at", "review_state", "url", "duplicate_of_id")
        .order_by("published_at", "id")[:SAME_STORY_LIMIT]
    )


def neighbours(article: Article, queryset: QuerySet[Article]) -> tuple[Article | None, Article | None]:
    """The pending articles just before and just after this one in the queue's order (the article itself need
    not be pending any more: after a verdict, "next" is where the editor goes)."""
    relevance, published, pk = article.relevance, article.published_at, article.pk
    if published is None:  # undated articles come last
        after_same = Q(published_at__isnull=True, id__lt=pk)
        before_same = Q(published_at__isnull=False) | Q(published_at__isnull=True, id__gt=pk)
    else:
        after_same = Q(published_at__lt=published) | Q(published_at__isnull=True) | Q(published_at=published, id__lt=pk)
        before_same = Q(published_at__gt=published) | Q(published_at=published, id__gt=pk)
    fields = ("id", "title")
    # The bare bounds on relevance are implied by the conditions after them; PostgreSQL needs them to start
    # reading news_article_queue_idx at the article, not at the head of the queue.
    following = (
        queryset.filter(relevance__lte=relevance)
        .filter(Q(relevance__lt=relevance) | Q(relevance=relevance) & after_same)
        .only(*fields)
        .order_by(*QUEUE_ORDER)
        .first()
    )
    previous = (
        queryset.filter(relevance__gte=relevance)
        .filter(Q(relevance__gt=relevance) | Q(relevance=relevance) & before_same)
        .only(*fields)
        .order_by(F("relevance").asc(), F("published_at").asc(nulls_first=True), F("id").asc())
        .first()
    )
    return previous, following


def last_verdict(user) -> Article | None:
    """The user's most recent verdict still standing (the one `u` undoes)."""
    return (
        Article.objects.filter(reviewer=user)
        .exclude(review_state=Article.ReviewState.PENDING)
        .only("id", "title", "review_state", "reviewed_at")
        .order_by("-reviewed_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class Segment:
    text: str
    actor: Actor | None = None


def body_paragraphs(article: Article) -> list[list[Segment]]:
    """The article's text in paragraphs (its lines), each a list of plain segments and actor mentions. Mentions
    index `title + TITLE_SEPARATOR + text` (news/pipeline/mentions.py); those in the title are left out, and one
    overlapping the previous is skipped. The template escapes every segment: no stored HTML is rendered."""
    offset = len(article.title) + len(TITLE_SEPARATOR)
    mentions = [
        (mention.start - offset, mention.end - offset, mention.actor)
        for mention in article.mentions.all()
        if mention.start >= offset
    ]
    paragraphs, position, index = [], 0, 0
    for line in article.text.split("\n"):
        start, end = position, position + len(line)
        position = end + 1
        if not line.strip():
            continue
        segments, cursor = [], start
        while index < len(mentions) and mentions[index][0] < end:
            mention_start, mention_end, actor = mentions[index]
            index += 1
            if mention_start < cursor or mention_end > end:
                continue
            if mention_start > cursor:
                segments.append(Segment(article.text[cursor:mention_start]))
            segments.append(Segment(article.text[mention_start:mention_end], actor))
            cursor = mention_end
        if cursor < end:
            segments.append(Segment(article.text[cursor:end]))
        paragraphs.append(segments)
    return paragraphs


RECORD_PAGES = {
    "meeting": ("meeting", "pk"),
    "proposal": ("proposal", "slug"),
    "stickingpoint": ("sticking-point", "slug"),
}


def record_url(record) -> str:
    """The record's page, for the kinds that have one; empty otherwise."""
    if record is None or record._meta.model_name not in RECORD_PAGES:
        return ""
    name, key = RECORD_PAGES[record._meta.model_name]
    return reverse(name, kwargs={key: getattr(record, key)})


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
