import django_filters

from news.models import Feed
from tracker.api.filters import BooleanFilter, language_filter


class FeedFilter(django_filters.FilterSet):
    active = BooleanFilter(help_text="true or false.")
    language = language_filter()
    failing = BooleanFilter(method="filter_failing", help_text="Feeds whose last polls failed (true or false).")

    class Meta:
        model = Feed
        fields = ("active", "language", "failing")

    def filter_failing(self, queryset, name, value: bool):
        return queryset.filter(consecutive_errors__gt=0) if value else queryset.filter(consecutive_errors=0)
