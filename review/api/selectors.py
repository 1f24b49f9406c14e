"""Reads of the review queue shaped for the API."""

from django.db.models import Prefetch, QuerySet

from news.models import Article, Mention
from review.models import Suggestion

# The stored page and derived HTML are for re-processing, never shown by the API.
HEAVY_FIELDS = ("raw_html", "content_html", "feed_content")


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
