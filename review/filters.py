"""Filters of articles, shared by the review workspace's queue (review/views/workspace.py) and the API."""

import datetime

import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone

from actors.models import Actor
from news.models import Article, Feed, Mention
from tracker import search
from tracker.api.filters import RecordFilter, language_filter

# The fields of the stored search vector news/migrations/0012 adds (tracker/search.py).
ARTICLE_TEXT = ("title", "publisher", "text")


class ArticleFilter(django_filters.FilterSet):
    review_state = django_filters.MultipleChoiceFilter(choices=Article.ReviewState.choices)
    processing_state = django_filters.MultipleChoiceFilter(choices=Article.ProcessingState.choices)
    language = language_filter()
    feed = RecordFilter(model=Feed, by_slug=False, field_name="feed", help_text="The feed's id.")
    story = RecordFilter(
        model=Article, by_slug=False, field_name="story", help_text="Articles of one near-duplicate story (its id)."
    )
    actor = RecordFilter(model=Actor, method="filter_actor", help_text="Articles mentioning an actor (id or slug).")
    date_from = django_filters.DateFilter(
        method="filter_date_from", help_text="Published on or after (YYYY-MM-DD, UTC)."
    )
    date_to = django_filters.DateFilter(method="filter_date_to", help_text="Published on or before (YYYY-MM-DD, UTC).")
    search = django_filters.CharFilter(
        method="filter_search",
        help_text='Full-text search over the title, publisher and text: words, "a phrase", or, -word. Pages '
        "reach the 1,000 most recent matches, best first unless `ordering` is given.",
    )

    class Meta:
        model = Article
        fields = ("review_state", "processing_state", "language", "feed", "story", "actor")

    # Dates compare as the instants their day starts (in the current time zone, as `__date` would), so that the
    # index on published_at bounds the scan.
    def filter_date_from(self, queryset, name, value: datetime.date):
        return queryset.filter(published_at__gte=_day_start(value))

    def filter_date_to(self, queryset, name, value: datetime.date):
        return queryset.filter(published_at__lt=_day_start(value + datetime.timedelta(days=1)))

    def filter_actor(self, queryset, name, value: Actor):
        return queryset.filter(Exists(Mention.objects.filter(actor=value, article=OuterRef("pk"))))

    def filter_search(self, queryset, name, value: str):
        return search.matches(queryset, ARTICLE_TEXT, value)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
