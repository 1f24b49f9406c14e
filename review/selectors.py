"""Reads of the review workspace (review/views/workspace.py): the pending queue in its order, one article with
what an editor needs to judge it, the neighbours it is read between, the editor's last verdict."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.urls import reverse

from actors.models import Actor
from news import selectors as news_selectors
from news.models import Article, Feed, Mention
from news.pipeline.mentions import TITLE_SEPARATOR

from .models import Suggestion

# Never shown in the workspace: the article is rendered from its extracted text.
HEAVY_FIELDS = ("raw_html", "content_html", "feed_content", "summary")
SAME_STORY_LIMIT = 30

# The queue's order (the admin's too): the most relevant first, then the newest; the partial index
# news_article_pending_idx serves it. `id` breaks ties so that next/previous are well defined.
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


def queue_counts() -> dict:
    """Pending articles in all, by feed and by language (the filters' options show them)."""
    queue = pending().order_by()
    by_feed = dict(queue.values_list("feed_id").annotate(n=Count("id")).values_list("feed_id", "n"))
    feeds = [(feed, by_feed[feed.pk]) for feed in Feed.objects.filter(pk__in=list(by_feed)).only("id", "title", "url")]
    feeds.sort(key=lambda item: str(item[0]).casefold())
    languages = sorted(queue.values_list("language").annotate(n=Count("id")).values_list("language", "n"))
    return {"total": sum(by_feed.values()), "feeds": feeds, "languages": languages}


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
    following = (
        queryset.filter(Q(relevance__lt=relevance) | Q(relevance=relevance) & after_same)
        .only(*fields)
        .order_by(*QUEUE_ORDER)
        .first()
    )
    previous = (
        queryset.filter(Q(relevance__gt=relevance) | Q(relevance=relevance) & before_same)
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
