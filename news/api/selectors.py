"""Reads of feeds shaped for the API."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from news.models import Article, Feed


def feeds_for_api() -> QuerySet[Feed]:
    """Feeds with `article_count` and `pending_count` (articles waiting for review)."""
    per_feed = Article.objects.filter(feed=OuterRef("pk")).order_by().values("feed")
    counted = per_feed.annotate(n=Count("id")).values("n")
    pending = per_feed.filter(review_state=Article.ReviewState.PENDING).annotate(n=Count("id")).values("n")
    return Feed.objects.annotate(
        article_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0),
        pending_count=Coalesce(Subquery(pending, output_field=IntegerField()), 0),
    )
