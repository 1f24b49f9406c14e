"""Reads of the news record."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from .models import Article


def with_story_sources(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Annotate `story_sources`: how many independent outlets (distinct publishers) carry the article's story."""
    outlets = (
        Article.objects.filter(story_id=OuterRef("story_id"))
        .order_by()
        .values("story_id")
        .annotate(n=Count(NullIf("publisher", Value("")), distinct=True))
        .values("n")
    )
    return queryset.annotate(story_sources=Coalesce(Subquery(outlets, output_field=IntegerField()), 1))
