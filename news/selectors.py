"""Reads of the news record."""

import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
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


def waiting_since(cutoff: datetime.datetime) -> QuerySet[Article]:
    """Articles still waiting to be processed whose processing was queued before `cutoff` (and not queued
    again or due since), oldest first: their message was lost, or their task died past its time limit.
    Articles stored before the sweep's bookkeeping existed count from their last change. The partial
    index of unprocessed articles holds them."""
    return (
        Article.objects.filter(processing_state=Article.ProcessingState.NEW)
        .filter(Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True, updated_at__lt=cutoff))
        .order_by("created_at", "id")
    )
