import django_filters

from news.models import Feed


class FeedFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter()
    language = django_filters.CharFilter(help_text="BCP 47 code, e.g. en, ar, he.")
    failing = django_filters.BooleanFilter(method="filter_failing", help_text="Feeds whose last polls failed.")

    class Meta:
        model = Feed
        fields = ("active", "language", "failing")

    def filter_failing(self, queryset, name, value: bool):
        return queryset.filter(consecutive_errors__gt=0) if value else queryset.filter(consecutive_errors=0)
