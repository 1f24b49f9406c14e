"""Reads of feeds and articles shaped for the API."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from news.models import Article, Feed, Mention, Suggestion

# The stored page and derived HTML are for re-processing, never shown by the API.
HEAVY_FIELDS = ("raw_html", "content_html", "feed_content")


def feeds_for_api() -> QuerySet[Feed]:
    """Feeds with `article_count` and `pending_count` (articles waiting for review)."""
    per_feed = Article.objects.filter(feed=OuterRef("pk")).order_by().values("feed")
    counted = per_feed.annotate(n=Count("id")).values("n")
    pending = per_feed.filter(review_state=Article.ReviewState.PENDING).annotate(n=Count("id")).values("n")
    return Feed.objects.annotate(
        article_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0),
        pending_count=Coalesce(Subquery(pending, output_field=IntegerField()), 0),
    )


def articles_for_api(*, with_text: bool = False) -> QuerySet[Article]:
    """Articles with their feed, reviewer, detected mentions, suggested records (each kind of record
    read once per page) and the ids of the articles marked as their duplicates."""
    deferred = HEAVY_FIELDS if with_text else (*HEAVY_FIELDS, "text")
    return (
        Article.objects.defer(*deferred)
        .select_related("feed", "reviewer")
        .prefetch_related(
            Prefetch("mentions", queryset=Mention.objects.select_related("actor").order_by("start", "id")),
            Prefetch(
                "suggestions",
                queryset=Suggestion.objects.select_related("content_type")
                .prefetch_related("record")
                .order_by("-score", "id"),
            ),
            Prefetch("duplicates", queryset=Article.objects.only("id", "duplicate_of_id").order_by("id")),
        )
    )
