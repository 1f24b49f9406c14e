"""Reads of the news record."""

import datetime

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


def articles_waiting_since(cutoff: datetime.datetime, *, limit: int) -> list[int]:
    """Ids of articles still waiting to be processed that nothing has touched since `cutoff`, oldest first
    (at most `limit`): their processing message was lost (a worker killed between the poll's commit and
    the send, a broker down at that moment). Read from the partial index of unprocessed articles."""
    return list(
        Article.objects.filter(processing_state=Article.ProcessingState.NEW, updated_at__lt=cutoff)
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )
